"""Drafts of the longer forms (a handover, a notification, a shift handover).

A mixin of Desk (ohjaaja.usecases.desk). The screen saves its fields on every change; the
form comes back filled after a crash, a lost session or an Esc; the use case that
sends the form discards its draft in the same transaction, so a draft is never
both sent and restored.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ohjaaja.db import drafts as draft_rows
from ohjaaja.db.engine import transaction
from ohjaaja.domain.clock import from_iso
from ohjaaja.usecases.context import DeskContext


@dataclass(frozen=True)
class FormDraft:
    fields: dict[str, Any]
    updated_at: datetime


def about(contact_id: str | None, client_id: str | None) -> str:
    """What a form is about, as its draft is keyed: the contact, else the client."""
    return contact_id or client_id or ""


class FormDraftUseCases:
    """Drafts of the long forms (handover, notification), one per worker, form and
    subject, so that a crash or a closed terminal loses nothing typed."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self._revisions: dict[str, int] = {}

    def _form_key(self, form: str, subject: str) -> str:
        # Many workers share one desk file: each has their own drafts.
        return f"{self.ctx.worker_id}:{form}:{subject}"

    def save(self, form: str, subject: str, fields: dict[str, Any], revision: int) -> bool:
        """Saves arrive from worker threads in any order. The revision is when the
        change was made (time.monotonic_ns on the screen), so an older one than a
        save or a discard already done is ignored."""
        key = self._form_key(form, subject)
        with self.ctx.lock:
            if revision <= self._revisions.get(key, -1):
                return False
            text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
            with transaction(self.ctx.conn) as conn:
                draft_rows.save_form(conn, key, self.ctx.worker_id, text, self.ctx.now())
            self._revisions[key] = revision
            return True

    def load(self, form: str, subject: str) -> FormDraft | None:
        with self.ctx.lock:
            row = draft_rows.load_form(self.ctx.conn, self._form_key(form, subject))
        if row is None:
            return None
        return FormDraft(json.loads(row["fields"]), from_iso(row["updated_at"]))

    def discard(self, conn: sqlite3.Connection, form: str, subject: str) -> None:
        """In the transaction of the use case that sends the form."""
        key = self._form_key(form, subject)
        draft_rows.discard_form(conn, key)
        # A save of a change made before this, still in flight, cannot bring it back.
        self._revisions[key] = time.monotonic_ns()
