"""The organiser's figures from this desk's database: read the facts of a request
(each family of facts by its loader), compute the report by name.

The loaders read rows through db/reports and convert them with the from-row
functions of ohjaaja.domain.reports.facts, which the server's reader uses too, so a
desk and the server holding the same rows give the same numbers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from ohjaaja.db.reports import contacts as contact_rows
from ohjaaja.domain.reports import loading
from ohjaaja.domain.reports.all import compute
from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import Report, Request
from ohjaaja.usecases.context import DeskContext
from ohjaaja.usecases.report_cases import load_cases
from ohjaaja.usecases.report_costs import load_municipalities

# One loader per family of facts: (connection, request) -> some of Facts' fields.
# A new family (handovers, notifications, offers; municipalities) appends its own.
Loader = Callable[[sqlite3.Connection, Request], Mapping[str, Any]]


def load_contacts(conn: sqlite3.Connection, request: Request) -> Mapping[str, Any]:
    return loading.load_contacts(contact_rows, conn, request)


LOADERS: list[Loader] = [load_contacts, load_cases, load_municipalities]


def load_facts(source: DeskContext | sqlite3.Connection, request: Request) -> Facts:
    """Everything the desk's database holds for the request, in one read."""
    if isinstance(source, DeskContext):
        with source.reading() as conn:
            return _load(conn, request)
    return _load(source, request)


def _load(conn: sqlite3.Connection, request: Request) -> Facts:
    fields: dict[str, Any] = {}
    for loader in LOADERS:
        fields.update(loader(conn, request))
    return Facts(**fields)


def run_report(ctx: DeskContext, request: Request) -> Report:
    """The report `request.name` on this desk's figures (ValueError for an unknown name)."""
    now = ctx.clock.now()
    # as_of: a handover open now and past its due is overdue (not judged at the period's end)
    facts = replace(load_facts(ctx, request), as_of=now)
    return Report(request, "desk", now, compute(facts, request))


class ReportUseCases:
    """desk.reports: the organiser's figures from what this desk holds."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx

    def run(self, request: Request) -> Report:
        return run_report(self.ctx, request)

    def facts(self, request: Request) -> Facts:
        return load_facts(self.ctx, request)
