"""The cost shares' facts from a desk: its municipality table (population aged 75+ of
2019, who is in the agreement), or the files the request names instead
(extra "population_file", "contacts_file"; ohjaaja/exchange/cost_inputs.py reads them).
A loader of ohjaaja/usecases/reports.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ohjaaja.db.reports import municipalities as municipality_rows
from ohjaaja.domain.reports.costs import DESK_POPULATION_YEAR, parse_year
from ohjaaja.domain.reports.facts import municipality_from_row
from ohjaaja.domain.reports.model import Request
from ohjaaja.exchange.cost_inputs import read_contacts, read_population


def load_municipalities(conn: sqlite3.Connection, request: Request) -> Mapping[str, Any]:
    held = tuple(
        municipality_from_row(row, DESK_POPULATION_YEAR)
        for row in municipality_rows.municipalities(conn)
    )
    fields: dict[str, Any] = {"municipalities": held}
    known = {m.code: (m.name_fi, m.name_sv) for m in held}
    population_file = request.extra.get("population_file")
    if population_file:
        year = request.extra.get("population_year", str(DESK_POPULATION_YEAR))
        fields["municipalities"] = read_population(
            Path(population_file), parse_year(year, "population_year"), known
        )
    contacts_file = request.extra.get("contacts_file")
    if contacts_file:
        names = {code: name_fi for code, (name_fi, _) in known.items()}
        fields["performed_contacts"] = read_contacts(Path(contacts_file), names)
    return fields
