"""The desk's client use cases: search, the card, edits, relatives, the access log.

A mixin of Desk (ohjaaja.usecases.desk), split out so each file holds one subject. As
everywhere in the desk, a change writes its outbox mutation in the same
transaction, and every look at or change to a client's data writes an audit
row (Client Data Act 703/2023 s. 11: who processed whose data, and why).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ohjaaja.db import client_search
from ohjaaja.db import clients as client_rows
from ohjaaja.db.ids import new_id
from ohjaaja.db.text import fold
from ohjaaja.domain import reference
from ohjaaja.domain.clients import (
    RELATIONS,
    ClientInput,
    FieldError,
    client_flags,
    finnish_date,
    reason_text,
    validate_client,
)
from ohjaaja.domain.clock import from_iso, to_iso
from ohjaaja.domain.identity import mask_identity_code
from ohjaaja.domain.search import Lookup, lookups
from ohjaaja.sync.outgoing import record
from ohjaaja.usecases.context import DeskContext

PAGE_SIZE = 20


@dataclass(frozen=True)
class ClientMatch:
    id: str
    last_name: str
    first_names: str
    birth_date: str | None
    municipality_code: str | None
    language: str
    via: str  # client, relative, hetu, name, birth, municipality, id
    relative_name: str | None = None
    relation: str | None = None

    @property
    def name(self) -> str:
        return f"{self.last_name} {self.first_names}"


@dataclass(frozen=True)
class SearchPage:
    matches: list[ClientMatch]
    offset: int
    has_more: bool


@dataclass(frozen=True)
class SaveResult:
    """A save: the client's id, or the fields' errors, or a likely duplicate to offer."""

    client_id: str | None
    errors: list[FieldError] = field(default_factory=list)
    duplicate: ClientMatch | None = None


@dataclass(frozen=True)
class Phone:
    id: str
    e164: str
    kind: str


@dataclass(frozen=True)
class Relative:
    id: str
    name: str
    relation: str
    phone: str | None


@dataclass(frozen=True)
class Offered:
    """A service offered on a contact (its names by language), or an unmet need."""

    names: dict[str, str]
    unmet_need: bool = False


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    channel: str
    line_code: str
    status: str
    outcome: str | None
    reasons: tuple[str, ...]
    note: str
    worker: str | None
    offered: tuple[Offered, ...] = ()


@dataclass(frozen=True)
class CardItem:
    """An open handover or a notification, as one line of the card: the team it went
    to (a code, which the screen names in the worker's language), else a text."""

    at: datetime
    kind: str
    text: str
    team: str | None = None


@dataclass(frozen=True)
class ClientCard:
    id: str
    last_name: str
    first_names: str
    hetu_masked: str | None
    hetu_temporary: bool
    birth_date: str | None
    language: str
    municipality_code: str | None
    email: str | None
    address: str | None
    alerts: str
    version: int
    phones: list[Phone]
    relatives: list[Relative]
    timeline: list[TimelineEntry]
    handovers: list[CardItem]
    notifications: list[CardItem]
    flags: list[str]

    @property
    def name(self) -> str:
        return f"{self.last_name} {self.first_names}"

    def form_values(self) -> dict[str, str]:
        """The edit form's fields as the worker sees them (the code stays masked)."""
        from ohjaaja.domain.phones import display_phone

        return {
            "last_name": self.last_name,
            "first_names": self.first_names,
            "hetu": "",
            "birth_date": finnish_date(date.fromisoformat(self.birth_date))
            if self.birth_date
            else "",
            "phone": ", ".join(display_phone(p.e164) for p in self.phones),
            "email": self.email or "",
            "address": self.address or "",
            "municipality_code": self.municipality_code or "",
            "language": self.language,
            "alerts": self.alerts,
        }


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    worker: str | None
    action: str
    reason: str | None
    detail: dict[str, Any]


class ClientUseCases:
    """Finding, reading and changing clients; every look and change is logged."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx

    # -- search ---------------------------------------------------------------
    def search_clients(
        self,
        text: str,
        municipality: str | None = None,
        offset: int = 0,
        limit: int = PAGE_SIZE,
    ) -> SearchPage:
        """One page of matches, best first: by phone (a relative's too), identity
        code or its birth-date part, birth date, name (folded, either order), or
        municipality; municipality also filters. Results show no identity code."""
        ranges = _ranges(lookups(text, reference.municipality_names()))
        if not ranges and municipality and not text.strip():
            ranges = [client_search.municipality_range(municipality)]
        with self.ctx.lock:
            rows, more = client_search.page(self.ctx.conn, ranges, municipality, offset, limit)
        return SearchPage([_client_match(row) for row in rows], offset, more)

    def known_phones(self, limit: int) -> list[str]:
        """Some clients' numbers, for the demo's callers to be recognisable."""
        with self.ctx.reading() as conn:
            return client_rows.some_phones(conn, limit)

    def find_clients(self, text: str) -> list[ClientMatch]:
        return self.search_clients(text).matches

    def client(self, client_id: str, reason: str) -> ClientMatch:
        """A client's summary; the look is written to the access log with its reason."""
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            client_id = client_rows.merged_target(conn, client_id) or client_id
            row = client_rows.get_summary(conn, client_id)
            if row is None:
                raise KeyError(client_id)
            self.ctx.audit(conn, client_id, "view", reason, {}, now)
        return _client_match(row)

    # -- the card ---------------------------------------------------------------
    def client_card(self, client_id: str, reason: str, look: bool = True) -> ClientCard:
        """Everything a worker needs to help the client; the look is logged. A card
        already open shown again after a write (`look=False`) is no new look: read
        only, it writes nothing (a write would tell the screens to show it again)."""
        now_dt = self.ctx.clock.now()
        now = to_iso(now_dt)
        since = to_iso(now_dt - timedelta(days=365))
        with self.ctx.writing() if look else self.ctx.reading() as conn:
            client_id = client_rows.merged_target(conn, client_id) or client_id
            row = client_rows.get(conn, client_id)
            if row is None:
                raise KeyError(client_id)
            phones = client_rows.phones(conn, client_id)
            relatives = client_rows.relatives(conn, client_id)
            contacts = client_rows.contacts(conn, client_id)
            offered: dict[str, list[Offered]] = {}
            for o in client_rows.offers(conn, client_id):
                offered.setdefault(o["contact_id"], []).append(
                    Offered({"fi": o["unmet_need"] or "?"}, unmet_need=True)
                    if o["service_name"] is None
                    else Offered(json.loads(o["service_name"]))
                )
            missed = client_rows.missed_callbacks(conn, client_id, since)
            handovers = client_rows.open_handovers(conn, client_id)
            notifications = client_rows.notifications(conn, client_id)
            if look:
                self.ctx.audit(conn, client_id, "view", reason, {"what": "card"}, now)
        timeline = [
            TimelineEntry(
                at=from_iso(c["received_at"]),
                channel=c["channel"],
                line_code=c["line_code"],
                status=c["status"],
                outcome=c["outcome"],
                reasons=tuple(json.loads(c["reasons"])),
                note=c["note"],
                worker=c["worker_name"],
                offered=tuple(offered.get(c["id"], ())),
            )
            for c in contacts
        ]
        notes = [
            CardItem(from_iso(n["created_at"]), n["kind"], "", n["routed_to"])
            for n in notifications
        ]
        return ClientCard(
            id=row["id"],
            last_name=row["last_name"],
            first_names=row["first_names"],
            hetu_masked=mask_identity_code(row["hetu"]) if row["hetu"] else None,
            hetu_temporary=bool(row["hetu_temporary"]),
            birth_date=row["birth_date"],
            language=row["language"],
            municipality_code=row["municipality_code"],
            email=row["email"],
            address=row["address"],
            alerts=row["alerts"],
            version=row["version"],
            phones=[Phone(p["id"], p["e164"], p["kind"]) for p in phones],
            relatives=[
                Relative(r["id"], r["name"], r["relation"], r["phone_e164"]) for r in relatives
            ],
            timeline=timeline,
            handovers=[
                CardItem(
                    from_iso(h["created_at"]), h["state"], h["recommendation"] or "", h["to_team"]
                )
                for h in handovers
            ],
            notifications=notes,
            flags=client_flags(
                [entry.at for entry in timeline],
                [from_iso(at) for at in missed],
                [item.at for item in notes],
                now_dt,
            ),
        )

    def reveal_hetu(self, client_id: str, reason: str) -> str | None:
        """The whole identity code; only with a reason, and the reveal is logged."""
        reason = reason.strip()
        if not reason:
            raise ValueError("a reason is required to reveal the identity code")
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            row = client_rows.get(conn, client_id)
            if row is None:
                raise KeyError(client_id)
            self.ctx.audit(conn, client_id, "reveal", reason, {"what": "hetu"}, now)
        return row["hetu"]

    # -- creating and editing -------------------------------------------------
    def create_client(self, fields: dict[str, str], allow_duplicate: bool = False) -> SaveResult:
        """Validate and store a new client. The same identity code is an error; the
        same name and birth date is offered back unless allow_duplicate."""
        clean, errors = validate_client(fields, set(reference.municipalities()))
        if clean is None:
            return SaveResult(None, errors)
        now = self.ctx.now()
        client_id = new_id()
        values = {"id": client_id, **clean.columns(), "created_at": now, "updated_at": now}
        with self.ctx.writing() as conn:
            problem = self._conflicts(conn, clean, None, allow_duplicate)
            if problem is not None:
                return problem
            client_rows.insert_client(conn, values)
            phones = [self._new_phone(conn, client_id, e164, now) for e164 in clean.phones]
            record(
                conn,
                "client.create",
                {"client": values, "phone": phones[0] if phones else None, "phones": phones[1:]},
                now,
                self.ctx.worker_id,
            )
            self.ctx.audit(conn, client_id, "create", None, {}, now)  # after: it names the client
        return SaveResult(client_id)

    def update_client(
        self, client_id: str, fields: dict[str, str], allow_duplicate: bool = False
    ) -> SaveResult:
        """Edit with the same validation as creation. An empty identity-code field
        keeps the code (the form never shows it unmasked)."""
        with self.ctx.lock:
            current = client_rows.get(self.ctx.conn, client_id)
        if current is None:
            raise KeyError(client_id)
        fields = dict(fields)
        if not fields.get("hetu", "").strip() and current["hetu"]:
            fields["hetu"] = current["hetu"]
        clean, errors = validate_client(fields, set(reference.municipalities()))
        if clean is None:
            return SaveResult(None, errors)
        now = self.ctx.now()
        wanted = clean.columns()
        with self.ctx.writing() as conn:
            problem = self._conflicts(conn, clean, client_id, allow_duplicate)
            if problem is not None:
                return problem
            changes = {k: v for k, v in wanted.items() if current[k] != v}
            written_phones = self._replace_phones(conn, client_id, clean.phones, now)
            if not changes and not written_phones:
                return SaveResult(client_id)
            if changes:
                changes["updated_at"] = now
                version = client_rows.update_client(conn, client_id, changes)
            else:
                version = current["version"]
            changed = sorted(
                set(changes) - {"updated_at"} | ({"phone"} if written_phones else set())
            )
            self.ctx.audit(conn, client_id, "update", None, {"fields": changed}, now)
            record(
                conn,
                "client.update",
                {"id": client_id, "worker_id": self.ctx.worker_id, "version": version,
                 "changes": changes, "phones": written_phones},
                now,
                self.ctx.worker_id,
            )  # fmt: skip
        return SaveResult(client_id)

    def _conflicts(
        self,
        conn: sqlite3.Connection,
        clean: ClientInput,
        client_id: str | None,
        allow_duplicate: bool,
    ) -> SaveResult | None:
        if clean.hetu:
            owner = client_rows.hetu_owner(conn, clean.hetu)
            if owner is not None and owner != client_id:
                return SaveResult(
                    None, [FieldError("hetu", "error.hetu_taken", "a client with this code exists")]
                )
        if clean.birth_date and not allow_duplicate:
            name = fold(f"{clean.last_name} {clean.first_names}")
            other = client_rows.same_name_and_birth(
                conn, name, clean.birth_date.isoformat(), client_id
            )
            if other is not None:
                summary = client_rows.get_summary(conn, other)
                assert summary is not None  # found just now, in this transaction
                return SaveResult(None, [], _client_match(summary))
        return None

    def _new_phone(
        self, conn: sqlite3.Connection, client_id: str, e164: str, now: str
    ) -> dict[str, Any]:
        phone = phone_row(client_id, e164, now)
        client_rows.insert_phone(conn, phone)
        return phone

    def _replace_phones(
        self, conn: sqlite3.Connection, client_id: str, wanted: tuple[str, ...], now: str
    ) -> list[dict[str, Any]]:
        """Make the client's numbers the wanted ones; the rows written (tombstones too)."""
        existing = {row["e164"]: row["id"] for row in client_rows.phones(conn, client_id)}
        written = [
            client_rows.delete_phone(conn, phone_id, now)
            for e164, phone_id in existing.items()
            if e164 not in wanted
        ]
        written += [
            {**self._new_phone(conn, client_id, e164, now), "version": 1, "deleted": 0}
            for e164 in wanted
            if e164 not in existing
        ]
        return written

    # -- relatives ----------------------------------------------------------
    def save_relative(
        self,
        client_id: str,
        name: str,
        relation: str,
        phone: str,
        relative_id: str | None = None,
    ) -> list[FieldError]:
        """Add a relative (or change one); [] when saved, else each field's error."""
        errors = []
        if not name.strip():
            errors.append(FieldError("relative_name", "error.required", "required"))
        if relation not in RELATIONS:
            errors.append(FieldError("relation", "error.choose", "choose a relation"))
        e164 = None
        if phone.strip():
            from ohjaaja.domain.phones import PhoneError, normalise_phone

            try:
                e164 = normalise_phone(phone)
            except PhoneError as exc:
                errors.append(FieldError("relative_phone", exc.key, str(exc)))
        if errors:
            return errors
        now = self.ctx.now()
        values = {
            "id": relative_id or new_id(),
            "client_id": client_id,
            "name": name.strip(),
            "relation": relation,
            "phone_e164": e164,
            "created_at": now,
            "updated_at": now,
        }
        with self.ctx.writing() as conn:
            row = client_rows.put_relative(conn, values)
            self.ctx.audit(conn, client_id, "update", None, {"fields": ["relatives"]}, now)
            record(
                conn,
                "relative.put",
                {**row, "worker_id": self.ctx.worker_id},
                now,
                self.ctx.worker_id,
            )
        return []

    def remove_relative(self, client_id: str, relative_id: str) -> None:
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            current = client_rows.row_dict(conn, "relative", relative_id)
            row = client_rows.put_relative(conn, {**current, "deleted": 1, "updated_at": now})
            self.ctx.audit(conn, client_id, "update", None, {"fields": ["relatives"]}, now)
            record(
                conn,
                "relative.put",
                {**row, "worker_id": self.ctx.worker_id},
                now,
                self.ctx.worker_id,
            )

    # -- the access log -----------------------------------------------------
    def access_log(self, client_id: str) -> list[AccessEntry]:
        with self.ctx.lock:
            rows = client_rows.access_log(self.ctx.conn, client_id)
        return [
            AccessEntry(
                from_iso(r["at"]),
                r["worker_name"],
                r["action"],
                r["reason"],
                json.loads(r["detail"]),
            )
            for r in rows
        ]

    def export_access_log(self, client_id: str, reason: str) -> str:
        """The access log as CSV for the client's information request; the export
        itself is logged (and is the last row of what it exports)."""
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            if client_rows.get(conn, client_id) is None:
                raise KeyError(client_id)
            self.ctx.audit(conn, client_id, "export", reason, {"what": "access_log"}, now)
        rows = [
            [
                entry.at.isoformat(),
                entry.worker or "",
                entry.action,
                reason_text(entry.reason),
                json.dumps(entry.detail, ensure_ascii=False) if entry.detail else "",
            ]
            for entry in self.access_log(client_id)
        ]
        # Names and reasons are typed by people: csv_text keeps them from running.
        from ohjaaja.exchange.exports import csv_text  # the files' code: not at the start

        return csv_text([["at", "worker", "action", "reason", "detail"], *rows])


def _ranges(found: list[Lookup]) -> list[client_search.Range]:
    ranges: list[client_search.Range] = []
    for item in found:
        if item.kind in ("phone", "phone_prefix"):
            ranges += client_search.phone_ranges(item.values[0])
        elif item.kind == "hetu":
            ranges.append(client_search.hetu_range(item.values[0]))
        elif item.kind == "birth":
            ranges.append(client_search.birth_range(item.values[0]))
        elif item.kind == "name":
            ranges += client_search.name_ranges(item.values)
        elif item.kind == "municipality":
            ranges.append(client_search.municipality_range(item.values[0]))
    return ranges


def phone_row(client_id: str, e164: str, now: str) -> dict[str, Any]:
    from ohjaaja.domain.phones import phone_kind

    return {
        "id": new_id(),
        "client_id": client_id,
        "e164": e164,
        "kind": phone_kind(e164),
        "created_at": now,
        "updated_at": now,
    }


def _client_match(row: sqlite3.Row) -> ClientMatch:
    return ClientMatch(**{name: row[name] for name in ClientMatch.__dataclass_fields__})
