"""The desk's handovers, notifications and offers for a report: read through
db/reports/cases.py into the facts by the loader both stores share
(ohjaaja/domain/reports/loading.py). A loader of ohjaaja/usecases/reports.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from ohjaaja.db.reports import cases as case_rows
from ohjaaja.domain.reports import loading
from ohjaaja.domain.reports.model import Request


def load_cases(conn: sqlite3.Connection, request: Request) -> Mapping[str, Any]:
    return loading.load_cases(case_rows, conn, request)
