"""Opening the desk's SQLite database: WAL, foreign keys, a busy timeout, synchronous=FULL."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from ohjaaja.db.files import create_file
from ohjaaja.db.text import fold, name_keys

BUSY_TIMEOUT_MS = 5000
# How long a write waits for the write lock in all: SQLite gives up after the busy
# timeout, and a hundred desks writing at shift change queue longer than that.
WRITE_WAIT_SECONDS = 60.0


def connect(path: str | Path, *, check_same_thread: bool = False) -> sqlite3.Connection:
    """A connection in WAL mode with foreign keys and a busy timeout.

    `synchronous=FULL` so a committed contact survives a power cut; WAL so that
    several desk processes on one thin-terminal host read while one writes.
    Transactions are explicit (`isolation_level=None` plus BEGIN IMMEDIATE in
    `transaction`), so a writer takes the lock up front instead of failing late.
    A new file is made with its mode first (db.files): SQLite gives the -wal and
    -shm files the database's mode.
    """
    if str(path) != ":memory:":
        create_file(Path(path))
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=check_same_thread, timeout=5.0
    )
    conn.row_factory = sqlite3.Row
    conn.create_function("fold", 1, fold, deterministic=True)
    conn.create_function("name_keys", 2, name_keys, deterministic=True)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class transaction:
    """`with transaction(conn):` runs a BEGIN IMMEDIATE ... COMMIT, rolling back on error.
    A write lock another process holds is waited for up to WRITE_WAIT_SECONDS."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        pause = 0.01
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return self.conn
            except sqlite3.OperationalError as exc:
                # Busy after SQLite's own waiting: try again, with a growing random
                # pause so that the waiting processes do not retry in step.
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() + pause > deadline:
                    raise
                time.sleep(random.uniform(0, pause))
                pause = min(pause * 2, 1.0)

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error:
                # A failed COMMIT (a deferred foreign key, a full disk) leaves the
                # transaction open; end it, or every later BEGIN on this
                # connection fails and its write lock blocks the other processes.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def one(cursor: sqlite3.Cursor) -> sqlite3.Row | None:
    """A query's first row, or None. Rows are sqlite3.Row (connect sets the factory),
    which the standard library's types cannot know."""
    row: sqlite3.Row | None = cursor.fetchone()
    return row


def file_problem(path: str | Path) -> str | None:
    """Why an existing file cannot be a database to open (None: it can, or there is
    none yet). An empty or foreign file means a truncation or a failed copy; a new
    database made over it would lose what it held without a word."""
    file = Path(path)
    if str(path) in ("", ":memory:") or not file.exists():
        return None
    with file.open("rb") as handle:
        header = handle.read(16)
    if not header:
        return f"{file} is empty (truncated?): its work cannot be read"
    if header != b"SQLite format 3\x00":
        return f"{file} is not an SQLite database"
    return None


def data_version(conn: sqlite3.Connection) -> int:
    """Changes when another connection commits: a cheap 'did anything change?'."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])
