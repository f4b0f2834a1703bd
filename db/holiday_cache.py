"""Finland's public holidays of a year, as the `holidays` library counts them, kept
in a small file so a desk does not load the library to draw its first screen.

Importing `holidays` loads every country's module (about 300 modules, 9 MB of
memory and 100 ms with the first year's reckoning), and the queue asks "is today a
holiday?" before its first draw. So the days of each year asked for are written to
`holidays-fi-<the library's version>.json` in the user's cache folder, and read from
there by every later start: a new version of the library makes a new file. The
library stays the one source of the days; a file that cannot be read or does not
hold exactly what was written is ignored, and the days are reckoned again.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
from datetime import date
from pathlib import Path

from ohjaaja.db.files import read_json_object, write_file

COUNTRY = "FI"


def finnish_holidays(year: int) -> dict[date, str]:
    """The year's holidays: from the cache file when it has them, else from the
    library (then kept in the file for the next start)."""
    path = _cache_file()
    kept = read_json_object(path) if path is not None else {}
    days = _parse(year, kept.get(str(year)))
    if days is None:
        days = _reckon(year)
        if path is not None:
            kept[str(year)] = {day.isoformat(): name for day, name in sorted(days.items())}
            _write(path, kept)
    return days


def _reckon(year: int) -> dict[date, str]:
    import holidays

    return dict(holidays.country_holidays(COUNTRY, years=year))


def _library_version() -> str | None:
    """The installed library's version, from the name of its metadata folder beside
    it, without importing it (its version.py asks importlib.metadata, which scans
    every installed distribution: 30 ms). None where that is not one clear folder."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    found = [
        match.group(1)
        for entry in Path(spec.origin).parent.parent.glob("holidays-*.dist-info")
        if (match := re.fullmatch(r"holidays-([\w.+]+)\.dist-info", entry.name))
    ]
    return found[0] if len(found) == 1 else None


def _cache_file() -> Path | None:
    version = _library_version()
    if version is None:
        return None
    import platformdirs

    folder = Path(platformdirs.user_cache_dir("ohjaaja"))
    return folder / f"holidays-{COUNTRY.lower()}-{version}.json"


def _parse(year: int, days: object) -> dict[date, str] | None:
    """The year's days as written, or None if they are not exactly that: dates of the
    year mapped to names."""
    if not isinstance(days, dict) or not days:
        return None
    parsed = {}
    for day, name in days.items():
        try:
            when = date.fromisoformat(day)
        except (TypeError, ValueError):
            return None
        if when.year != year or not isinstance(name, str):
            return None
        parsed[when] = name
    return parsed


def _write(path: Path, kept: dict[str, object]) -> None:
    """Desks starting at once may write at once: a file left half written is not
    JSON, or not these days, so it is ignored and written again. A folder that cannot
    be written is no error: the next start reckons again."""
    with contextlib.suppress(OSError):
        write_file(path, json.dumps(kept, ensure_ascii=False, sort_keys=True).encode("utf-8"))
