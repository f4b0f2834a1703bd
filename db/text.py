"""Text folding for search: case and diacritics away, so 'Makinen' finds 'Mäkinen'.

Lives in db/ because SQLite calls it (as the SQL function fold) from the
trigger that keeps client.search_name current, whoever writes the row.
"""

from __future__ import annotations

import json
import unicodedata


def fold(text: str | None) -> str:
    """'Mäkinen Åsa' -> 'makinen asa'; whitespace collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split())


def name_keys(last_name: str | None, first_names: str | None) -> str:
    """The client_name_key rows of a name, as a JSON array for json_each in the
    triggers: 'given last' for every given name, and 'last given' for the second
    and later ones ('last first' is search_name's own start). So two typed words,
    one whole and one begun, are one index range in either order, whichever given
    name they name: 'Matti Virt', 'Virtanen Juh' for Virtanen Anna Juhani."""
    last = fold(last_name)
    given = fold(first_names).split()
    keys = {f"{name} {last}" for name in given}
    keys.update(f"{last} {name}" for name in given[1:])
    return json.dumps(sorted(keys), ensure_ascii=False)
