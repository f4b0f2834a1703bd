"""The service catalogue (edited by admins) and the services offered in a contact."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ohjaaja.db.catalogue import TABLES
from ohjaaja.sync.mutations.base import (
    Actor,
    Outcome,
    Parsed,
    Store,
    Write,
    arguments,
    insert_once,
    resolve_refs,
    row_of,
)
from ohjaaja.sync.rows import Invalid

# In the order a desk can store them (an organisation before its services, a service
# and a place before the link between them): the desk's own list, one for both.
CATALOGUE_TABLES = TABLES


def parse_put(args: Mapping[str, Any]) -> Parsed:
    """Whole catalogue rows by table (an edit, an import, a tombstone)."""
    arguments(args, ("rows", "worker_id"))
    tables = args["rows"]
    if not isinstance(tables, Mapping) or not tables:
        raise Invalid("args.rows", "an object of tables")
    rows: list[tuple[str, dict[str, Any]]] = []
    for table, items in tables.items():
        if table not in CATALOGUE_TABLES:
            raise Invalid(f"args.rows.{table}", "not a catalogue table")
        if not isinstance(items, list):
            raise Invalid(f"args.rows.{table}", "must be a list")
        rows += [
            (table, row_of(table, item, f"args.rows.{table}[{n}]")) for n, item in enumerate(items)
        ]
    rows.sort(key=lambda item: CATALOGUE_TABLES.index(item[0]))
    return {"rows": rows}


def apply_put(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """The later push wins; references are checked against the store and the rows
    of this same put."""
    own = {(table, row["id"]) for table, row in parsed["rows"]}
    writes = []
    for table, row in parsed["rows"]:
        checked = resolve_refs(table, row, store, f"args.rows.{table}", own)
        stored = store.get(table, row["id"])
        version = int(stored["version"]) + 1 if stored else 1
        writes.append(Write(table, row["id"], {**checked, "version": version}))
    return writes


def parse_offer(args: Mapping[str, Any]) -> Parsed:
    row = row_of("offer", args, "args")
    if not row["service_id"] and not row["unmet_need"]:
        raise Invalid("args.service_id", "a service or an unmet need is required")
    if not row["worker_id"]:
        raise Invalid("args.worker_id", "required")
    return {"row": row}


def apply_offer(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """Append-only: a service offered in a contact, or an unmet need."""
    return insert_once("offer", resolve_refs("offer", parsed["row"], store, "args"), store)
