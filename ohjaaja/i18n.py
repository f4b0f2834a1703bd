"""The one translation function for UI text: Finnish (default), Swedish, English.

Messages live in ohjaaja/locales/messages.json, one entry per key with all
three languages side by side, so a missing translation shows in review and a
test fails on it. A missing key falls back to English, then to the key itself.

A number counted in a sentence takes its plural form: such a message gives, in
each language, {"one": ..., "other": ...} instead of one text, and is called with
`count=`. Finnish, Swedish and English have these two forms only (CLDR's
cardinal rules: "one" for the integer 1, "other" for every other number): "Korjaa
1 kenttä", "Korjaa 2 kenttää".
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
_current = DEFAULT_LANGUAGE


Message = str | dict[str, str]  # a text, or its plural forms by CLDR category


@cache
def messages() -> dict[str, dict[str, Message]]:
    path = Path(__file__).parent / "locales" / "messages.json"
    return json.loads(path.read_text(encoding="utf-8"))


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    _current = language


def get_language() -> str:
    return _current


def t(key: str, /, **params: object) -> str:
    """Translate a message key into the current language, filling {params}."""
    return t_in(_current, key, **params)


def t_in(language: str, key: str, /, **params: object) -> str:
    """Translate into a given language: a summary goes out in the client's language."""
    entry = messages().get(key)
    text = key if entry is None else entry.get(language) or entry.get("en") or key
    if isinstance(text, dict):
        text = text[plural(params.get("count"))]
    return text.format(**params) if params else text


def plural(count: object) -> str:
    """The plural category of a count in Finnish, Swedish and English: 'one' or 'other'."""
    return "one" if isinstance(count, int) and count == 1 else "other"


def localized(names: dict[str, str]) -> str:
    """Pick the current language from a {"fi": .., "sv": .., "en": ..} dict of data."""
    return names.get(_current) or names.get("fi") or next(iter(names.values()), "")
