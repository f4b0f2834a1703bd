"""Files the desk writes for people to open elsewhere: readable by their owner only
(db.files), named so they stay in their folder, and CSV a spreadsheet opens as text.

**Inert cells** (OWASP, CSV injection): a spreadsheet runs a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so such a text cell is
written with a single quote in front (`'=HYPERLINK(...)`), which spreadsheets show
as text. To keep the rule reversible, a cell whose first character after any
leading quotes is one of those also gets one (`'=x` is written `''=x`); reading
removes one quote exactly from such cells, so our own files read back as written.
Numbers are written as they are: `-2` stays a number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from ohjaaja.db.files import write_file

FORMULA_STARTS = frozenset("=+-@\t\r")
NAME_LIMIT = 100


def _would_run(text: str) -> bool:
    return text.lstrip("'")[:1] in FORMULA_STARTS


def safe_cell(value: object) -> object:
    """A cell as written: text a spreadsheet would run gets a leading quote."""
    if isinstance(value, str) and _would_run(value):
        return "'" + value
    return value


def read_cell(text: str) -> str:
    """A cell as read back from our own CSV: the quote safe_cell added, removed."""
    if text.startswith("'") and _would_run(text):
        return text[1:]
    return text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """CSV (the csv module's dialect, CRLF lines) with every cell made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def safe_file_name(text: str) -> str:
    """A file name from data (an id a hostile desk may have sent): ASCII letters,
    digits, `-`, `_` and `.` kept, anything else `_`, no leading dots, bounded."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", text).lstrip(".")[:NAME_LIMIT]
    return name or "export"


def inside(folder: Path, name: str) -> Path:
    """folder/name, resolved (links followed); ValueError if that is not in folder."""
    base = folder.resolve()
    path = (base / name).resolve()
    if path == base or not path.is_relative_to(base):
        raise ValueError(f"{name!r} would be written outside {base}")
    return path


def export_path(database: str | Path, name: str, suffix: str, at: datetime) -> Path:
    """exports/ beside the desk's database, so every session on a shared host finds
    its own; the name (made safe) gets the time `at`."""
    folder = Path(database).resolve().parent / "exports"
    return inside(folder, safe_file_name(f"{name}-{at:%Y%m%d-%H%M%S}.{suffix}"))


def write_private(path: Path, content: str | bytes) -> Path:
    """UTF-8 text (or bytes: an XLSX) in a file only its owner (a desk's group) reads;
    folders made 0700."""
    write_file(path, content.encode("utf-8") if isinstance(content, str) else content)
    return path
