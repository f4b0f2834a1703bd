"""Reports by name. A report is a function of the facts and the request; each family
module registers its own with @report("name")."""

from __future__ import annotations

from collections.abc import Callable

from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import Request, Section

Compute = Callable[[Facts, Request], tuple[Section, ...]]
REPORTS: dict[str, Compute] = {}


def report(name: str) -> Callable[[Compute], Compute]:
    def register(compute: Compute) -> Compute:
        if name in REPORTS:
            raise ValueError(f"report {name!r} registered twice")
        REPORTS[name] = compute
        return compute

    return register
