"""Records read from a large import kept on disk, not in memory: a mapping over a
private temporary SQLite database (deleted when its connection closes), its values
pickled. An import reads a file into such mappings, checks every record, and only
then opens the desk's database and writes them a batch at a time: memory stays that
of one batch whatever the file's size."""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import TypeVar

V = TypeVar("V")
CHUNK = 500  # keys fetched at a time while iterating


@contextmanager
def spilling() -> Iterator[sqlite3.Connection]:
    """A private temporary database for SpillMaps, deleted when the block ends."""
    conn = sqlite3.connect("")  # "": temporary, on disk, removed on close
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    try:
        yield conn
    finally:
        conn.close()


class SpillMap(MutableMapping[str, V]):
    """A dict of str keys in a table of CONN, in the order keys were first set (as a
    dict's); a value set again keeps its place. Iterating while values are replaced
    is safe (keys are fetched a chunk at a time by their place)."""

    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self.conn = conn
        self.table = f'"spill_{name}"'
        conn.execute(f"CREATE TABLE {self.table} (key TEXT PRIMARY KEY, value BLOB NOT NULL)")

    def __getitem__(self, key: str) -> V:
        row = self.conn.execute(f"SELECT value FROM {self.table} WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        value: V = pickle.loads(row[0])
        return value

    def __setitem__(self, key: str, value: V) -> None:
        self.conn.execute(
            f"INSERT INTO {self.table} (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)),
        )

    def __delitem__(self, key: str) -> None:
        if self.conn.execute(f"DELETE FROM {self.table} WHERE key = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        query = f"SELECT 1 FROM {self.table} WHERE key = ?"
        return self.conn.execute(query, (key,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        after = 0
        while True:
            rows = self.conn.execute(
                f"SELECT rowid, key FROM {self.table} WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (after, CHUNK),
            ).fetchall()
            if not rows:
                return
            after = rows[-1][0]
            yield from (key for _, key in rows)

    def __len__(self) -> int:
        count: int = self.conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]
        return count
