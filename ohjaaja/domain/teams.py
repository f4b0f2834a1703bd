"""Teams a desk hands over to: a municipality's service-need assessment, home care,
child welfare or adult social work, and the region's social emergency.

A team's code is 'kind:municipality' ('assessment:853'), or 'emergency'. Its
hours (fixtures/teams.json) decide whether a notification goes to it or, when it
is closed, to the social emergency.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from ohjaaja.domain import reference
from ohjaaja.domain.hours import OpeningHours

EMERGENCY = "emergency"


@dataclass(frozen=True)
class TeamKind:
    code: str
    names: dict[str, str]
    hours: OpeningHours
    regional: bool


@cache
def kinds() -> dict[str, TeamKind]:
    data = json.loads((reference.FIXTURES / "teams.json").read_text(encoding="utf-8"))
    return {
        code: TeamKind(
            code=code,
            names=spec["name"],
            hours=OpeningHours.from_spec(spec["hours"]),
            regional=bool(spec.get("regional")),
        )
        for code, spec in data["kinds"].items()
    }


def team_code(kind: str, municipality_code: str | None) -> str:
    if kinds()[kind].regional:
        return kind
    if not municipality_code:
        raise ValueError(f"a {kind} team belongs to a municipality")
    return f"{kind}:{municipality_code}"


def split(code: str) -> tuple[str, str | None]:
    """'assessment:853' -> ('assessment', '853'); 'emergency' -> ('emergency', None)."""
    kind, _, municipality = code.partition(":")
    if kind not in kinds():
        raise ValueError(f"unknown team {code!r}")
    if not kinds()[kind].regional and municipality not in reference.municipalities():
        raise ValueError(f"unknown municipality in team {code!r}")
    return kind, municipality or None


def is_valid(code: str) -> bool:
    try:
        split(code)
    except ValueError:
        return False
    return True


def team_name(code: str, language: str) -> str:
    kind, municipality = split(code)
    name = kinds()[kind].names.get(language) or kinds()[kind].names["fi"]
    if municipality is None:
        return name
    return f"{name}, {reference.municipalities()[municipality].name(language)}"


def is_open(code: str, at: datetime) -> bool:
    return kinds()[split(code)[0]].hours.is_open(at)


def route(kind: str, municipality_code: str | None, at: datetime) -> str:
    """The municipality's team when it is open, else the social emergency."""
    if municipality_code is None:
        return EMERGENCY
    code = team_code(kind, municipality_code)
    return code if is_open(code, at) else EMERGENCY


def team_options(municipality_code: str | None) -> list[str]:
    """The teams of one municipality (else none) and the social emergency."""
    codes = [
        team_code(kind.code, municipality_code)
        for kind in kinds().values()
        if not kind.regional and municipality_code
    ]
    return [*codes, EMERGENCY]
