"""Rows as the readers hand them on: column -> value dicts, the shape the facts'
from-row converters read (the server's JSON documents have it too)."""

from __future__ import annotations

import sqlite3
from typing import Any


def dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
