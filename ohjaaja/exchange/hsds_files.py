"""HSDS 3.0 files: JSON documents and tabular datapackages, read into records and
written out.

A JSON file holds one service or organization object, a page ({"contents": [...]})
or an array of them. A datapackage folder holds datapackage.json and one CSV per
HSDS table (services.csv, phones.csv, ...), rows joined by their *_id columns;
it is read into the same nested objects the API returns, so one reader checks
both. Each object keeps where it came from (file and record or line) for errors.
Both are read a record at a time (exchange/json_records.py; a package's rows in a
temporary index), so a file of any size takes about the memory of one record.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ohjaaja.exchange.exports import csv_text, read_cell, write_private
from ohjaaja.exchange.hsds import Reading, RecordError, objects_in
from ohjaaja.exchange.json_records import JsonFileError, json_records
from ohjaaja.exchange.spill import SpillMap, spilling

Obj = dict[str, Any]
Progress = Callable[[int, int], None]  # bytes read so far, of the whole


# One error for a file that cannot be read at all, JSON or a datapackage's CSV.
HsdsFileError = JsonFileError


@dataclass(frozen=True)
class Record:
    where: str  # "services.json: record 3" or "services.csv:12"
    obj: Obj


# Nested HSDS lists and objects, the CSV each lives in, and the key joining it to its parent.
CHILDREN = {
    "service": [
        ("phones", "phones.csv", "service_id"),
        ("schedules", "schedules.csv", "service_id"),
        ("service_areas", "service_areas.csv", "service_id"),
        ("languages", "languages.csv", "service_id"),
        ("cost_options", "cost_options.csv", "service_id"),
        ("service_at_locations", "service_at_location.csv", "service_id"),
        ("attributes", "attributes.csv", "link_id"),
    ],
    "organization": [
        ("phones", "phones.csv", "organization_id"),
        ("attributes", "attributes.csv", "link_id"),
    ],
    "phone": [("attributes", "attributes.csv", "link_id")],
    "schedule": [("attributes", "attributes.csv", "link_id")],
    "location": [
        ("addresses", "addresses.csv", "location_id"),
        ("attributes", "attributes.csv", "link_id"),
    ],
}
KEYS = ("service_id", "organization_id", "link_id", "location_id")
NUMBERS = {"amount", "minimum_age", "maximum_age", "latitude", "longitude", "extension"}


def read_path(path: Path, progress: Progress | None = None) -> Iterator[Record]:
    """Every record of a JSON file or a datapackage folder, one at a time;
    HsdsFileError when the file cannot be read (perhaps after some records)."""
    if path.is_dir():
        yield from _read_package(path, progress)
        return
    size = path.stat().st_size if path.is_file() else 0
    position = (lambda done: progress(done, size)) if progress else None
    for shape, i, obj in json_records(path, "contents", position):
        if shape == "document":
            for j, record in enumerate(objects_in(obj)):
                yield Record(f"{path.name}: record {j + 1}", record)
        else:
            yield Record(f"{path.name}: record {i + 1}", obj)
    if progress is not None:
        progress(size, size)


def load_json(path: Path) -> Any:
    """A JSON file's document; HsdsFileError naming the file (and line) if unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise HsdsFileError(f"{path}: cannot read: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise HsdsFileError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from exc


def read_catalogue(
    path: Path,
    language: str,
    spill: sqlite3.Connection | None = None,
    progress: Progress | None = None,
) -> Reading:
    """Every record of the file or folder; RecordError names the first broken one.
    With SPILL (exchange/spill.py) the records are kept there, not in memory."""
    reading = Reading(default_language=language)
    if spill is not None:
        reading.organizations = SpillMap(spill, "hsds_organizations")
        reading.services = SpillMap(spill, "hsds_services")
        reading.phone_owners = SpillMap(spill, "hsds_phone_owners")
    records = read_path(path, progress)
    for record in records:
        try:
            reading.read(record.obj)
        except RecordError as exc:
            for _ in records:  # a file that is not JSON further on says so first
                pass
            raise RecordError(f"{record.where}: {exc.field}", exc.reason) from exc
    return reading


