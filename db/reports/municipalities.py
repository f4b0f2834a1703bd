"""A desk's municipalities for the cost shares: code, names, population aged 75+ and
whether each is in the guidance agreement (the municipality table, seeded from
fixtures/varsinais-suomi-municipalities.csv). Plain rows, as stored: the use case turns
them into facts with ohjaaja.domain.reports.facts.municipality_from_row."""

from __future__ import annotations

import sqlite3
from typing import Any


def municipalities(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    cursor = conn.execute(
        "SELECT code, name_fi, name_sv, population_75plus, in_agreement "
        "FROM municipality ORDER BY code"
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
