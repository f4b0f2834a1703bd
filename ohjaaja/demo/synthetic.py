"""Synthetic clients: valid identity codes and phone numbers, no real people.

Seeded, so the demo and the benchmarks get the same register every time. The
identity codes use every century sign (the 2023 letters included) and some
temporary codes; phones are Finnish mobile and Turku-area landline numbers in
the shapes phonenumbers accepts (tests/unit/test_synthetic.py checks a sample).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from ohjaaja.domain.clients import RELATIONS
from ohjaaja.domain.identity import make_identity_code
from ohjaaja.domain.reference import FIXTURES, municipalities

MOBILE_PREFIXES = ("40", "41", "44", "45", "46", "50")
SIGNS_1900 = ("-", "-", "-", "-", "Y", "X", "W", "V", "U")
SIGNS_2000 = ("A", "A", "A", "B", "C", "D", "E", "F")


@dataclass(frozen=True)
class SyntheticRelative:
    name: str
    relation: str
    phone: str


@dataclass(frozen=True)
class SyntheticClient:
    last_name: str
    first_names: str
    hetu: str
    temporary: bool
    birth_date: date
    phones: tuple[str, ...]  # E.164
    municipality_code: str
    language: str
    relatives: tuple[SyntheticRelative, ...]


def _names() -> dict[str, dict[str, list[str]]]:
    return json.loads((FIXTURES / "names.json").read_text(encoding="utf-8"))


def mobile(rng: random.Random) -> str:
    return f"+358{rng.choice(MOBILE_PREFIXES)}{rng.randrange(1_000_000, 10_000_000)}"


def landline(rng: random.Random) -> str:
    # Turku area code 02, subscriber numbers of 7 digits starting 2-8.
    return f"+3582{rng.randrange(2_000_000, 9_000_000)}"


def generate_clients(
    count: int, seed: int = 2026, today: date | None = None
) -> Iterator[SyntheticClient]:
    rng = random.Random(seed)
    names = _names()
    places = list(municipalities().values())
    weights = [m.population for m in places]
    older_weights = [m.population_75plus for m in places]
    today = today or date(2026, 11, 23)
    used: set[str] = set()
    for index in range(count):
        older = rng.random() < 0.45  # the older people's line is the busiest
        age = rng.randint(75, 104) if older else rng.randint(0, 74)
        birth = today - timedelta(days=age * 365 + rng.randrange(365))
        if index % 4999 == 7:  # a few legacy-register entries born in the 1800s ('+')
            birth = date(rng.randint(1890, 1899), rng.randint(1, 12), rng.randint(1, 28))
        if birth.year < 1900:
            sign = "+"
        elif birth.year < 2000:
            sign = rng.choice(SIGNS_1900)
        else:
            sign = rng.choice(SIGNS_2000)
        temporary = index % 97 == 0
        while True:
            individual = rng.randint(900, 999) if temporary else rng.randint(2, 899)
            hetu = make_identity_code(birth, individual, sign)
            if hetu not in used:
                used.add(hetu)
                break
        place = rng.choices(places, weights=older_weights if older else weights)[0]
        # Some Swedish speakers where the statistics name the place in Swedish.
        swedish = place.statistics_sv != place.name_fi and rng.random() < 0.06
        if place.code in ("322", "445"):  # Kemiönsaari and Parainen: Swedish majority
            swedish = rng.random() < 0.6
        group = names["sv" if swedish else "fi"]
        female = individual % 2 == 0
        given = group["female" if female else "male"]
        first = " ".join(rng.sample(given, rng.choice((1, 2, 2, 3))))
        phones: tuple[str, ...] = (mobile(rng),) if rng.random() < 0.85 else (landline(rng),)
        if rng.random() < 0.1:
            phones += (landline(rng),)
        relatives: tuple[SyntheticRelative, ...] = ()
        if older and rng.random() < 0.5:
            relatives = (
                SyntheticRelative(
                    name=f"{rng.choice(group['last'])} {rng.choice(given)}",
                    relation=rng.choice(RELATIONS),
                    phone=mobile(rng),
                ),
            )
        yield SyntheticClient(
            last_name=rng.choice(group["last"]),
            first_names=first,
            hetu=hetu,
            temporary=temporary,
            birth_date=birth,
            phones=phones,
            municipality_code=place.code,
            language="sv" if swedish else ("en" if rng.random() < 0.01 else "fi"),
            relatives=relatives,
        )
