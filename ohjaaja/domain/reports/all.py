"""Every family of reports, imported so that each registers its own by name, and
computing one: the desk's use case and the server both come here."""

from __future__ import annotations

from ohjaaja.domain.reports import cases, contacts, costs, staffing  # noqa: F401  (register their reports)
from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import Request, Section
from ohjaaja.domain.reports.registry import REPORTS


class UnknownReport(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"report: unknown name {name!r}; known: {', '.join(sorted(REPORTS))}")
        self.name = name


def compute(facts: Facts, request: Request) -> tuple[Section, ...]:
    """The sections of the report `request.name`, from the facts a store read."""
    found = REPORTS.get(request.name)
    if found is None:
        raise UnknownReport(request.name)
    return found(facts, request)
