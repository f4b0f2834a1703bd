"""The region's figures read from the server's store (issue 17): the stored rows a
report's facts are made of, for one period and its filters.

The same readers, with the same arguments and answers, as the desk's
(db/reports/contacts.py, db/reports/cases.py), on the store's JSON documents in
`row_state`: the period is selected on row_state's indexed `at` and an event's
owner on its `parent` (copies of document fields, db.server.tables.REPORT_KEYS),
so a month reads the month's rows; the filters are tested in SQL on the documents
(SQLAlchemy's JSON index, one statement for SQLite and PostgreSQL), and the joins the
desk makes are made on the documents, so only the period's rows leave the database.
The layer above converts the rows with the same functions as the desk: both give the
same numbers. Each reader takes a connection: read them all in one transaction.

Training rows never count: a training store has no reports (TrainingStoreError).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ohjaaja.db.reports.contacts import EVENT_KINDS
from ohjaaja.db.server.store import Store
from ohjaaja.db.server.tables import row_state
from sqlalchemy import ColumnElement, FromClause, func, select
from sqlalchemy.engine import Connection

Rows = list[dict[str, Any]]
_CHUNK = 500  # ids per IN list: well under every driver's limit of parameters


class TrainingStoreError(RuntimeError):
    """Reports asked of a training store: simulated shifts are no region's figures."""


def check_store(store: Store) -> None:
    if store.training:
        raise TrainingStoreError("a training store has no reports: its contacts are simulated")


def _get(table: FromClause, name: str) -> ColumnElement[Any]:
    """A document's text field (NULL when absent or null)."""
    field: ColumnElement[Any] = table.c.data[name].as_string()
    return field


def _int(table: FromClause, name: str) -> ColumnElement[Any]:
    field: ColumnElement[Any] = table.c.data[name].as_integer()
    return field


def _one_of(column: ColumnElement[Any], values: Sequence[str]) -> list[ColumnElement[bool]]:
    return [column.in_(list(values))] if values else []


_c = row_state.alias("c")  # a case's contact
_cl = row_state.alias("cl")  # its client


def _made_to(contact: FromClause) -> ColumnElement[Any]:
    """The line a contact was made to (after hours routed ones count in their own)."""
    return func.coalesce(_get(contact, "original_line_code"), _get(contact, "line_code"))


def _contact_where(
    since: str, until: str, lines: Sequence[str], channels: Sequence[str],
    municipalities: Sequence[str],
) -> list[ColumnElement[bool]]:  # fmt: skip
    """As the desk's: received in [since, until), not deleted, the filters; and, in a
    store, not a training row. Times are stored one way (fixed-width UTC ISO with a
    Z), so text order is time order."""
    received = row_state.c.at  # received_at, indexed (db.server.tables.REPORT_KEYS)
    return [
        row_state.c.tbl == "contact",
        received >= since,
        received < until,
        _int(row_state, "deleted") == 0,
        func.coalesce(_int(row_state, "is_training"), 0) == 0,
        *_one_of(_made_to(row_state), lines),
        *_one_of(_get(row_state, "channel"), channels),
        *_one_of(_get(row_state, "municipality_code"), municipalities),
    ]


def contacts(
    conn: Connection, since: str, until: str, lines: Sequence[str] = (),
    channels: Sequence[str] = (), municipalities: Sequence[str] = (),
) -> Rows:  # fmt: skip
    """The contacts received in [since, until) that the filters let through, oldest first."""
    where = _contact_where(since, until, lines, channels, municipalities)
    query = select(row_state.c.data).where(*where).order_by(row_state.c.at, row_state.c.id)
    return [dict(data) for (data,) in conn.execute(query)]


def events(
    conn: Connection, since: str, until: str, lines: Sequence[str] = (),
    channels: Sequence[str] = (), municipalities: Sequence[str] = (),
) -> dict[str, Rows]:  # fmt: skip
    """contact id -> its events (kind, at, data) in time order, for the same contacts
    as `contacts`. A store holds the events desks sync (a missed callback); the rest
    stay on the desk that made them."""
    period = select(row_state.c.id).where(
        *_contact_where(since, until, lines, channels, municipalities)
    )
    e = row_state.alias("e")
    query = (
        select(e.c.data)
        .where(e.c.tbl == "contact_event", _get(e, "kind").in_(EVENT_KINDS),
               e.c.parent.in_(period.scalar_subquery()))  # contact_id, indexed
        .order_by(_get(e, "at"), e.c.id)
    )  # fmt: skip
    found: dict[str, Rows] = {}
    for (data,) in conn.execute(query):
        found.setdefault(data["contact_id"], []).append(
            {"kind": data["kind"], "at": data["at"], "data": data.get("data")}
        )
    return found


def contacts_per_client(
    conn: Connection, since: str, until: str, lines: Sequence[str] = (),
    channels: Sequence[str] = (), municipalities: Sequence[str] = (),
) -> dict[str, int]:  # fmt: skip
    """client id -> contacts received in [since, until) under the same filters;
    contacts with no client are not counted."""
    client = _get(row_state, "client_id")
    query = (
        select(client, func.count())
        .where(*_contact_where(since, until, lines, channels, municipalities),
               client.is_not(None))
        .group_by(client)
    )  # fmt: skip
    return {str(c): int(n) for c, n in conn.execute(query)}


def _joined(case: FromClause, client_of: ColumnElement[Any]) -> Any:
    """A case with its contact and its client (the desk's LEFT JOINs)."""
    return case.outerjoin(
        _c, (_c.c.tbl == "contact") & (_c.c.id == _get(case, "contact_id"))
    ).outerjoin(_cl, (_cl.c.tbl == "client") & (_cl.c.id == client_of))


