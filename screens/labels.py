"""How domain values are shown: lines, channels, municipalities, outcomes."""

from __future__ import annotations

from ohjaaja.i18n import get_language, t
from ohjaaja.reference import municipalities


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
