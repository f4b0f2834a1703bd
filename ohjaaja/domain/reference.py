"""Reference data from fixtures/: municipalities, lines and reason codes.

Municipalities: fixtures/varsinais-suomi-municipalities.csv is the project's shared
reference data (Statistics Finland, 2019), copied unchanged. Its Swedish column repeats
the Finnish name of a municipality it gives no Swedish name; five of those have one in
use (Mynämäki is Virmo, Marttila S:t Mårtens, ...), given with its source in
fixtures/municipality-names-sv.csv. A municipality is shown in Finnish in the Swedish
interface only when it has no Swedish name (Aura, Masku, Salo, ...).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ohjaaja.fixtures as fixtures
from ohjaaja.domain.hours import OpeningHours

# fixtures/ travels as the package ohjaaja.fixtures (pyproject's package-dir).
FIXTURES = Path(fixtures.__file__).resolve().parent


@dataclass(frozen=True)
class Municipality:
    code: str
    name_fi: str
    name_sv: str
    population: int
    population_75plus: int
    in_agreement: bool
    statistics_sv: str = ""  # the Swedish name as Statistics Finland's table gives it

    @property
    def own_swedish_name(self) -> bool:
        return self.name_sv != self.name_fi

    def name(self, language: str) -> str:
        return self.name_sv if language == "sv" else self.name_fi


@dataclass(frozen=True)
class LineDef:
    code: str
    names: dict[str, str]
    phone: str
    hours_spec: dict[str, object]

    @property
    def hours(self) -> OpeningHours:
        return OpeningHours.from_spec(self.hours_spec)


@cache
def municipalities() -> dict[str, Municipality]:
    """The 27 municipalities of Varsinais-Suomi (Statistics Finland, 2019)."""
    path = FIXTURES / "varsinais-suomi-municipalities.csv"
    with (FIXTURES / "municipality-names-sv.csv").open(encoding="utf-8", newline="") as handle:
        swedish = {row["code"]: row["name_sv"] for row in csv.DictReader(handle)}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Municipality(
                code=row["code"],
                name_fi=row["name_fi"],
                name_sv=swedish.get(row["code"], row["name_sv"]),
                statistics_sv=row["name_sv"],
                population=int(row["population_total_2019"]),
                population_75plus=int(row["population_75plus_2019"]),
                in_agreement=row["in_guidance_agreement_2021"] == "yes",
            )
            for row in csv.DictReader(handle)
        }


@cache
def lines() -> dict[str, LineDef]:
    data = json.loads((FIXTURES / "lines.json").read_text(encoding="utf-8"))
    # The fixture writes each number in international form: E.164 once its spaces
    # go, checked with phonenumbers by the tests, not parsed here (the queue's first
    # draw asks for the lines, and phonenumbers takes longer to load than it).
    return {
        item["code"]: LineDef(
            code=item["code"],
            names=item["name"],
            phone=item["phone"].replace(" ", ""),
            hours_spec=item["hours"],
        )
        for item in data["lines"]
    }


@cache
def reasons() -> dict[str, dict[str, dict[str, str]]]:
    """line code -> reason code -> names by language."""
    data = json.loads((FIXTURES / "reasons.json").read_text(encoding="utf-8"))
    found: dict[str, dict[str, dict[str, str]]] = data["reasons"]
    return found


@cache
def municipality_names() -> dict[str, str]:
    """Folded Finnish and Swedish names, and the codes, to municipality codes (for search)."""
    from ohjaaja.db.text import fold

    names: dict[str, str] = {}
    for code, item in municipalities().items():
        names[code] = code
        names[fold(item.name_fi)] = code
        if item.name_sv:
            names[fold(item.name_sv)] = code
    return names
