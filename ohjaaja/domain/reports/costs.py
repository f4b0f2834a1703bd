"""Cost sharing between the municipalities of the guidance agreement (issue 17, item 5).

The hybrid model the municipalities agreed for 2021 (seeds: sote-johtajakokous
23.10.2020): of the total cost, a population part (70 %) is shared by each agreement
municipality's population aged 75+, the rest by its performed contacts (suoritteet).

A performed contact is a contact received in the period that was closed (handled to
an outcome), not abandoned and not a training contact, counted once however often it
was reopened, for the municipality recorded on the contact, in the lines and channels
the request's filters name (none: all). Contacts with no municipality, or of one
outside the agreement (Uusikaupunki from 2021), are counted beside the shares but
bill nobody. For a period before the system the counts come from a file instead
(Facts.performed_contacts).

Money is integer cents throughout, never floats: each part is split by the largest
remainder method, so each column sums exactly to its part and the totals to the total;
a municipality's total is its two parts. Values leave as euros (cents / 100) only in
the rows, where `f"{value:.2f}"` gives the cents back exactly.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from pathlib import PurePath

from ohjaaja.domain.reports.facts import ContactFact, Facts, MunicipalityFact
from ohjaaja.domain.reports.model import Filters, Period, Request, Row, Section
from ohjaaja.domain.reports.registry import report
from ohjaaja.i18n import t

DEFAULT_POPULATION_SHARE = Decimal(70)  # percent, the 2021 agreement's
# The population aged 75+ the desk holds (fixtures/varsinais-suomi-municipalities.csv,
# population_75plus_2019); other years come from a file.
DESK_POPULATION_YEAR = 2019


def fixture_municipalities() -> tuple[MunicipalityFact, ...]:
    """The shipped fixture's municipalities as facts (population 75+ of 2019, the 2021
    agreement): what a desk's table is seeded with, for a store that holds no table."""
    from ohjaaja.domain.reference import municipalities

    return tuple(
        MunicipalityFact(m.code, m.name_fi, m.name_sv, m.population_75plus,
                         DESK_POPULATION_YEAR, m.in_agreement)
        for m in municipalities().values()
    )  # fmt: skip


class CostError(ValueError):
    """Input the cost shares cannot be computed from: which field, and why. `where` is
    the option it came from (`ohjaaja report costs` names its options after the fields:
    population_share is --population-share), `reason` the translated why."""

    def __init__(self, field: str, key: str, **params: object) -> None:
        self.field, self.key, self.params = field, key, params
        self.where = "--" + field.replace("_", "-")
        self.reason = t(key, **params)
        super().__init__(f"{field}: {self.reason}")


@dataclass(frozen=True)
class CostOptions:
    total_cents: int
    population_share: Decimal  # percent, 0..100
    population_year: int

    @property
    def population_cents(self) -> int:
        """The population part, to the cent (half a cent up)."""
        exact = Decimal(self.total_cents) * self.population_share / 100
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @classmethod
    def from_extra(cls, extra: Mapping[str, str]) -> CostOptions:
        if "total" not in extra:
            raise CostError("total", "report.costs.error.total_missing")
        return cls(
            total_cents=parse_euros(extra["total"]),
            population_share=parse_percent(
                extra.get("population_share", str(DEFAULT_POPULATION_SHARE))
            ),
            population_year=parse_year(
                extra.get("population_year", str(DESK_POPULATION_YEAR)), "population_year"
            ),
        )


_EUROS = re.compile(r"^(\d+)(?:[.,](\d{1,2}))?$")


def parse_euros(text: str) -> int:
    """Euros as written in Finland or by a script ("284 602,00", "284602.5") -> cents."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", text).removesuffix("€")
    match = _EUROS.match(compact)
    if match is None:
        raise CostError("total", "report.costs.error.euros", value=text)
    cents = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
    if cents <= 0:
        raise CostError("total", "report.costs.error.euros", value=text)
    return cents


def parse_percent(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().removesuffix("%").replace(",", "."))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value <= 100:
        raise CostError("population_share", "report.costs.error.percent", value=text)
    return value


def parse_year(text: str, field: str) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise CostError(field, "report.costs.error.year", value=text)
    return int(text)


def largest_remainder(cents: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split `cents` in proportion to `weights`, in whole cents summing exactly to `cents`."""
    whole = sum(weights.values())
    if whole <= 0 or any(weight < 0 for weight in weights.values()):
        raise ValueError("weights must be non-negative and not all zero")
    return round_quotas({key: Fraction(cents * weight, whole) for key, weight in weights.items()})


