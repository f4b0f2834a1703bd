"""The rules of scope on the server: what a row's scope is when it is written, what
a token's reach lets it be sent, and the record of every row of client data sent
(the disclosure log, on each client's trail)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ohjaaja.db.server.store import Exit, RowScope, Store, TokenInfo, Writer
from ohjaaja.sync.scope import (
    AUDIT,
    CLIENT_DATA,
    Reach,
    Scope,
    anchored,
    covers,
    decode,
    encode,
    redact,
    references,
    subject,
)

Row = dict[str, Any]


def scope_row(writer: Writer, table: str, row_id: str, data: Row) -> RowScope:
    """A row's scope from its anchor (ohjaaja.sync.scope); the references a reach
    that sees the row may not follow, to be left empty when it is sent there."""
    if table in AUDIT:
        client = data.get("client_id")
        return RowScope("audit", subject=client if isinstance(client, str) else None)
    if table not in CLIENT_DATA:
        return RowScope()

    def scope_of(target: str, target_id: str) -> Scope | None:
        found = writer.scope_of(target, target_id)  # read once a transaction
        return None if found is None else _scope(found)

    scope, anchor = anchored(table, data, scope_of)
    found: list[tuple[str, str]] = []
    subjects: list[str | None] = []
    blind: list[list[Any]] = []
    for column, target in references(table).items():
        value = data.get(column)
        parent = writer.scope_of(target, value) if isinstance(value, str) else None
        if parent is None:
            continue
        found.append((target, str(value)))
        subjects.append(parent.subject)
        if column != anchor and not covers(_scope(parent), scope):
            blind.append([column, parent.munis, parent.lines])
    return RowScope(
        "client", encode(scope.munis), encode(scope.lines), subject(table, data, subjects),
        tuple(found), json.dumps(blind) if blind else None,
    )  # fmt: skip


def _scope(stored: RowScope) -> Scope:
    return Scope(decode(stored.munis), decode(stored.lines))


def reach_of(who: TokenInfo) -> Reach:
    return Reach(decode(who.munis), decode(who.lines), who.identity_codes)


def sees(reach: Reach, scope: RowScope) -> bool:
    if scope.kind == "shared":
        return True
    return scope.kind == "client" and reach.sees(_scope(scope))


def served(reach: Reach, rows: list[Row], exits: list[Exit]) -> list[Row]:
    """A page as this reach receives it: its rows (identity codes only if the reach
    has them) and, in sequence order among them, the removal of each row that
    left this reach's scope and is not back in it."""
    page = [{**row, "data": unseen_refs(row.get("blind_refs"), reach,
                                        redact(row["table"], row["data"], reach))}
            for row in rows]  # fmt: skip
    for gone in exits:
        left = Scope(decode(gone.munis), decode(gone.lines))
        if reach.sees(left) and (gone.now is None or not sees(reach, gone.now)):
            page.append({"seq": gone.seq, "table": gone.table, "id": gone.id, "removed": True})
    page.sort(key=lambda change: change["seq"])
    return page


def unseen_refs(blind_refs: str | None, reach: Reach, data: Row) -> Row:
    """References to rows this reach may not hold, left empty."""
    if not blind_refs:
        return data
    hidden = {
        column
        for column, munis, lines in json.loads(blind_refs)
        if not reach.sees(Scope(decode(munis), decode(lines)))
    }
    return {k: (None if k in hidden else v) for k, v in data.items()} if hidden else data


def disclosures(who: TokenInfo, names: dict[str, str], rows: Iterable[Row], at: str,
                action: str = "pull") -> list[Row]:  # fmt: skip
    """One trail entry per client whose data a page carried: which token (and the
    workers it acts for, in which role) received which of the client's rows."""
    by_client: dict[str, list[list[Any]]] = defaultdict(list)
    for row in rows:
        client = row.get("subject")
        if client and row["table"] in CLIENT_DATA and not row.get("removed"):
            by_client[client].append([row["table"], row["id"], row["version"]])
    workers = sorted(names.get(w, w) for w in who.workers)
    return [
        {"at": at, "client_id": client, "event": "disclosure", "action": action,
         "desk": who.name, "workers": json.dumps(workers), "role": who.role,
         "detail": {"rows": sent, "identity_codes": who.identity_codes}}
        for client, sent in by_client.items()
    ]  # fmt: skip


def worker_names(store: Store) -> dict[str, str]:
    return {w.id: w.name for w in store.workers()}