def _read_package(folder: Path, progress: Progress | None) -> Iterator[Record]:
    """The package's rows put in a temporary index (exchange/spill.py's database),
    then each organisation and service nested from it, one at a time."""
    if not (folder / "datapackage.json").is_file():
        raise HsdsFileError(f"{folder}: no datapackage.json (a folder must be a datapackage)")
    files = sorted(folder.glob("*.csv"))
    total, done = sum(p.stat().st_size for p in files), 0
    with spilling() as index:
        index.execute(
            f"CREATE TABLE row (file TEXT, line INTEGER, id TEXT, {', '.join(KEYS)}, obj TEXT)"
        )
        for csv_path in files:
            index.executemany(
                "INSERT INTO row VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (csv_path.name, line, row.get("id"), *(row.get(k) or None for k in KEYS),
                     json.dumps(row))
                    for line, row in _read_csv(csv_path)
                ),
            )  # fmt: skip
            done += csv_path.stat().st_size
            if progress is not None:
                progress(done, total)
        for column in ("id", *KEYS):
            index.execute(f"CREATE INDEX row_{column} ON row (file, {column})")
        tables = {name for (name,) in index.execute("SELECT DISTINCT file FROM row")}
        tables |= {p.name for p in files}
        if "services.csv" not in tables and "organizations.csv" not in tables:
            raise HsdsFileError(f"{folder}: neither services.csv nor organizations.csv")

        def rows(file_name: str, column: str, value: Any) -> list[Obj]:
            query = f"SELECT obj FROM row WHERE file = ? AND {column} = ? ORDER BY rowid"
            return [json.loads(obj) for (obj,) in index.execute(query, (file_name, value))]

        def by_id(file_name: str, value: Any) -> Obj | None:
            found = rows(file_name, "id", value)
            return found[-1] if found else None  # the last row of an id counts

        def nest(kind: str, obj: Obj) -> Obj:
            obj = dict(obj)
            for field, file_name, key in CHILDREN.get(kind, []):
                if file_name not in tables:  # a table the package lacks says nothing
                    continue
                children = rows(file_name, key, obj["id"])
                if kind == "service" and field == "phones":
                    children = [c for c in children if c.get("service_id") == obj["id"]]
                if kind == "organization" and field == "phones":
                    children = [c for c in children if not c.get("service_id")]
                child_kind = "address" if field == "addresses" else field.removesuffix("s")
                obj[field] = [nest(child_kind, child) for child in children]
            if "taxonomy_term_id" in obj:
                term = by_id("taxonomy_terms.csv", obj["taxonomy_term_id"])
                if term is not None:
                    obj["taxonomy_term"] = term
            if kind == "service_at_location" and obj.get("location_id"):
                place = by_id("locations.csv", obj["location_id"])
                if place is not None:
                    obj["location"] = nest("location", place)
            return obj

        query = "SELECT line, obj FROM row WHERE file = ? ORDER BY rowid"
        for kind, file_name in (("organization", "organizations.csv"), ("service", "services.csv")):
            # A cursor read as the nesting queries run beside it (reads only: SQLite allows).
            for line, obj in index.execute(query, (file_name,)):
                yield Record(f"{folder.name}/{file_name}:{line}", nest(kind, json.loads(obj)))


def _read_csv(path: Path) -> Iterator[tuple[int, Obj]]:
    """(line, row) with empty cells dropped and numeric columns as numbers."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                clean: Obj = {}
                for key, value in row.items():
                    if key is None or value in (None, ""):
                        continue
                    value = read_cell(value)  # our export's quote before a formula-like text
                    clean[key] = _number(value) if key in NUMBERS else value
                yield reader.line_num, clean
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise HsdsFileError(f"{path}: cannot read: {exc}") from exc


def _number(text: str) -> float | int | str:
    try:
        value = float(text)
    except ValueError:
        return text  # the reader names it as not a number
    return int(value) if value.is_integer() else value


# -- writing -------------------------------------------------------------------
def write_json(folder: Path, services: list[Obj], organizations: list[Obj]) -> list[Path]:
    written = []
    for name, objects in (("services.json", services), ("organizations.json", organizations)):
        text = json.dumps(objects, ensure_ascii=False, indent=2) + "\n"
        written.append(write_private(folder / name, text))
    return written


# Nested keys flattened into their own CSVs (objects become rows with their own id).
FLAT = {
    "phones": "phones.csv",
    "schedules": "schedules.csv",
    "service_areas": "service_areas.csv",
    "languages": "languages.csv",
    "cost_options": "cost_options.csv",
    "service_at_locations": "service_at_location.csv",
    "attributes": "attributes.csv",
    "addresses": "addresses.csv",
    "location": "locations.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "organization": "organizations.csv",
}


EMPTY_COLUMNS = ["id", "service_id", "code"]  # languages.csv's, when no service has one


def write_package(folder: Path, services: list[Obj], organizations: list[Obj]) -> list[Path]:
    """The tabular form: one CSV per table and datapackage.json describing them."""
    tables: dict[str, dict[str, Obj]] = defaultdict(dict)
    for obj in organizations:
        _flatten(obj, "organizations.csv", tables)
    for obj in services:
        obj = {k: v for k, v in obj.items() if k != "organization"}  # in organizations.csv
        _flatten(obj, "services.csv", tables)
    # Written even when empty: a package without languages.csv reads as all Finnish.
    tables.setdefault("languages.csv", {})
    resources, written = [], []
    for name in sorted(tables):
        rows = list(tables[name].values())
        columns = list(dict.fromkeys(key for row in rows for key in row)) or EMPTY_COLUMNS
        text = csv_text([columns, *([row.get(c, "") for c in columns] for row in rows)])
        written.append(write_private(folder / name, text))
        resources.append(
            {
                "name": name.removesuffix(".csv"),
                "path": name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "schema": {"fields": [{"name": c, "type": _type(c)} for c in columns]},
            }
        )
    descriptor = {
        "name": "ohjaaja-catalogue",
        "profile": "tabular-data-package",
        "description": "HSDS 3.0 tabular export of ohjaaja's service-offering catalogue",
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    return [write_private(folder / "datapackage.json", text), *written]


def _type(column: str) -> str:
    return "number" if column in NUMBERS else "string"


def _flatten(obj: Obj, table: str, tables: dict[str, dict[str, Obj]]) -> None:
    row: Obj = {}
    for key, value in obj.items():
        if isinstance(value, list) and key in FLAT:
            for item in value:
                _flatten(item, FLAT[key], tables)
        elif isinstance(value, dict) and key in FLAT:
            _flatten(value, FLAT[key], tables)
        elif not isinstance(value, list | dict):
            row[key] = value
    tables[table][row["id"]] = row
