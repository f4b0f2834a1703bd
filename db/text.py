"""Text folding for search: case and diacritics away, so 'Makinen' finds 'Mäkinen'.

Lives in db/ because SQLite calls it (as the SQL function fold) from the
trigger that keeps client.search_name current, whoever writes the row.
"""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """'Mäkinen Åsa' -> 'makinen asa'; whitespace collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split())
