"""The desk's handovers, notifications and offers for a report: read through
db/reports/cases.py, converted by ohjaaja.domain.reports.facts' from-row functions
(the server's reader uses the same). `load_cases` is a loader of
ohjaaja/usecases/reports.py: (connection, request) -> some of Facts' fields."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from ohjaaja.db.reports import cases as case_rows
from ohjaaja.domain.clock import to_iso
from ohjaaja.domain.reports.facts import handover_from_row, notification_from_row, offer_from_row
from ohjaaja.domain.reports.model import Request


def load_cases(conn: sqlite3.Connection, request: Request) -> Mapping[str, Any]:
    filters = request.filters
    chosen = (filters.lines, filters.channels, filters.municipalities)
    since, until = to_iso(request.period.since), to_iso(request.period.until)
    return {
        "handovers": tuple(
            handover_from_row(row, row["events"])
            for row in case_rows.handovers(conn, since, until, *chosen)
        ),
        "notifications": tuple(
            notification_from_row(row)
            for row in case_rows.notifications(conn, since, until, *chosen)
        ),
        "offers": tuple(
            offer_from_row(row) for row in case_rows.offers(conn, since, until, *chosen)
        ),
    }
