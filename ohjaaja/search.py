"""What kind of thing a worker typed into a client search."""

from __future__ import annotations

import re

_HETU_PREFIX = re.compile(r"^\d{6}([-+A-FU-Y]\w{0,4})?$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^\+?[\d\s\-()]+$")


def classify(text: str) -> tuple[str, list[str]]:
    """('phone', [e164]) | ('hetu', [prefix]) | ('name', [word, word?]) | ('none', [])."""
    query = text.strip()
    if not query:
        return "none", []
    if _HETU_PREFIX.match(query):
        return "hetu", [query.upper()]
    if _PHONE_CHARS.match(query):
        # Digits only: a phone number, or not yet enough of one to look up.
        from ohjaaja.phones import PhoneError, normalise_phone

        try:
            return "phone", [normalise_phone(query)]
        except PhoneError:
            return "none", []
    words = [w for w in re.split(r"[\s,]+", query) if w]
    return "name", words[:2]
