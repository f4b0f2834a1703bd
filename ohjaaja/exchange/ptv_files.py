"""PTV open API JSON files: one object, a page ({"pageNumber", "pageCount",
"itemList"}), an array, or a folder of such files (a whole fetch: services,
channels and organisations side by side), read into one PtvReading.

A broken record stops the whole import, named with its file, its place in the
file and the field: services and their channels come in different files, so a
part of a fetch is not imported alone. The files are read a record at a time
(exchange/json_records.py); with a spill (exchange/spill.py) what is read is kept
on disk, so a fetch of any size takes about the memory of one record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from ohjaaja.exchange.fields import RecordError
from ohjaaja.exchange.hsds_files import HsdsFileError
from ohjaaja.exchange.json_records import json_records
from ohjaaja.exchange.ptv import PtvReading, objects_in
from ohjaaja.exchange.spill import SpillMap

Progress = Callable[[int, int], None]  # bytes read so far, of all the files


def read_ptv(
    path: Path, spill: sqlite3.Connection | None = None, progress: Progress | None = None
) -> PtvReading:
    """Every record of the file or folder, channels joined to their services;
    HsdsFileError for a file that is not JSON, RecordError for a broken record."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        if not files:
            raise HsdsFileError(f"{path}: no .json files in the folder")
    else:
        files = [path]
    reading = PtvReading()
    if spill is not None:
        for name in ("organizations", "services", "channels", "removed_channels", "links"):
            setattr(reading, name, SpillMap(spill, f"ptv_{name}"))
        reading.linked = SpillMap(spill, "ptv_linked")
        reading.where = SpillMap(spill, "ptv_where")
    sizes = [p.stat().st_size if p.is_file() else 0 for p in files]
    for number, file in enumerate(files):
        records = json_records(file, "itemList", _position(progress, sum(sizes[:number]), sizes))
        for shape, i, obj in records:
            if shape == "document":
                _read_document(reading, file, obj)
                continue
            where = f"{file.name}: itemList[{i}]" if shape == "page" else f"{file.name}: [{i}]"
            try:
                reading.read(obj, where)
            except RecordError as exc:
                for _ in records:  # a file that is not JSON further on says so first
                    pass
                raise RecordError(f"{where}: {exc.field}", exc.reason) from exc
    if progress is not None:
        progress(sum(sizes), sum(sizes))
    reading.finish()
    return reading


def _position(
    progress: Progress | None, before: int, sizes: list[int]
) -> Callable[[int], None] | None:
    """A file's read position told to PROGRESS as the position in all the files."""
    if progress is None:
        return None
    told = progress
    return lambda done: told(before + done, sum(sizes))


def _read_document(reading: PtvReading, file: Path, document: object) -> None:
    """A file read whole: one object, or a page whose itemList is not a list."""
    paged = isinstance(document, dict) and "itemList" in document
    try:
        records = objects_in(document)
    except RecordError as exc:
        raise RecordError(f"{file.name}: {exc.field}", exc.reason) from exc
    for i, obj in enumerate(records):
        where = f"{file.name}: itemList[{i}]" if paged else file.name
        try:
            reading.read(obj, where)
        except RecordError as exc:
            raise RecordError(f"{where}: {exc.field}", exc.reason) from exc
