"""Cost sharing (issue 17, item 5): the hybrid model, its rounding and the seeds' euros."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from ohjaaja.domain.reports.costs import (
    CostError,
    costs,
    fixture_municipalities,
    largest_remainder,
    parse_euros,
    share_costs,
    split_parts,
)
from ohjaaja.domain.reports.facts import ContactFact, Facts, MunicipalityFact
from ohjaaja.domain.reports.model import Filters, Period, Request
from ohjaaja.domain.reports.registry import REPORTS
from ohjaaja.i18n import set_language

PERIOD_2021 = Period(date(2021, 1, 1), date(2021, 11, 30))


def shipped() -> tuple[MunicipalityFact, ...]:
    """The shipped fixture's municipalities: 2019's population aged 75+, and the 2021
    agreement (every municipality but Uusikaupunki)."""
    found = fixture_municipalities()
    assert [(m.code, m.population_75plus, m.in_agreement) for m in found if m.code == "895"] == [
        ("895", 1864, False)
    ]
    return found


def request(total: str, period: Period = PERIOD_2021, **extra: str) -> Request:
    return Request("costs", period, extra={"total": total, **extra})


def by_code(facts: Facts, req: Request) -> dict[str, tuple[int, int, int]]:
    _, _, shares = share_costs(facts, req)
    return {
        s.municipality.code: (s.population_cents, s.contacts_cents, s.total_cents) for s in shares
    }


# --- largest remainder ------------------------------------------------------------


def test_largest_remainder_gives_the_left_over_cents_to_the_largest_remainders() -> None:
    # 1000 cents by 1:1:1 -> 333.33 each: one cent left, to the first code in order
    assert largest_remainder(1000, {"b": 1, "a": 1, "c": 1}) == {"a": 334, "b": 333, "c": 333}
    # 100 by 1:2:3 -> 16.67, 33.33, 50: the one cent left goes to a (remainder .67)
    assert largest_remainder(100, {"a": 1, "b": 2, "c": 3}) == {"a": 17, "b": 33, "c": 50}
    # a weight of zero gets nothing, even with cents left over
    assert largest_remainder(2, {"a": 0, "b": 1, "c": 1, "d": 1}) == {
        "a": 0, "b": 1, "c": 1, "d": 0,
    }  # fmt: skip


def test_ties_go_by_code_whatever_order_the_weights_come_in() -> None:
    weights = {f"{code:03d}": 7 for code in range(1, 28)}
    shuffled = dict(random.Random(1).sample(sorted(weights.items()), len(weights)))
    first = largest_remainder(1013, weights)
    assert largest_remainder(1013, shuffled) == first
    # 1013 / 27 = 37 r 14: the fourteen lowest codes get 38
    assert [first[code] for code in sorted(first)] == [38] * 14 + [37] * 13


def test_largest_remainder_property_over_many_random_totals() -> None:
    rng = random.Random(20211130)
    for _ in range(3000):
        weights = {f"{i:03d}": rng.choice([0, 1, rng.randrange(10**6)]) for i in range(27)}
        weights[f"{rng.randrange(27):03d}"] += 1  # never all zero
        cents = rng.randrange(10**11)
        shares = largest_remainder(cents, weights)
        whole = sum(weights.values())
        assert sum(shares.values()) == cents
        for code, weight in weights.items():
            exact = Decimal(cents * weight) / whole
            assert abs(shares[code] - exact) < 1, (cents, weights)
        # every cent added went to a remainder at least as large as any not rounded up
        raised = [
            cents * weights[c] % whole for c in shares if shares[c] * whole > cents * weights[c]
        ]
        kept = [
            cents * weights[c] % whole for c in shares if shares[c] * whole < cents * weights[c]
        ]
        assert not raised or not kept or min(raised) >= max(kept)


def test_split_parts_property_columns_sum_exactly_and_each_is_within_a_cent() -> None:
    """Every column sums exactly; what a municipality pays is within a cent of its exact
    share and is its two parts; the population part within a cent, the contacts part
    within a cent where the totals' rounding allows (two at most)."""
    rng = random.Random(75)
    two_cents = 0
    for _ in range(3000):
        codes = [f"{i:03d}" for i in range(rng.randrange(1, 28))]
        population = {c: rng.choice([0, rng.randrange(1, 50), rng.randrange(20000)]) for c in codes}
        contacts = {c: rng.choice([0, rng.randrange(1, 50), rng.randrange(9000)]) for c in codes}
        population[codes[0]] += 1
        contacts[codes[-1]] += 1
        total = rng.randrange(1, 10**9)
        population_cents = rng.randrange(total + 1)
        parts = split_parts(population_cents, total - population_cents, population, contacts)
        assert sum(p for p, _ in parts.values()) == population_cents
        assert sum(c for _, c in parts.values()) == total - population_cents
        for code, (p, c) in parts.items():
            exact_p = Fraction(population_cents * population[code], sum(population.values()))
            exact_c = Fraction((total - population_cents) * contacts[code], sum(contacts.values()))
            assert abs(p + c - exact_p - exact_c) < 1
            assert abs(p - exact_p) < 1
            assert abs(c - exact_c) < 2
            two_cents += abs(c - exact_c) >= 1
    assert two_cents < 30  # the fallback is rare


