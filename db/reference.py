"""Writing the reference tables (municipalities, lines) from fixture data."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any


def upsert_municipalities(conn: sqlite3.Connection, rows: Iterable[dict[str, Any]]) -> None:
    conn.executemany(
        "INSERT INTO municipality (code, name_fi, name_sv, population, population_75plus, "
        "in_agreement) VALUES (:code, :name_fi, :name_sv, :population, :population_75plus, "
        ":in_agreement) ON CONFLICT(code) DO UPDATE SET name_fi=excluded.name_fi, "
        "name_sv=excluded.name_sv, population=excluded.population, "
        "population_75plus=excluded.population_75plus, in_agreement=excluded.in_agreement",
        list(rows),
    )


def upsert_lines(conn: sqlite3.Connection, rows: Iterable[dict[str, Any]]) -> None:
    conn.executemany(
        "INSERT INTO line (code, name_fi, name_sv, name_en, phone, hours) "
        "VALUES (:code, :name_fi, :name_sv, :name_en, :phone, :hours) "
        "ON CONFLICT(code) DO UPDATE SET name_fi=excluded.name_fi, name_sv=excluded.name_sv, "
        "name_en=excluded.name_en, phone=excluded.phone, hours=excluded.hours",
        [{**row, "hours": json.dumps(row["hours"])} for row in rows],
    )


def municipality_codes(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT code FROM municipality")}


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def is_demo(conn: sqlite3.Connection) -> bool:
    """A demo database (`demo`, or from before that key: `demo_built_at`)."""
    return get_meta(conn, "demo") is not None or get_meta(conn, "demo_built_at") is not None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