_MUNICIPALITY = func.coalesce(_get(_c, "municipality_code"), _get(_cl, "municipality_code"))


def _case_filters(
    lines: Sequence[str], channels: Sequence[str], municipalities: Sequence[str]
) -> list[ColumnElement[bool]]:
    return [
        *_one_of(_made_to(_c), lines),
        *_one_of(_get(_c, "channel"), channels),
        *_one_of(_MUNICIPALITY, municipalities),
    ]


def _made_in(case: FromClause, table: str, since: str, until: str) -> list[ColumnElement[bool]]:
    made = case.c.at  # created_at, indexed
    return [case.c.tbl == table, made >= since, made < until]


def _live(case: FromClause) -> ColumnElement[bool]:
    return _int(case, "deleted") == 0


def handovers(
    conn: Connection, since: str, until: str, lines: Sequence[str] = (),
    channels: Sequence[str] = (), municipalities: Sequence[str] = (),
) -> Rows:  # fmt: skip
    """Handovers sent in [since, until), each with `municipality_code` joined (the
    contact's, else the client's) and `events` (kind, at) in time order."""
    h = row_state.alias("h")
    query = (
        select(h.c.data, _MUNICIPALITY)
        .select_from(_joined(h, func.coalesce(_get(h, "client_id"), _get(_c, "client_id"))))
        .where(*_made_in(h, "handover", since, until), _live(h),
               *_case_filters(lines, channels, municipalities))
        .order_by(h.c.at, h.c.id)
    )  # fmt: skip
    found = [{**data, "municipality_code": muni} for data, muni in conn.execute(query)]
    moves = _handover_events(conn, [row["id"] for row in found])
    for row in found:
        row["events"] = [{"kind": e["kind"], "at": e["at"]} for e in moves.get(row["id"], [])]
    return found


def _handover_events(conn: Connection, ids: Sequence[str]) -> dict[str, Rows]:
    e = row_state.alias("e")
    found: dict[str, Rows] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(e.c.data).where(
            e.c.tbl == "handover_event", e.c.parent.in_(ids[start : start + _CHUNK])
        )
        for (data,) in conn.execute(query):
            found.setdefault(data["handover_id"], []).append(dict(data))
    for moves in found.values():
        moves.sort(key=lambda m: (m["at"], m["id"]))
    return found


def notifications(
    conn: Connection, since: str, until: str, lines: Sequence[str] = (),
    channels: Sequence[str] = (), municipalities: Sequence[str] = (),
) -> Rows:  # fmt: skip
    """Notifications made in [since, until), with the times of the handover made with
    each (handover.notification_id): its `due_at`, its first `accepted_at` and
    `completed_at`. The municipality filter is the notification's own."""
    n = row_state.alias("n")
    query = (
        select(n.c.data)
        .select_from(n.outerjoin(
            _c, (_c.c.tbl == "contact") & (_c.c.id == _get(n, "contact_id"))
        ))
        .where(*_made_in(n, "notification", since, until), _live(n),
               *_case_filters(lines, channels, ()),
               *_one_of(_get(n, "municipality_code"), municipalities))
        .order_by(n.c.at, n.c.id)
    )  # fmt: skip
    found = [dict(data) for (data,) in conn.execute(query)]
    h = row_state.alias("h")
    carried: dict[str, list[dict[str, Any]]] = {}
    ids = [row["id"] for row in found]
    for start in range(0, len(ids), _CHUNK):
        query = select(h.c.data).where(
            h.c.tbl == "handover",
            h.c.parent.in_(ids[start : start + _CHUNK]),  # notification_id
        )
        for (data,) in conn.execute(query):
            carried.setdefault(data["notification_id"], []).append(dict(data))
    moves = _handover_events(conn, [h["id"] for hs in carried.values() for h in hs])
    for row in found:
        mine = carried.get(row["id"], [])
        dues = [h["due_at"] for h in mine if h.get("due_at")]
        times = {kind: [m["at"] for h in mine for m in moves.get(h["id"], ()) if m["kind"] == kind]
                 for kind in ("accept", "complete")}  # fmt: skip
        row.update(
            due_at=min(dues, default=None),
            accepted_at=min(times["accept"], default=None),
            completed_at=min(times["complete"], default=None),
        )
    return found


def offers(
    conn: Connection, since: str, until: str, lines: Sequence[str] = (),
    channels: Sequence[str] = (), municipalities: Sequence[str] = (),
) -> Rows:  # fmt: skip
    """Offers made in [since, until) (an unmet need is an offer with no service), with
    the contact's `municipality_code` (else the client's) and `line_code` (its
    original line), the service's `service_name` (texts) and its organisation's
    `sector`."""
    o, s, g = row_state.alias("o"), row_state.alias("s"), row_state.alias("g")
    joined = (
        _joined(o, _get(_c, "client_id"))
        .outerjoin(s, (s.c.tbl == "service") & (s.c.id == _get(o, "service_id")))
        .outerjoin(g, (g.c.tbl == "organization") & (g.c.id == _get(s, "organization_id")))
    )
    query = (
        select(o.c.data, _MUNICIPALITY, _made_to(_c), s.c.data["name"], _get(g, "sector"))
        .select_from(joined)
        .where(*_made_in(o, "offer", since, until),
               *_case_filters(lines, channels, municipalities))
        .order_by(o.c.at, o.c.id)
    )  # fmt: skip
    return [
        {**data, "municipality_code": muni, "line_code": line, "service_name": name,
         "sector": sector}
        for data, muni, line, name, sector in conn.execute(query)
    ]  # fmt: skip
