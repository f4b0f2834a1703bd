"""The catalogue as the server's store holds it (issue 18): pages of services,
organisations and service-at-location links read from `row_state`'s documents.

Filters and paging are SQL on the documents (SQLAlchemy's JSON index, one statement
for SQLite and PostgreSQL): a page reads only its own documents, ordered by id over
the primary key, and then the rows they are built of (phones, hours, locations, the
organisations) for that page's ids only. Tombstones (deleted = 1) are never read.
Only shared rows are read: the catalogue is no client's data, and a table name never
comes from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ohjaaja.db.server.tables import row_state
from sqlalchemy import ColumnElement, FromClause, Select, func, or_, select
from sqlalchemy.engine import Connection

Doc = dict[str, Any]
_CHUNK = 500  # ids per IN list: well under every driver's limit of parameters


@dataclass(frozen=True)
class Query:
    """What a list asks for, already checked by the caller."""

    search: str | None = None  # in the name or description, any language
    organization_id: str | None = None
    modified_after: str | None = None  # stored form (fixed-width UTC ISO with a Z)


def _get(table: FromClause, name: str) -> ColumnElement[Any]:
    field: ColumnElement[Any] = table.c.data[name].as_string()
    return field


def _live(table: FromClause, tbl: str) -> list[ColumnElement[bool]]:
    return [
        table.c.tbl == tbl,
        table.c.kind == "shared",
        table.c.data["deleted"].as_integer() == 0,
    ]


def _like(term: str) -> str:
    """A LIKE pattern for the term anywhere, its wildcards taken literally."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matching(table: FromClause, search: str) -> ColumnElement[bool]:
    """Texts are JSON of {"fi", "sv", "en"} written unescaped: the term is found in any
    language's text (case folded as the database folds: ASCII only on SQLite)."""
    pattern = _like(search)
    return or_(
        func.lower(_get(table, "name")).like(pattern, escape="\\"),
        func.lower(_get(table, "description")).like(pattern, escape="\\"),
    )


def _service_filters(table: FromClause, query: Query) -> list[ColumnElement[bool]]:
    found = _live(table, "service")
    if query.search:
        found.append(_matching(table, query.search))
    if query.organization_id:
        found.append(_get(table, "organization_id") == query.organization_id)
    if query.modified_after:
        found.append(_get(table, "updated_at") >= query.modified_after)
    return found


def _page(conn: Connection, where: list[ColumnElement[bool]], limit: int, offset: int,
          table: FromClause = row_state) -> tuple[int, list[Doc]]:  # fmt: skip
    total = conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
    query: Select[Any] = (
        select(table.c.data).where(*where).order_by(table.c.id).limit(limit).offset(offset)
    )
    return int(total), [dict(data) for (data,) in conn.execute(query)]


def services(conn: Connection, query: Query, limit: int, offset: int) -> tuple[int, list[Doc]]:
    """(how many match, the page's service documents in id order)."""
    return _page(conn, _service_filters(row_state, query), limit, offset)


def organizations(conn: Connection, query: Query, limit: int, offset: int) -> tuple[int, list[Doc]]:
    where = _live(row_state, "organization")
    if query.search:
        where.append(_matching(row_state, query.search))
    if query.modified_after:
        where.append(_get(row_state, "updated_at") >= query.modified_after)
    return _page(conn, where, limit, offset)


def service_at_locations(
    conn: Connection, query: Query, limit: int, offset: int
) -> tuple[int, list[Doc]]:
    """Links of a live service to a live location; the filters are the service's."""
    s, place = row_state.alias("s"), row_state.alias("l")
    wanted = select(s.c.id).where(*_service_filters(s, query))
    where = [
        *_live(row_state, "service_at_location"),
        _get(row_state, "service_id").in_(wanted.scalar_subquery()),
        _get(row_state, "location_id").in_(
            select(place.c.id).where(*_live(place, "location")).scalar_subquery()
        ),
    ]
    return _page(conn, where, limit, offset)


def one(conn: Connection, tbl: str, row_id: str) -> Doc | None:
    """A live row of the catalogue by its id; None if none is (or it was deleted)."""
    query = select(row_state.c.data).where(*_live(row_state, tbl), row_state.c.id == row_id)
    data = conn.execute(query).scalar_one_or_none()
    return None if data is None else dict(data)


def by_id(conn: Connection, tbl: str, ids: Iterable[str]) -> dict[str, Doc]:
    """id -> the live row of `tbl`, for the ids that have one."""
    wanted = sorted(set(ids))
    found: dict[str, Doc] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(row_state.c.data).where(*_live(row_state, tbl), row_state.c.id.in_(chunk))
        found.update((data["id"], dict(data)) for (data,) in conn.execute(query))
    return found


def children(conn: Connection, tbl: str, column: str, ids: Sequence[str]) -> dict[str, list[Doc]]:
    """owner id -> its live rows of `tbl` (whose `column` names the owner), by position."""
    found: dict[str, list[Doc]] = {}
    wanted = sorted(set(ids))
    owner = _get(row_state, column)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(row_state.c.data).where(*_live(row_state, tbl), owner.in_(chunk))
        for (data,) in conn.execute(query):
            found.setdefault(data[column], []).append(dict(data))
    for rows in found.values():
        rows.sort(key=lambda row: (row.get("position") or 0, row["id"]))
    return found