def test_largest_remainder_refuses_weights_of_nothing() -> None:
    with pytest.raises(ValueError):
        largest_remainder(100, {"a": 0})


# --- the seeds' 2021 euros --------------------------------------------------------


def test_the_seeds_2021_euros_for_raisio_and_rusko() -> None:
    """seeds/000 (Raisio's board, § 188, 2.12.2020): under the 2021 hybrid model (70 %
    by population aged 75+, 30 % by performed contacts) Raisio pays 14 540,68 € and
    Rusko 2 906,91 € for 1.1.-30.11.2021. The seeds give neither the total nor the
    contacts (the budget, liite 1, is not among them); the two figures imply both:

    - 14 540,68 / 2 906,91 = 5.002109 and Raisio's / Rusko's population 75+ (2019)
      2376 / 475 = 5.002105: both parts were shared in the same proportions, so the
      contacts the budget used were in proportion to the population aged 75+ (there
      were no per-municipality contact counts for 2021 in November 2020).
    - Then each pays total x its 75+ / 46 505, the agreement's 75+ in 2019 (27
      municipalities less Uusikaupunki's 1864). Raisio's figure, to the cent, puts the
      total in [284 601.89, 284 602.08], Rusko's in [284 601.74, 284 602.72]: the one
      whole-euro total in both is 284 602 €.

    So: 284 602 €, population year 2019, contacts given for the period before the
    system (a CSV's worth) equal to each municipality's population 75+."""
    facts = Facts(
        municipalities=shipped(),
        performed_contacts={m.code: m.population_75plus for m in shipped()},
    )
    shares = by_code(facts, request("284602"))
    raisio, rusko, uusikaupunki = "680", "704", "895"
    assert shares[raisio][2] == 1454068
    assert shares[rusko][2] == 290691
    assert uusikaupunki not in shares  # left the agreement in 2021
    assert sum(total for _, _, total in shares.values()) == 28460200
    assert sum(p for p, _, _ in shares.values()) == 19922140  # 70 %
    assert sum(c for _, c, _ in shares.values()) == 8538060  # 30 %


def test_with_uusikaupunki_still_in_the_seeds_euros_do_not_come_out() -> None:
    everyone = tuple(
        MunicipalityFact(m.code, m.name_fi, m.name_sv, m.population_75plus, 2019, True)
        for m in shipped()
    )
    facts = Facts(
        municipalities=everyone, performed_contacts={m.code: m.population_75plus for m in everyone}
    )
    assert by_code(facts, request("284602"))["680"][2] != 1454068


# --- which contacts count ---------------------------------------------------------


def contact(
    ident: str,
    municipality: str | None,
    status: str = "closed",
    received: datetime = datetime(2021, 3, 1, 9, tzinfo=UTC),
    **more: object,
) -> ContactFact:
    return ContactFact(
        id=ident, channel=str(more.pop("channel", "phone")),
        line=str(more.pop("line", "ikaihmiset")), answered_line="ikaihmiset",
        municipality=municipality, language="fi",
        received_at=received, status=status, **more,  # type: ignore[arg-type]
    )  # fmt: skip


def test_performed_contacts_are_closed_in_period_not_abandoned_not_training() -> None:
    turku, salo, uusikaupunki = "853", "734", "895"
    contacts = (
        contact("1", turku),
        contact("2", turku, reopened=True),  # reopened and closed again: once
        contact("2", turku, reopened=True),  # the same contact listed twice: still once
        contact("3", turku, status="abandoned", abandoned_at=datetime(2021, 3, 1, tzinfo=UTC)),
        contact("4", turku, is_training=True),
        contact("5", turku, status="taken"),  # not yet performed
        contact("6", turku, status="waiting"),
        contact("7", turku, received=datetime(2020, 12, 31, 21, 59, tzinfo=UTC)),  # 23:59 Finnish
        contact("8", salo, received=datetime(2020, 12, 31, 22, 0, tzinfo=UTC)),  # 00:00 on 1.1.
        contact("9", salo, channel="chat"),
        contact("10", uusikaupunki),  # outside the agreement: bills nobody
        contact("11", None),  # no municipality: bills nobody
    )
    facts = Facts(contacts=contacts, municipalities=shipped())
    _, counted, shares = share_costs(facts, request("1000"))
    found = {s.municipality.code: s.contacts for s in shares if s.contacts}
    assert found == {turku: 2, salo: 2}
    assert (counted.outside_agreement, counted.without_municipality) == (1, 1)
    phone_only = Request(
        "costs", PERIOD_2021, Filters(channels=("phone",)), extra={"total": "1000"}
    )
    _, _, shares = share_costs(facts, phone_only)
    assert {s.municipality.code: s.contacts for s in shares if s.contacts} == {turku: 2, salo: 1}
    # the contacts part goes to Turku and Salo only, 2:2
    assert {c: v[1] for c, v in by_code(facts, request("1000")).items() if v[1]} == {
        turku: 15000, salo: 15000,
    }  # fmt: skip


