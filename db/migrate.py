"""Numbered schema migrations: db/migrations/NNNN_name.sql, applied in order once."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from ohjaaja.db.engine import transaction

MIGRATIONS = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def available() -> list[tuple[int, Path]]:
    found = []
    for path in MIGRATIONS.glob("*.sql"):
        match = _NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def latest_version() -> int:
    return available()[-1][0]


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations this database has not seen; return the schema version.

    Each migration runs in its own transaction together with its user_version
    bump, so a crash leaves the database at one numbered version or the next.
    A database newer than this code is refused rather than misread.
    """
    version = current_version(conn)
    if version > latest_version():
        raise RuntimeError(
            f"database schema version {version} is newer than this ohjaaja "
            f"({latest_version()}); upgrade ohjaaja"
        )
    for number, path in available():
        if number <= version:
            continue
        with transaction(conn):
            # Another process may have applied it while this one waited for the lock.
            if current_version(conn) < number:
                # executescript would COMMIT on its own; run statement by statement.
                for statement in _statements(path.read_text(encoding="utf-8")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
        version = number
    return version


def _statements(script: str) -> list[str]:
    """Split a script at complete statements (triggers hold ';' inside BEGIN...END)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        statements.append(buffer.strip())
    return statements
