"""HSDS 3.0 files: JSON documents and tabular datapackages, read into records and
written out.

A JSON file holds one service or organization object, a page ({"contents": [...]})
or an array of them. A datapackage folder holds datapackage.json and one CSV per
HSDS table (services.csv, phones.csv, ...), rows joined by their *_id columns;
it is read into the same nested objects the API returns, so one reader checks
both. Each object keeps where it came from (file and record or line) for errors.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ohjaaja.exchange.exports import csv_text, read_cell, write_private
from ohjaaja.exchange.hsds import Reading, RecordError, objects_in

Obj = dict[str, Any]


class HsdsFileError(ValueError):
    """A file that cannot be read at all, named with where and why."""


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
NUMBERS = {"amount", "minimum_age", "maximum_age", "latitude", "longitude", "extension"}


def read_path(path: Path) -> list[Record]:
    """Every record of a JSON file or a datapackage folder; HsdsFileError if unreadable."""
    if path.is_dir():
        return _read_package(path)
    document = load_json(path)
    return [
        Record(f"{path.name}: record {i + 1}", obj) for i, obj in enumerate(objects_in(document))
    ]


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


def read_catalogue(path: Path, language: str) -> Reading:
    """Every record of the file or folder; RecordError names the first broken one."""
    reading = Reading(default_language=language)
    for record in read_path(path):
        try:
            reading.read(record.obj)
        except RecordError as exc:
            raise RecordError(f"{record.where}: {exc.field}", exc.reason) from exc
    return reading


def _read_package(folder: Path) -> list[Record]:
    if not (folder / "datapackage.json").is_file():
        raise HsdsFileError(f"{folder}: no datapackage.json (a folder must be a datapackage)")
    tables: dict[str, list[tuple[int, Obj]]] = {}
    for csv_path in sorted(folder.glob("*.csv")):
        tables[csv_path.name] = _read_csv(csv_path)
    if "services.csv" not in tables and "organizations.csv" not in tables:
        raise HsdsFileError(f"{folder}: neither services.csv nor organizations.csv")
    index: dict[tuple[str, str], list[Obj]] = defaultdict(list)
    for name, rows in tables.items():
        for _, row in rows:
            for key in ("service_id", "organization_id", "link_id", "location_id"):
                if row.get(key):
                    index[(name, f"{key}={row[key]}")].append(row)
    by_id = {
        name: {row["id"]: row for _, row in tables.get(name, []) if row.get("id")}
        for name in ("locations.csv", "taxonomy_terms.csv")
    }

    def nest(kind: str, obj: Obj) -> Obj:
        obj = dict(obj)
        for field, file_name, key in CHILDREN.get(kind, []):
            if file_name not in tables:  # a table the package lacks says nothing
                continue
            children = index.get((file_name, f"{key}={obj['id']}"), [])
            if kind == "service" and field == "phones":
                children = [c for c in children if c.get("service_id") == obj["id"]]
            if kind == "organization" and field == "phones":
                children = [c for c in children if not c.get("service_id")]
            child_kind = "address" if field == "addresses" else field.removesuffix("s")
            obj[field] = [nest(child_kind, child) for child in children]
        if "taxonomy_term_id" in obj and obj["taxonomy_term_id"] in by_id["taxonomy_terms.csv"]:
            obj["taxonomy_term"] = by_id["taxonomy_terms.csv"][obj["taxonomy_term_id"]]
        if kind == "service_at_location" and obj.get("location_id") in by_id["locations.csv"]:
            obj["location"] = nest("location", by_id["locations.csv"][obj["location_id"]])
        return obj

    records = [
        Record(f"{folder.name}/organizations.csv:{line}", nest("organization", row))
        for line, row in tables.get("organizations.csv", [])
    ]
    records += [
        Record(f"{folder.name}/services.csv:{line}", nest("service", row))
        for line, row in tables.get("services.csv", [])
    ]
    return records


def _read_csv(path: Path) -> list[tuple[int, Obj]]:
    """(line, row) with empty cells dropped and numeric columns as numbers."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = []
            for row in reader:
                clean: Obj = {}
                for key, value in row.items():
                    if key is None or value in (None, ""):
                        continue
                    value = read_cell(value)  # our export's quote before a formula-like text
                    clean[key] = _number(value) if key in NUMBERS else value
                rows.append((reader.line_num, clean))
            return rows
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
