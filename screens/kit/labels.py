"""How domain values are shown: lines, channels, municipalities, outcomes."""

from __future__ import annotations

from ohjaaja.domain.reasons import Reason
from ohjaaja.domain.reference import municipalities
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


def municipality_options() -> list[tuple[str, str]]:
    """The region's municipalities by name in the interface language."""
    language = get_language()
    places = sorted(municipalities().values(), key=lambda m: m.name(language))
    return [(m.name(language), m.code) for m in places]


def language_options() -> list[tuple[str, str]]:
    return [(t(f"language.{code}"), code) for code in LANGUAGES]


def relation_options() -> list[tuple[str, str]]:
    from ohjaaja.usecases.client_desk import RELATIONS

    return [(t(f"relation.{code}"), code) for code in RELATIONS]


def reason_text(why: Reason) -> str:
    """Why a value cannot be used, in the worker's language (its parameters too)."""
    params = {name: reason_text(v) if isinstance(v, Reason) else v for name, v in why.params}
    return t(why.key, **params)
