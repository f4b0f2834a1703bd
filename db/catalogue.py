"""SQL of the service-offering catalogue: rows in and out, the full-text search, offers.

Rows are plain dicts in the tables' own columns; ohjaaja.domain.catalogue_rows turns them
into the domain's dataclasses. The full-text index (service_fts) is kept by
triggers, so every writer (this module, a sync pull) keeps it current.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]

# The catalogue's synced tables, parents before children.
TABLES = (
    "organization",
    "service",
    "location",
    "service_at_location",
    "catalogue_phone",
    "schedule",
)


def put_rows(conn: sqlite3.Connection, table: str, rows: Sequence[Row]) -> None:
    """Insert or replace whole rows by id (one executemany per column set)."""
    by_columns: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        by_columns.setdefault(tuple(row), []).append(row)
    for columns, group in by_columns.items():
        names = ", ".join(columns)
        marks = ", ".join(f":{name}" for name in columns)
        updates = ", ".join(
            f"{name} = excluded.{name}" for name in columns if name not in ("id", "created_at")
        )
        conn.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}",
            group,
        )


def versions(conn: sqlite3.Connection, table: str, ids: Iterable[str]) -> dict[str, int]:
    """The stored version of each of these rows that exists."""
    found: dict[str, int] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(conn.execute(f"SELECT id, version FROM {table} WHERE id IN ({marks})", chunk))
    return found


def _where_in(column: str, ids: Sequence[str], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return f"{prefix}{column} IN ({', '.join('?' * len(ids))}) AND {prefix}deleted = 0"


def services(conn: sqlite3.Connection, ids: Sequence[str]) -> list[sqlite3.Row]:
    if not ids:
        return []
    return conn.execute(f"SELECT * FROM service WHERE {_where_in('id', ids)}", ids).fetchall()


def children(conn: sqlite3.Connection, service_ids: Sequence[str]) -> dict[str, list[sqlite3.Row]]:
    """The live phones, schedules and locations (with their link rows) of services."""
    if not service_ids:
        return {"catalogue_phone": [], "schedule": [], "location": []}
    where = _where_in("service_id", service_ids)
    return {
        "catalogue_phone": conn.execute(
            f"SELECT * FROM catalogue_phone WHERE {where} ORDER BY position, id", service_ids
        ).fetchall(),
        "schedule": conn.execute(
            f"SELECT * FROM schedule WHERE {where} ORDER BY position, id", service_ids
        ).fetchall(),
        "location": conn.execute(
            "SELECT l.*, sal.id AS link_id, sal.service_id FROM service_at_location AS sal "
            "JOIN location AS l ON l.id = sal.location_id "
            f"WHERE {_where_in('service_id', service_ids, 'sal')} AND l.deleted = 0 "
            "ORDER BY sal.position, sal.id",
            service_ids,
        ).fetchall(),
    }


def child_ids(conn: sqlite3.Connection, service_id: str) -> dict[str, set[str]]:
    """The live child rows of one service, by table: an edit tombstones those it drops."""
    found: dict[str, set[str]] = {}
    for table in ("catalogue_phone", "schedule", "service_at_location"):
        found[table] = {
            row[0]
            for row in conn.execute(
                f"SELECT id FROM {table} WHERE service_id = ? AND deleted = 0", (service_id,)
            )
        }
    return found


def row(conn: sqlite3.Connection, table: str, row_id: str) -> Row:
    return dict(conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone())


def organizations(conn: sqlite3.Connection, ids: Sequence[str] | None = None) -> list[sqlite3.Row]:
    if ids is None:
        return conn.execute("SELECT * FROM organization WHERE deleted = 0").fetchall()
    if not ids:
        return []
    return conn.execute(f"SELECT * FROM organization WHERE {_where_in('id', ids)}", ids).fetchall()


def organization_phones(conn: sqlite3.Connection, organization_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM catalogue_phone WHERE organization_id = ? AND service_id IS NULL "
        "AND deleted = 0 ORDER BY position, id",
        (organization_id,),
    ).fetchall()


def all_service_ids(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT id FROM service WHERE deleted = 0 ORDER BY id")]


@dataclass(frozen=True)
class Filters:
    """What narrows a search; None leaves it open."""

    municipality_code: str | None = None
    client_group: str | None = None
    sector: str | None = None
    language: str | None = None
    channel: str | None = None
    free: bool | None = None
    verified_before: str | None = None  # ISO date: only services not verified since

    def sql(self) -> tuple[str, list[Any]]:
        clauses = ["s.deleted = 0", "s.status = 'active'"]
        params: list[Any] = []
        if self.municipality_code is not None:
            clauses.append(
                "((s.service_areas = '[]' AND s.other_areas = '[]') OR EXISTS "
                "(SELECT 1 FROM json_each(s.service_areas) WHERE value = ?))"
            )
            params.append(self.municipality_code)
        for column, value in (
            ("client_groups", self.client_group),
            ("languages", self.language),
            ("channels", self.channel),
        ):
            if value is not None:
                clauses.append(f"EXISTS (SELECT 1 FROM json_each(s.{column}) WHERE value = ?)")
                params.append(value)
        if self.sector is not None:
            clauses.append("o.sector = ?")
            params.append(self.sector)
        if self.free is not None:
            clauses.append("s.free = ?")
            params.append(int(self.free))
        if self.verified_before is not None:
            clauses.append("(s.last_verified_at IS NULL OR s.last_verified_at < ?)")
            params.append(self.verified_before)
        return " AND ".join(clauses), params


# The service's name in the wanted language (else Finnish, else Swedish), folded.
_NAME = (
    "fold(coalesce(json_extract(s.name, '$.' || :language), "
    "json_extract(s.name, '$.fi'), json_extract(s.name, '$.sv')))"
)


def search(
    conn: sqlite3.Connection,
    match: str | None,
    name_prefix: str,
    filters: Filters,
    name_weights: tuple[float, float, float],
    language: str,
    limit: int | None,
    offset: int = 0,
) -> list[str]:
    """Service ids, best first: names in the wanted language that begin with the first
    word typed, then (with a match) bm25 with that language's names weighted up,
    else by name; limit None for every match, offset to page on."""
    where, params = filters.sql()
    where = _numbered(where)
    escaped = name_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    values = {
        **{f"p{i}": value for i, value in enumerate(params)},
        "language": language,
        "limit": -1 if limit is None else limit,  # SQLite: -1 is no limit
        "offset": offset,
        "prefix": escaped + "%",
    }
    first = f"{_NAME} LIKE :prefix ESCAPE '\\' DESC"
    if match:
        fi, sv, en = name_weights
        values |= {"match": match, "fi": fi, "sv": sv, "en": en}
        # The index holds the names already folded: no fold() call per match.
        indexed = (
            "coalesce(nullif(CASE :language WHEN 'sv' THEN f.name_sv WHEN 'en' THEN f.name_en "
            "ELSE f.name_fi END, ''), f.name_fi, f.name_sv)"
        )
        sql = (
            "SELECT s.id FROM service_fts AS f "
            "JOIN service AS s ON s.rowid = f.rowid "
            "JOIN organization AS o ON o.id = s.organization_id "
            f"WHERE service_fts MATCH :match AND {where} "
            f"ORDER BY {indexed} LIKE :prefix ESCAPE '\\' DESC, "
            "bm25(service_fts, :fi, :sv, :en, 1.0) LIMIT :limit OFFSET :offset"
        )
    else:  # nothing to match (or words too short for trigrams): by name
        sql = (
            "SELECT s.id FROM service AS s JOIN organization AS o ON o.id = s.organization_id "
            f"WHERE {where} ORDER BY {first}, {_NAME} LIMIT :limit OFFSET :offset"
        )
    return [row[0] for row in conn.execute(sql, values)]


def count(conn: sqlite3.Connection, match: str | None, filters: Filters) -> int:
    """How many services search would list with no limit."""
    where, params = filters.sql()
    where = _numbered(where)
    values: dict[str, Any] = {f"p{i}": value for i, value in enumerate(params)}
    if match:
        values["match"] = match
        sql = (
            "SELECT count(*) FROM service_fts AS f "
            "JOIN service AS s ON s.rowid = f.rowid "
            "JOIN organization AS o ON o.id = s.organization_id "
            f"WHERE service_fts MATCH :match AND {where}"
        )
    else:
        sql = (
            "SELECT count(*) FROM service AS s JOIN organization AS o "
            f"ON o.id = s.organization_id WHERE {where}"
        )
    return int(conn.execute(sql, values).fetchone()[0])


def _numbered(where: str) -> str:
    """Filters.sql's '?' placeholders as :p0, :p1, ... to mix with named ones."""
    parts = where.split("?")
    return "".join(f"{part}:p{i}" for i, part in enumerate(parts[:-1])) + parts[-1]


def insert_offer(conn: sqlite3.Connection, values: Row) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(f"INSERT OR IGNORE INTO offer ({names}) VALUES ({marks})", values)


def offered(conn: sqlite3.Connection, contact_id: str, service_id: str) -> bool:
    found = conn.execute(
        "SELECT 1 FROM offer WHERE contact_id = ? AND service_id = ?", (contact_id, service_id)
    )
    return found.fetchone() is not None


def offers(conn: sqlite3.Connection, contact_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM offer WHERE contact_id = ? ORDER BY created_at, id", (contact_id,)
    ).fetchall()