def round_quotas(quotas: Mapping[str, Fraction]) -> dict[str, int]:
    """Exact quotas summing to whole cents, rounded by the largest remainder method: each
    key gets the floor of its quota, and the cents left over go one each to the largest
    remainders; equal remainders go in the order of the keys (municipality codes), so
    the same input always gives the same split."""
    shares = {key: math.floor(quota) for key, quota in quotas.items()}
    left = sum(quotas.values()) - sum(shares.values())
    if left.denominator != 1:
        raise ValueError("the quotas do not sum to whole cents")
    for key in sorted(quotas, key=lambda key: (shares[key] - quotas[key], key))[: int(left)]:
        shares[key] += 1
    return shares


def split_parts(
    population_cents: int, contacts_cents: int, population: dict[str, int], contacts: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """Each municipality's (population part, contacts part). What it pays, the sum of the
    two, is its exact share of the total rounded by the largest remainder method (as the
    seeds' 2021 euros are); the population parts are then chosen within a cent of their
    exact shares, summing to the population part, such that the contacts parts left are
    within a cent of theirs too. Where no such choice exists (rare: the totals' rounding
    leaves too few or too many cents for it) the population parts are rounded on their
    own, and a contacts part may be two cents from its exact share; every column still
    sums exactly."""
    exact_p = _quotas(population_cents, population, "population", "no_population")
    exact_c = _quotas(contacts_cents, contacts, "contacts", "no_contacts")
    totals = round_quotas({code: exact_p[code] + exact_c[code] for code in population})
    low = {
        code: max(math.floor(exact_p[code]), totals[code] - math.ceil(exact_c[code]))
        for code in population
    }
    high = {
        code: min(math.ceil(exact_p[code]), totals[code] - math.floor(exact_c[code]))
        for code in population
    }
    needed = population_cents - sum(low.values())
    free = sorted((code for code in low if high[code] > low[code]),
                  key=lambda code: (low[code] - exact_p[code], code))  # fmt: skip
    if 0 <= needed <= len(free):
        parts = dict(low)
        for code in free[:needed]:
            parts[code] += 1
    else:
        parts = round_quotas(exact_p)
    return {code: (parts[code], totals[code] - parts[code]) for code in population}


def _quotas(cents: int, weights: dict[str, int], field: str, problem: str) -> dict[str, Fraction]:
    if cents == 0:
        return dict.fromkeys(weights, Fraction(0))
    whole = sum(weights.values())
    if whole == 0:
        raise CostError(field, f"report.costs.error.{problem}")
    return {code: Fraction(cents * weight, whole) for code, weight in weights.items()}


@dataclass(frozen=True)
class Share:
    municipality: MunicipalityFact
    contacts: int
    population_cents: int
    contacts_cents: int

    @property
    def total_cents(self) -> int:
        return self.population_cents + self.contacts_cents


@dataclass(frozen=True)
class Counted:
    """Performed contacts by municipality, and those that bill nobody."""

    by_municipality: Counter[str]
    outside_agreement: int
    without_municipality: int
    given: bool  # from a file (Facts.performed_contacts), not counted in the store


def performed(
    contacts: Iterable[ContactFact], period: Period, filters: Filters
) -> list[ContactFact]:
    """The suoritteet: received in the period, closed, not abandoned, not training, in
    the filters' lines and channels; each once (a contact listed twice is one)."""
    # In UTC, as the facts' times are: comparing across zones asks Helsinki's offset each
    # time, and a year holds some 100 000 contacts.
    since, until = period.since.astimezone(UTC), period.until.astimezone(UTC)
    lines, channels = set(filters.lines), set(filters.channels)
    found = {
        c.id: c
        for c in contacts
        if c.status == "closed"
        and c.abandoned_at is None
        and not c.is_training
        and since <= c.received_at < until
        and (not lines or c.line in lines)
        and (not channels or c.channel in channels)
    }
    return list(found.values())


def count_performed(facts: Facts, request: Request, agreement: set[str]) -> Counted:
    counts: Mapping[str, int]
    if facts.performed_contacts is not None:
        counts, without = facts.performed_contacts, 0
        missing = sorted(agreement - counts.keys())
        if missing:
            codes = ", ".join(missing)
            raise CostError("contacts", "report.costs.error.contacts_missing", codes=codes)
    else:
        done = Counter(
            c.municipality for c in performed(facts.contacts, request.period, request.filters)
        )
        without = done.pop(None, 0)
        counts = {str(code): n for code, n in done.items()}
    return Counted(
        by_municipality=Counter({code: n for code, n in counts.items() if code in agreement}),
        outside_agreement=sum(n for code, n in counts.items() if code not in agreement),
        without_municipality=without,
        given=facts.performed_contacts is not None,
    )


def share_costs(facts: Facts, request: Request) -> tuple[CostOptions, Counted, list[Share]]:
    options = CostOptions.from_extra(request.extra)
    if request.filters.municipalities:
        raise CostError("municipality", "report.costs.error.municipality_filter")
    members = sorted((m for m in facts.municipalities if m.in_agreement), key=lambda m: m.code)
    if not members:
        raise CostError("population", "report.costs.error.no_municipalities")
    years = sorted({m.population_year for m in members} - {options.population_year})
    if years:
        raise CostError(
            "population_year", "report.costs.error.population_year",
            year=options.population_year, held=", ".join(map(str, years)),
        )  # fmt: skip
    counted = count_performed(facts, request, {m.code for m in members})
    population_cents = options.population_cents
    contacts_cents = options.total_cents - population_cents
    population = {m.code: m.population_75plus for m in members}
    contacts = {m.code: counted.by_municipality[m.code] for m in members}
    parts = split_parts(population_cents, contacts_cents, population, contacts)
    shares = [Share(m, contacts[m.code], *parts[m.code]) for m in members]
    return options, counted, shares


def euros(cents: int) -> float:
    """For the rows: the nearest float to the euros, whose repr is the exact cents."""
    return cents / 100


def euro_text(cents: int) -> str:
    """Exactly, for text: 28460200 -> "284602.00"."""
    return f"{cents // 100}.{cents % 100:02d}"


@report("costs")
def costs(facts: Facts, request: Request) -> tuple[Section, ...]:
    options, counted, shares = share_costs(facts, request)
    rows: list[Row] = []
    for share in shares:
        group = (("municipality", share.municipality.code),)
        people, contacts = share.municipality.population_75plus, share.contacts
        rows += [
            Row("population_75plus", people, "count", people, group=group),
            Row("performed_contacts", contacts, "count", contacts, group=group),
            Row("population_part", euros(share.population_cents), "eur", people, group=group),
            Row("contacts_part", euros(share.contacts_cents), "eur", contacts, group=group),
            Row("cost_share", euros(share.total_cents), "eur", contacts, group=group),
        ]
    people = sum(s.municipality.population_75plus for s in shares)
    contacts = sum(s.contacts for s in shares)
    population_cents = options.population_cents
    rows += [  # the sums, as every total row: no group
        Row("population_75plus", people, "count", people),
        Row("performed_contacts", contacts, "count", contacts),
        Row("population_part", euros(population_cents), "eur", people),
        Row("contacts_part", euros(options.total_cents - population_cents), "eur", contacts),
        Row("cost_share", euros(options.total_cents), "eur", contacts),
    ]
    basis = (
        Row("population_share", float(options.population_share / 100), "share", people),
        Row("contacts_outside_agreement", counted.outside_agreement, "count", contacts),
        Row("contacts_without_municipality", counted.without_municipality, "count", contacts),
    )
    notes = [  # name=value (ohjaaja/domain/reports/notes.py)
        f"total={euro_text(options.total_cents)}",
        f"population_share={format(options.population_share.normalize(), 'f')}",
        f"population_year={options.population_year}",
    ]
    if counted.given:
        notes.append(f"contacts_file={PurePath(request.extra.get('contacts_file', '')).name}")
    elif request.filters.lines:
        notes.append(f"contacts_lines={','.join(request.filters.lines)}")
    else:
        notes.append("contacts_all_lines=")
    return (Section("costs", tuple(rows), notes=tuple(notes)), Section("costs_basis", basis))
