"""Rows as the readers hand them on: column -> value dicts, the shape the facts'
from-row converters read (the server's JSON documents have it too)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any


def dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def in_filters(filters: Iterable[tuple[str, Sequence[str]]]) -> tuple[str, list[Any]]:
    """' AND column IN (?, ...)' for each (column, values) with values, and the
    parameters; a filter with no values is no condition (all pass)."""
    sql = ""
    params: list[Any] = []
    for column, values in filters:
        if values:
            sql += f" AND {column} IN ({', '.join('?' for _ in values)})"
            params.extend(values)
    return sql, params
