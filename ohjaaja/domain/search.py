"""What a worker typed into a client search, and the lookups it stands for.

One text may stand for more than one thing ("040548" is the start of a phone
number and the birth-date part of an identity code; "Salo" is a surname and a
town), so a query becomes a list of lookups in rank order, and the search shows
the results of each in that order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ohjaaja.db.text import fold

_HETU_PREFIX = re.compile(r"^\d{6}([-+A-FU-Y]\w{0,4})?$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^\+?[\d\s\-()]+$")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
# Digits after "+" before a partial number is looked up: +358 and two more, the
# area code typed with its 0 ("040", "022"), so a number is found by its first
# digits as one types (a prefix is one index range, cheap however short). From ten
# on, the number is taken as written out.
MIN_PHONE_PREFIX = 5
WHOLE_NUMBER = 10


@dataclass(frozen=True)
class Lookup:
    kind: str  # phone, phone_prefix, hetu, birth, name, municipality
    values: tuple[str, ...]


def classify(text: str) -> tuple[str, list[str]]:
    """The first lookup as ('kind', [values]), or ('none', []) for nothing to look up."""
    found = lookups(text, {})
    if not found:
        return "none", []
    return found[0].kind, list(found[0].values)


def lookups(text: str, municipality_names: Mapping[str, str]) -> list[Lookup]:
    """The lookups a query stands for, best first. municipality_names maps folded
    Finnish and Swedish names (and codes) to municipality codes."""
    query = text.strip()
    if not query:
        return []
    found: list[Lookup] = []
    if _HETU_PREFIX.match(query):
        found.append(Lookup("hetu", (query.upper(),)))
    date = _FINNISH_DATE.match(query)
    if date:
        day, month, year = (int(part) for part in date.groups())
        found.append(Lookup("birth", (f"{year:04d}-{month:02d}-{day:02d}",)))
    elif _PHONE_CHARS.match(query):
        phone = _phone_lookup(query)
        if phone is not None:
            found.append(phone)
    elif not found:
        words = [fold(w) for w in re.split(r"[\s,]+", query) if w]
        found.append(Lookup("name", tuple(words[:2])))
    code = municipality_names.get(fold(query))
    if code is not None:
        found.append(Lookup("municipality", (code,)))
    return found


def _phone_lookup(query: str) -> Lookup | None:
    """A number as the E.164 it is stored as, or, while it is being typed, the start
    of one. Stored numbers were checked with phonenumbers when saved; finding them
    needs only the same canonical form (no parse, which costs more than the look-up)."""
    digits = re.sub(r"[^\d+]", "", query.replace("(0)", ""))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+358" + digits[1:]
    elif not digits.startswith("+"):
        return None
    if len(digits) - 1 < MIN_PHONE_PREFIX:
        return None
    kind = "phone" if len(digits) - 1 >= WHOLE_NUMBER else "phone_prefix"
    return Lookup(kind, (digits,))
