"""Clients, their phones and relatives, the access log, and the (legacy) worker row.

An identity code belongs to one client across the region: the server's store
holds it under a unique constraint, so two desks registering the same person at
once, or offline, cannot both succeed. The second is refused as `hetu_taken`
and merged: its id becomes an alias of the existing client, so what hangs on it
(access-log rows, contacts identified with it) lands on that client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ohjaaja.sync.mutations.base import (
    Actor,
    Outcome,
    Parsed,
    Rejection,
    Store,
    Write,
    an_id,
    arguments,
    bump,
    existing_client,
    insert_once,
    resolve_refs,
    row_of,
)
from ohjaaja.sync.rows import COLUMNS, Invalid, partial

CLIENT_FIELDS = frozenset(
    {"hetu", "hetu_temporary", "birth_date", "last_name", "first_names", "email", "address",
     "language", "municipality_code", "alerts", "updated_at"}
)  # fmt: skip
_NEW_CLIENT = tuple(name for name in COLUMNS["client"] if name not in ("version", "deleted"))


def _phones(items: Any, client_id: str, field: str) -> list[dict[str, Any]]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise Invalid(field, "must be a list")
    phones = [row_of("client_phone", item, f"{field}[{n}]") for n, item in enumerate(items)]
    for n, phone in enumerate(phones):
        if phone["client_id"] != client_id:
            raise Invalid(f"{field}[{n}].client_id", "a phone of another client")
    return phones


def parse_create(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("client",), ("phone", "phones"))
    client = row_of("client", args["client"], "args.client", _NEW_CLIENT)
    phones = _phones([args["phone"]] if args.get("phone") else [], client["id"], "args.phone")
    phones += _phones(args.get("phones"), client["id"], "args.phones")
    return {"client": client, "phones": phones}


def apply_create(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    client = resolve_refs("client", parsed["client"], store, "args.client")
    made = insert_once("client", client, store)
    if not made:
        return made  # the same client again
    if isinstance(made, Rejection):
        return made
    phones: list[Write] = []
    for phone in parsed["phones"]:  # new numbers of a new client: ids never seen
        made_phone = insert_once("client_phone", phone, store)
        if isinstance(made_phone, Rejection):
            return made_phone
        phones += made_phone
    if client["hetu"]:
        holder = store.claim_hetu(client["hetu"], client["id"])  # the constraint decides
        if holder != client["id"]:
            return _merged_into(holder, client["id"], parsed["phones"], store)
    return [*made, *phones]


def _merged_into(
    holder: str, refused: str, phones: list[dict[str, Any]], store: Store
) -> Rejection:
    """The code is another client's: this one becomes its alias, and the numbers the
    worker typed are added to that client (a number it already has comes twice:
    the store has no index of numbers by client to find it)."""
    store.add_client_alias(refused, holder)
    moved = tuple(
        Write("client_phone", p["id"], {**p, "client_id": holder})
        for p in phones
        if store.get("client_phone", p["id"]) is None
    )
    return Rejection(
        "hetu_taken", {"id": refused, "existing": holder}, current=(("client", holder),),
        writes=moved,
    )  # fmt: skip


def parse_update(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("id", "worker_id"), ("changes", "phones"))
    client_id = an_id(args, "id")
    changes = args.get("changes") or {}
    if not isinstance(changes, Mapping):
        raise Invalid("args.changes", "must be an object")
    for key in changes:
        if key not in CLIENT_FIELDS:
            raise Invalid(f"args.changes.{key}", "unknown field")
    return {
        "id": client_id,
        "changes": partial("client", changes, "args.changes"),
        "phones": _phones(args.get("phones"), client_id, "args.phones"),
    }


def apply_update(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """Field by field onto the shared row: two desks editing different fields both
    keep their change; the same field, the later push wins. A code is changed only
    to one nobody holds, and cleared only by an admin."""
    client_id = existing_client(store, parsed["id"], "args.id")
    row = store.get("client", client_id)
    assert row is not None
    changes = resolve_refs("client", parsed["changes"], store, "args.changes")
    current = (("client", client_id),)
    hetu = changes.get("hetu", row["hetu"])
    if row["hetu"] and not hetu and "admin" not in actor.roles:
        return Rejection("forbidden", {"field": "hetu", "why": "only an admin clears an identity "
                         "code"}, current=current, code=403)  # fmt: skip
    holder = store.claim_hetu(hetu, client_id) if hetu and hetu != row["hetu"] else client_id
    if holder != client_id:
        return Rejection("hetu_taken", {"id": client_id, "field": "hetu", "existing": holder},
                         current=current)  # fmt: skip
    if row["hetu"] and hetu != row["hetu"]:
        store.free_hetu(row["hetu"], client_id)
    writes = [Write("client", client_id, bump(row, changes))] if changes else []
    for n, phone in enumerate(parsed["phones"]):
        stored = store.get("client_phone", phone["id"])
        if stored is not None and stored["client_id"] != client_id:
            raise Invalid(f"args.phones[{n}].id", "a number of another client")
        version = int(stored["version"]) + 1 if stored else 1
        writes.append(Write("client_phone", phone["id"], {**phone, "client_id": client_id,
                                                           "version": version}))  # fmt: skip
    return writes


def parse_relative(args: Mapping[str, Any]) -> Parsed:
    return {"row": row_of("relative", _drop(args, "worker_id"), "args")}


def apply_relative(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    row = resolve_refs("relative", parsed["row"], store, "args")
    stored = store.get("relative", row["id"])
    if stored is not None and stored["client_id"] != row["client_id"]:
        raise Invalid("args.client_id", "this relative belongs to another client")
    return [Write("relative", row["id"], {**row, "version": int(stored["version"]) + 1
                                          if stored else 1})]  # fmt: skip


def parse_audit(args: Mapping[str, Any]) -> Parsed:
    row = row_of("audit", args, "args")
    if not row["worker_id"]:
        raise Invalid("args.worker_id", "required")
    return {"row": row}


def apply_audit(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """Append-only: an id once written is never written again."""
    return insert_once("audit", resolve_refs("audit", parsed["row"], store, "args"), store)


def parse_worker(args: Mapping[str, Any]) -> Parsed:
    return {"row": row_of("worker", args, "args")}


def apply_worker(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """Desks before the register made their own worker rows; the register decides now.
    A desk's worker the register knows is nothing new; one it does not is refused."""
    if store.worker(parsed["row"]["id"]) is None:
        return Rejection("unknown_worker", {"id": parsed["row"]["id"]}, code=403)
    return []


def _drop(args: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k not in keys}
