"""Which desk may hold which row: the scope of a synced row and the reach of a token.

Client data goes only where it must (Client Data Act 703/2023). A token reaches
the municipalities and lines it serves (a regional desk: all of them) and may or
may not receive identity codes. A row of client data has a scope, the
municipalities and lines it concerns, taken from one anchor:

- a client: its municipality (none known: every municipality);
- a contact: its client's municipality once identified, else its own; its line
  (and the line it came in on);
- a notification, a handover: its client's scope; else its own municipality (a
  notification's) or its contact's;
- a phone, a relative, an event, an offer: the scope of the row it belongs to.

So a client's whole record goes where the client belongs, and a row never ends up
sent to nobody. A row that refers to a row of client data outside a desk's reach
(a handover about a Turku client made from a call taken in Kaarina) is sent to
that desk with the reference left empty (`blind_refs`): no desk is sent a row it
cannot store, nor a reference to one it may not hold.

The catalogue, the worker register and shift handovers are shared by every desk.
Audit rows go up and are read on the server (the access log); no desk pulls them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ohjaaja.sync.rows import TABLES

CLIENT_DATA = frozenset(
    {"client", "client_phone", "relative", "contact", "contact_event", "offer", "notification",
     "handover", "handover_event"}
)  # fmt: skip
AUDIT = frozenset({"audit"})
# Columns only a reach with identity codes receives.
IDENTITY_COLUMNS: dict[str, tuple[str, ...]] = {"client": ("hetu",)}


@dataclass(frozen=True)
class Scope:
    """munis / lines: the codes a row concerns; None for all of them."""

    munis: frozenset[str] | None = None
    lines: frozenset[str] | None = None

    def __and__(self, other: Scope) -> Scope:
        return Scope(_meet(self.munis, other.munis), _meet(self.lines, other.lines))


@dataclass(frozen=True)
class Reach:
    """What a token serves: municipalities and lines (None: all), identity codes."""

    munis: frozenset[str] | None = None
    lines: frozenset[str] | None = None
    identity_codes: bool = True

    def sees(self, scope: Scope) -> bool:
        return _overlaps(self.munis, scope.munis) and _overlaps(self.lines, scope.lines)

    @property
    def regional(self) -> bool:
        return self.munis is None and self.lines is None

    def describe(self) -> str:
        """For token lists and a desk's record of what it was sent under."""
        munis = ",".join(sorted(self.munis)) if self.munis is not None else "*"
        lines = ",".join(sorted(self.lines)) if self.lines is not None else "*"
        codes = "" if self.identity_codes else " no-identity-codes"
        return f"municipalities={munis} lines={lines}{codes}"


def _meet(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _overlaps(reach: frozenset[str] | None, scope: frozenset[str] | None) -> bool:
    return reach is None or scope is None or bool(reach & scope)


def own_scope(table: str, row: Mapping[str, Any]) -> Scope:
    """What the row's own columns say."""
    munis = _codes(row.get("municipality_code")) if table in _BY_MUNICIPALITY else None
    lines = (
        _codes(row.get("line_code"), row.get("original_line_code")) if table == "contact" else None
    )
    return Scope(munis, lines)


_BY_MUNICIPALITY = frozenset({"client", "contact", "notification"})
# Where a row's scope comes from, in order: the first of these columns that points
# at a stored row; 'own' for the row's own columns. A contact keeps its own line
# whatever its client.
ANCHORS: dict[str, tuple[str, ...]] = {
    "client": ("own",),
    "contact": ("client_id", "own"),
    "notification": ("client_id", "own", "contact_id"),
    "handover": ("client_id", "contact_id", "own"),
    "client_phone": ("client_id",),
    "relative": ("client_id",),
    "contact_event": ("contact_id",),
    "offer": ("contact_id",),
    "handover_event": ("handover_id",),
}


def anchored(table: str, row: Mapping[str, Any], scope_of: Any) -> tuple[Scope, str | None]:
    """A row's scope and the column it came from ('own', or a reference). `scope_of`
    gives a referenced row's Scope, or None if it is not stored."""
    own = own_scope(table, row)
    for source in ANCHORS[table]:
        if source == "own":
            if own.munis is not None:
                return own, "own"
            continue
        target = _REFS[table].get(source)
        value = row.get(source)
        if target and isinstance(value, str):
            found = scope_of(target, value)
            if found is not None:
                lines = own.lines if table == "contact" else found.lines
                return Scope(found.munis, lines), source
    return own, "own"


def covers(wide: Scope, narrow: Scope) -> bool:
    """Every reach that sees `narrow` sees `wide` too."""
    return all(
        w is None or (n is not None and n <= w)
        for w, n in ((wide.munis, narrow.munis), (wide.lines, narrow.lines))
    )


def references(table: str) -> dict[str, str]:
    """column -> table of the row's references to rows of client data."""
    return _REFS.get(table, {})


# (column -> referenced table) of each reference to a row of client data.
_REFS: dict[str, dict[str, str]] = {
    table: {c.name: c.ref for c in TABLES[table] if c.ref in CLIENT_DATA} for table in CLIENT_DATA
}


def _codes(*values: Any) -> frozenset[str] | None:
    found = frozenset(v for v in values if isinstance(v, str) and v)
    return found or None


# (child table, column) of each row of client data that refers to a table's rows:
# what goes with a row that leaves a desk.
CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    table: tuple(
        (child, column.name)
        for child in sorted(CLIENT_DATA)
        for column in TABLES[child]
        if column.ref == table
    )
    for table in CLIENT_DATA
}


def subject(
    table: str, row: Mapping[str, Any], parent_subjects: Iterable[str | None]
) -> str | None:
    """The client a row of client data concerns (for the access log), if any."""
    if table == "client":
        return str(row["id"])
    if isinstance(row.get("client_id"), str):
        return str(row["client_id"])
    return next((s for s in parent_subjects if s), None)


def redact(table: str, data: dict[str, Any], reach: Reach) -> dict[str, Any]:
    """A row as this reach may receive it."""
    hidden = IDENTITY_COLUMNS.get(table, ())
    if reach.identity_codes or not hidden:
        return data
    return {k: (None if k in hidden else v) for k, v in data.items()}


# How a set of codes is kept in a store's column: '|091|853|' (so a reach can
# match it with LIKE '%|091|%'); NULL for all.
def encode(codes: frozenset[str] | None) -> str | None:
    if codes is None:
        return None
    return "|" + "|".join(sorted(codes)) + "|" if codes else "|"


def decode(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    return frozenset(part for part in text.split("|") if part)
