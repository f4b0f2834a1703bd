"""The records of a JSON file read one at a time (ijson), so a file of any size
takes the memory of one record: an array's items, a page's items (the list under
the importer's page key, HSDS's "contents", PTV's "itemList"), or else the whole
document, one record, for the importer's own objects_in to read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import ijson

BOM = b"\xef\xbb\xbf"
Position = Callable[[int], None]  # bytes of the file read so far


class JsonFileError(ValueError):
    """A file that cannot be read as JSON: the message names the file and line."""


def json_records(
    path: Path, page_key: str, position: Position | None = None
) -> Iterator[tuple[str, int, Any]]:
    """(shape, index, record) in file order; shape is "array", "page" or "document"
    (a document is handed whole: one object, or a page whose list is not a list)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise JsonFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with handle:
        start = len(BOM) if handle.read(len(BOM)) == BOM else 0
        try:
            first = _first_byte(handle, start)
            if first == b"[":
                shape, items = "array", "item"
            elif first == b"{" and _page_follows(handle, start, page_key):
                shape, items = "page", f"{page_key}.item"
            else:
                shape, items = "document", ""
            handle.seek(start)
            for i, record in enumerate(ijson.items(handle, items, use_float=True)):
                if position is not None and i % 100 == 0:
                    position(handle.tell())
                yield shape, i, record
        except ijson.JSONError as exc:
            line = _error_line(handle, start)
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise JsonFileError(f"{path}:{line}: not JSON: {message}") from exc


def _first_byte(handle: IO[bytes], start: int) -> bytes:
    handle.seek(start)
    while block := handle.read(4096):
        text = block.lstrip()
        if text:
            return text[:1]
    return b""


def _page_follows(handle: IO[bytes], start: int, page_key: str) -> bool:
    """Whether the top object's PAGE_KEY holds a list: its keys are read until that
    one (a page's few counters come first), nothing is kept."""
    handle.seek(start)
    events = ijson.parse(handle)
    for prefix, event, value in events:
        if prefix == "" and event == "map_key" and value == page_key:
            return next(events)[1] == "start_array"
    return False


def _error_line(handle: IO[bytes], start: int) -> int:
    """The line of a JSON error: the pure-Python parser says at which character
    (the fast one does not), and the lines before it are counted a block at a time;
    at the end of a file cut short, its last line."""
    handle.seek(start)
    at: int | None = None
    try:
        for _ in ijson.get_backend("python").parse(handle):
            pass
    except Exception as exc:  # its errors name the character: "... at 14"
        found = re.search(r" at (\d+)$", str(exc))
        at = int(found.group(1)) if found else None
    handle.seek(start)
    text = (block.decode("utf-8", "replace") for block in iter(lambda: handle.read(1 << 20), b""))
    line, seen = 1, 0
    for chunk in text:
        if at is not None and seen + len(chunk) > at:
            return line + chunk[: at - seen].count("\n")
        line += chunk.count("\n")
        seen += len(chunk)
    return line - 1 if line > 1 and at is None else line
