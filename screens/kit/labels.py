"""How domain values are shown: lines, channels, municipalities, outcomes."""

from __future__ import annotations

from ohjaaja.domain.reasons import Reason
from ohjaaja.domain.reference import municipalities
from ohjaaja.domain.teams import is_valid, team_name
from ohjaaja.i18n import LANGUAGES, get_language, t


def line_short(code: str) -> str:
    return t(f"line.short.{code}")


def line_name(code: str) -> str:
    return t(f"line.{code}")


def channel_name(code: str) -> str:
    return t(f"channel.{code}")


def municipality_name(code: str | None) -> str:
    if code is None:
        return "—"
    place = municipalities().get(code)
    return place.name(get_language()) if place else code


def team_label(code: str) -> str:
    """A team by its name in the interface language ('Lastensuojelu, Turku'), never
    its code; a code this desk does not know as it came."""
    return team_name(code, get_language()) if is_valid(code) else code


def municipality_options() -> list[tuple[str, str]]:
    """The region's municipalities by name in the interface language."""
    language = get_language()
    places = sorted(municipalities().values(), key=lambda m: m.name(language))
    return [(m.name(language), m.code) for m in places]


def language_options() -> list[tuple[str, str]]:
    return [(t(f"language.{code}"), code) for code in LANGUAGES]


def relation_options() -> list[tuple[str, str]]:
    from ohjaaja.domain.clients import RELATIONS

    return [(t(f"relation.{code}"), code) for code in RELATIONS]


def offered_text(offered: list[tuple[str, bool]]) -> str:
    """What was offered on a contact, one line: the services by name, then the needs
    nothing met ("Tarjottu: Kotihoito, Ateriapalvelu · puute: saattaja")."""
    services = [name for name, unmet in offered if not unmet]
    needs = [name for name, unmet in offered if unmet]
    parts = [t("contact.offered", services=", ".join(services))] if services else []
    if needs:
        parts.append(t("summary.unmet", needs=", ".join(needs)))
    return " · ".join(parts)


def reason_text(why: Reason) -> str:
    """Why a value cannot be used, in the worker's language (its parameters too)."""
    params = {name: reason_text(v) if isinstance(v, Reason) else v for name, v in why.params}
    return t(why.key, **params)