def test_contacts_by_line_count_in_the_line_they_were_made_to() -> None:
    facts = Facts(
        contacts=(contact("1", "853", line="ikaihmiset"), contact("2", "853", line="mipa")),
        municipalities=shipped(),
    )
    older = Request("costs", PERIOD_2021, Filters(lines=("ikaihmiset",)), extra={"total": "10"})
    _, _, shares = share_costs(facts, older)
    assert sum(s.contacts for s in shares) == 1


# --- the report: rows that sum, and errors that say what --------------------------


def test_the_report_is_registered_and_its_columns_sum_exactly_to_the_cent() -> None:
    assert REPORTS["costs"] is costs
    facts = Facts(
        municipalities=shipped(),
        performed_contacts={m.code: (i * 37) % 101 for i, m in enumerate(shipped())},
    )
    sections = costs(facts, request("123 456,78", population_share="62.5"))
    rows = sections[0].rows
    for figure, whole in [
        ("population_part", Decimal("77160.49")),  # 62.5 % of 123 456.78 = 77 160.4875
        ("contacts_part", Decimal("46296.29")),
        ("cost_share", Decimal("123456.78")),
    ]:
        parts = [Decimal(f"{r.value:.2f}") for r in rows if r.figure == figure and r.group]
        assert len(parts) == 26
        assert sum(parts) == whole
        assert [Decimal(f"{r.value:.2f}") for r in rows if r.figure == figure and not r.group] == [
            whole
        ]
    for code in ("853", "019"):
        mine = {r.figure: r.value for r in rows if r.group == (("municipality", code),)}
        assert Decimal(f"{mine['population_part']:.2f}") + Decimal(
            f"{mine['contacts_part']:.2f}"
        ) == Decimal(f"{mine['cost_share']:.2f}")


def facts_named(name: str) -> Facts:
    everyone = {m.code: 1 for m in shipped()}
    without_turku = {code: n for code, n in everyone.items() if code != "853"}
    return {
        "one each": Facts(municipalities=shipped(), performed_contacts=everyone),
        "no municipalities": Facts(),
        "no contacts": Facts(municipalities=shipped()),
        "file without Turku": Facts(municipalities=shipped(), performed_contacts=without_turku),
    }[name]


@pytest.mark.parametrize(
    ("extra", "facts", "field", "words"),
    [
        ({"total": "12,345"}, "one each", "total", "12,345"),
        ({"total": "0"}, "one each", "total", "0"),
        ({"population_share": "70"}, "one each", "total", "--total"),
        ({"total": "100", "population_share": "170"}, "one each", "population_share", "170"),
        ({"total": "100", "population_year": "2021"}, "one each", "population_year", "2019"),
        ({"total": "100"}, "no municipalities", "population", "municipalit"),
        ({"total": "100"}, "no contacts", "contacts", "--contacts"),
        ({"total": "100"}, "file without Turku", "contacts", "853"),
    ],
)
def test_errors_name_the_field_and_why(
    extra: dict[str, str], facts: str, field: str, words: str
) -> None:
    set_language("en")
    with pytest.raises(CostError) as caught:
        costs(facts_named(facts), Request("costs", PERIOD_2021, extra=extra))
    assert caught.value.field == field
    assert words in str(caught.value)


def test_a_municipality_filter_is_refused_the_shares_are_of_all() -> None:
    facts = Facts(municipalities=shipped(), performed_contacts={m.code: 1 for m in shipped()})
    req = Request("costs", PERIOD_2021, Filters(municipalities=("853",)), extra={"total": "9"})
    with pytest.raises(CostError) as caught:
        costs(facts, req)
    assert caught.value.field == "municipality"


def test_euros_as_written() -> None:
    assert parse_euros("284 602,00") == 28460200
    assert parse_euros("284602.5") == 28460250
    assert parse_euros("284\u00a0602 €") == 28460200
    for bad in ("1.234", "-5", "abc", "", "1,2,3"):
        with pytest.raises(CostError):
            parse_euros(bad)
