"""What every part of the desk shares: one connection under one lock, the clock,
the worker who acts, and the access log that any part writes when it reads or
changes a client's data.

The parts (contacts, clients, catalogue, handovers, drafts) are each handed this
context and use nothing of one another's but their public methods.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ohjaaja.db import clients as client_rows
from ohjaaja.db.engine import transaction
from ohjaaja.db.ids import new_id
from ohjaaja.domain.clock import Clock, to_iso
from ohjaaja.sync.outgoing import record


@dataclass
class DeskContext:
    database: str | Path
    conn: sqlite3.Connection
    clock: Clock
    worker_id: str
    worker_name: str
    roles: tuple[str, ...]
    teams: tuple[str, ...]
    training: bool
    # One lock for the one connection: screens call the parts from thread workers.
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Told after each write this desk commits: PRAGMA data_version counts only
    # other connections' commits, so the desk's own screens learn of it here.
    listeners: list[Callable[[], None]] = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def now(self) -> str:
        return to_iso(self.clock.now())

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, held by this thread for a read of several statements."""
        with self.lock:
            yield self.conn

    @contextlib.contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the lock: all or nothing, outbox included."""
        with self.lock, transaction(self.conn) as conn:
            yield conn
        self.wrote()

    def wrote(self) -> None:
        """After a commit of this connection, outside the lock: the listeners (the
        app, which refreshes its screens) are told. A draft saved as it is typed is
        not announced: nothing shown elsewhere depends on it."""
        for listener in list(self.listeners):
            listener()

    def audit(
        self,
        conn: sqlite3.Connection,
        client_id: str,
        action: str,
        reason: str | None,
        detail: dict[str, Any],
        at: str,
    ) -> None:
        """A look at or change of a client's data, in the caller's transaction, with
        its outbox mutation (the region's log is kept on the server)."""
        audit_id = new_id()
        detail_json = json.dumps(detail, ensure_ascii=False)
        client_rows.add_audit(
            conn, audit_id, at, self.worker_id, client_id, action, reason, detail_json
        )
        record(
            conn,
            "audit.append",
            {
                "id": audit_id,
                "at": at,
                "worker_id": self.worker_id,
                "client_id": client_id,
                "action": action,
                "reason": reason,
                "detail": detail_json,
            },
            at,
            self.worker_id,
        )
