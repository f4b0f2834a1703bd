"""What a mutation is made of: its parsed arguments, the store it is applied to,
what it writes or why it is refused.

A mutation is defined once (ohjaaja.sync.mutations): `parse` checks the shape of
its arguments and is run by the desk before a mutation enters its outbox and by
the server before anything else; `apply` runs the rules against the server's
store inside its transaction. Nothing here does I/O of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ohjaaja.sync.rows import (
    CREATED_WITH,
    Invalid,
    Row,
    identifier,
    integer,
    normalise,
    references,
)

# Keys every mutation may carry without meaning anything to the rules: the
# outbox's format version, and the desk's idea of a row's version.
INFORMATIONAL = frozenset({"v", "version"})


@dataclass(frozen=True)
class Actor:
    """A worker from the server's register."""

    id: str
    name: str
    roles: frozenset[str]
    teams: tuple[str, ...]
    active: bool = True


@dataclass(frozen=True)
class Write:
    table: str
    id: str
    data: Row
    new: bool = False  # known not to be in the store (one statement instead of two)


@dataclass(frozen=True)
class Rejection:
    """Refused by a rule. `current` names rows whose server state the desk gets
    back (it returns to them); `writes` are what was done instead (a refused new
    client's phone numbers go to the existing client)."""

    reason: str
    detail: Row = field(default_factory=dict)
    current: tuple[tuple[str, str], ...] = ()
    writes: tuple[Write, ...] = ()
    code: int = 409


class Store(Protocol):
    """The server's store as the rules see it, inside one transaction. Whether it is
    a training store matters to one rule only (a training caller abandoning, which
    has no row of its own to carry a flag): ohjaaja.sync.server.push refuses a
    training flag on a client-data store before any rule runs."""

    training: bool

    def get(self, table: str, row_id: str) -> Row | None: ...

    def worker(self, worker_id: str) -> Actor | None: ...

    def claim_hetu(self, hetu: str, client_id: str) -> str:
        """Make client_id the holder of hetu unless someone holds it; the holder after."""
        ...

    def free_hetu(self, hetu: str, client_id: str) -> None: ...

    def client_alias(self, client_id: str) -> str | None: ...

    def add_client_alias(self, alias: str, client_id: str) -> None: ...


Outcome = list[Write] | Rejection
Parsed = dict[str, Any]


@dataclass(frozen=True)
class Definition:
    """One mutation: its name, the shape of its arguments, its rules, which argument
    fields name the acting worker, and the worker role it needs (if any)."""

    name: str
    parse: Callable[[Mapping[str, Any]], Parsed]
    apply: Callable[[Parsed, Store, Actor], Outcome]
    actor_fields: tuple[str, ...] = ()
    role: str | None = None
    row: str | None = None  # the table of the row args.id names (returned to when refused)
    training_role: str | None = None  # on a training store, this role will do for `role`


def arguments(args: Any, required: Iterable[str], optional: Iterable[str] = ()) -> None:
    """The top level of a mutation's arguments: required keys present, nothing unknown."""
    if not isinstance(args, Mapping):
        raise Invalid("args", "must be an object")
    required = tuple(required)
    known = set(required) | set(optional) | INFORMATIONAL
    for key in args:
        if key not in known:
            raise Invalid(f"args.{key}", "unknown field")
    without_informational(args)
    for key in required:
        if args.get(key) in (None, ""):
            raise Invalid(f"args.{key}", "required")


def without_informational(args: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments without the informational keys, which must still be well formed."""
    for key in INFORMATIONAL:
        if key in args:
            integer(args[key], f"args.{key}", 1)
    return {k: v for k, v in args.items() if k not in INFORMATIONAL}


def an_id(args: Mapping[str, Any], key: str, field: str = "args") -> str:
    return identifier(args.get(key), f"{field}.{key}")


def row_of(table: str, data: Any, field: str, allowed: Iterable[str] | None = None) -> Row:
    """A whole row of `table` from a mutation's arguments (the outbox version key dropped)."""
    if isinstance(data, Mapping):
        data = without_informational(data)
    return normalise(table, data, field, allowed)


def dig(args: Mapping[str, Any], path: str) -> Any:
    """args['a']['b'] for 'a.b'; None where the path ends early."""
    value: Any = args
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def resolve_refs(
    table: str, row: Row, store: Store, field: str, own: Iterable[tuple[str, str]] = ()
) -> Row:
    """Every reference of the row checked against the store (and rows written by the
    same mutation); a client merged into another is followed to that client."""
    from ohjaaja.domain import reference

    own = set(own)
    resolved = dict(row)
    for column, target, value in references(table, row):
        where = f"{field}.{column}"
        if target == "municipality":
            if value not in reference.municipalities():
                raise Invalid(where, "not a municipality of the region")
        elif target == "worker":
            if store.worker(value) is None:
                raise Invalid(where, "not a worker in the server's register")
        elif (target, value) in own:
            continue
        elif target == "client":
            resolved[column] = existing_client(store, value, where)
        elif store.get(target, value) is None:
            raise Invalid(where, f"no such {target}")
    return resolved


def existing_client(store: Store, client_id: str, field: str) -> str:
    """The client's id, or the id it was merged into; Invalid when neither exists."""
    if store.get("client", client_id) is not None:
        return client_id
    merged = store.client_alias(client_id)
    if merged is not None:
        return merged
    raise Invalid(field, "no such client")


def bump(current: Row, changes: Mapping[str, Any]) -> Row:
    return {**current, **changes, "version": int(current["version"]) + 1}


def insert_once(table: str, row: Row, store: Store) -> Outcome:
    """Append-only and create-once rows: a new id is written, the same row again is
    nothing new (a resend, perhaps after the row has changed), and a different row
    under an existing id is refused."""
    existing = store.get(table, row["id"])
    if existing is None:
        return [Write(table, row["id"], row, new=True)]
    same = CREATED_WITH.get(table)
    if existing == row or (same and all(existing.get(k) == row[k] for k in same)):
        return []
    return Rejection("exists", {"table": table, "id": row["id"]}, current=((table, row["id"]),))
