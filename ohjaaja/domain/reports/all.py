"""Every family of reports, imported so that each registers its own by name, and
computing one: the desk's use case and the server both come here."""

from __future__ import annotations

from ohjaaja.domain.reports import cases, contacts, costs, staffing  # noqa: F401  (register their reports)
from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import Request, Section
from ohjaaja.domain.reports.registry import REPORTS

# The order a person reads them in (the reports mode's list, --list): the headline
# figures first, the contacts, the cases, the money last; imports register them in
# whatever order the modules load.
ORDER = (
    "overview", "volumes", "answers", "outcomes", "handling",
    "handovers", "notifications", "services", "frequent", "staffing", "costs",
)  # fmt: skip
_registered = dict(REPORTS)
REPORTS.clear()
REPORTS.update({name: _registered.pop(name) for name in ORDER if name in _registered})
REPORTS.update(_registered)


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
