"""PTV open API JSON files: one object, a page ({"pageNumber", "pageCount",
"itemList"}), an array, or a folder of such files (a whole fetch: services,
channels and organisations side by side), read into one PtvReading.

A broken record stops the whole import, named with its file, its place in the
file and the field: services and their channels come in different files, so a
part of a fetch is not imported alone.
"""

from __future__ import annotations

from pathlib import Path

from ohjaaja.exchange.fields import RecordError
from ohjaaja.exchange.hsds_files import HsdsFileError, load_json
from ohjaaja.exchange.ptv import PtvReading, objects_in


def read_ptv(path: Path) -> PtvReading:
    """Every record of the file or folder, channels joined to their services;
    HsdsFileError for a file that is not JSON, RecordError for a broken record."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        if not files:
            raise HsdsFileError(f"{path}: no .json files in the folder")
    else:
        files = [path]
    reading = PtvReading()
    for file in files:
        document = load_json(file)
        paged = isinstance(document, dict) and "itemList" in document
        try:
            records = objects_in(document)
        except RecordError as exc:
            raise RecordError(f"{file.name}: {exc.field}", exc.reason) from exc
        for i, obj in enumerate(records):
            where = f"{file.name}: itemList[{i}]" if paged else file.name
            if isinstance(document, list):
                where = f"{file.name}: [{i}]"
            try:
                reading.read(obj, where)
            except RecordError as exc:
                raise RecordError(f"{where}: {exc.field}", exc.reason) from exc
    reading.finish()
    return reading
