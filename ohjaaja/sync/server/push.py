"""A desk's batch of mutations, applied in one transaction under the rules.

Each mutation is answered on its own and recorded with its answer, so a bad one
never blocks those after it:
- applied: its rows were written (`rows`: table, id, sequence number);
- rejected: a rule refused it (`reason`, and `code` as HTTP would say it: 409 a
  lost race, 403 not this worker's to do, 404 unknown, 422 malformed with
  `field` and `message`, 413 too large). `current` carries the server's rows the
  desk should return to.

A desk's mutations are numbered without gaps per incarnation of its database.
One already answered (by mutation id) is answered alike; a gap stops the batch
(`gap_at`); a number the incarnation already used for another mutation means the
desk's numbering started again (a restored or re-created file): SeqReused, and
the desk registers a new incarnation.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Literal

from ohjaaja.db.server.store import TokenInfo, Writer
from ohjaaja.sync import mutations, protocol
from ohjaaja.sync.mutations import Actor, Rejection
from ohjaaja.sync.rows import TABLES, Invalid, check_values, training_flag
from ohjaaja.sync.scope import redact
from ohjaaja.sync.server.models import MutationIn, MutationResult, PushIn
from ohjaaja.sync.server.scoping import disclosures, reach_of, sees, unseen_refs

Status = Literal["applied", "rejected"]


class SeqReused(Exception):
    def __init__(self, seq: int) -> None:
        super().__init__(
            f"seq {seq} was already used by another mutation of this desk: its numbering "
            "started again (a restored or re-created database); register a new incarnation"
        )
        self.seq = seq


MAX_INCARNATIONS = 100


class TooManyIncarnations(Exception):
    def __init__(self, desk: str) -> None:
        super().__init__(
            f"desk {desk} has started its numbering again {MAX_INCARNATIONS} times: an admin "
            "should look at its database (and give it a token of its own)"
        )


class OutOfReach(Exception):
    """A mutation touched a row of client data outside the token's reach."""


class RulesStore:
    """The store as ohjaaja.sync.mutations sees it, over one transaction's Writer: a
    row of client data outside the token's reach (and not made by its desk) is not
    there for it, whatever the mutation (a desk cannot act on what it may not see)."""

    def __init__(self, writer: Writer, who: TokenInfo | None = None) -> None:
        self.writer = writer
        self.training = writer.training
        self.who = who
        self.reach = reach_of(who) if who is not None else None
        self.claim_hetu = writer.claim_hetu
        self.free_hetu = writer.free_hetu
        self.client_alias = writer.client_alias
        self.add_client_alias = writer.add_client_alias

    def get(self, table: str, row_id: str) -> dict[str, Any] | None:
        found = self.writer.get(table, row_id)
        if found is not None and self.reach is not None and not self.reach.regional:
            scope = self.writer.scope_of(table, row_id)
            if (
                scope is not None
                and scope.kind == "client"
                and not sees(self.reach, scope)
                and (self.who is None or scope.origin != self.who.name)
            ):
                raise OutOfReach(table, row_id)
        return found

    def worker(self, worker_id: str) -> Actor | None:
        record = self.writer.worker(worker_id)
        if record is None:
            return None
        return Actor(record.id, record.name, frozenset(record.roles), record.teams, record.active)


def apply_batch(
    writer: Writer,
    body: PushIn,
    who: TokenInfo,
    body_size: int = protocol.BODY_MAX_BYTES,
    at: str = "",
) -> tuple[list[MutationResult], int, int | None]:
    """`body_size`: the request's bytes (unknown for a chunked body: the limit); `at`:
    the server's time, for the clients' trails."""
    desk, incarnation = body.desk_id, body.incarnation
    items = sorted(body.mutations, key=lambda m: m.seq)
    last = writer.last_seq(desk, incarnation)
    if last is None:  # a new incarnation counts on from its first mutation
        if items and writer.incarnations(desk) >= MAX_INCARNATIONS:
            raise TooManyIncarnations(desk)
        last = items[0].seq - 1 if items else 0
    answered = writer.pushed(desk, [item.mutation_id for item in items])
    for item in items:
        if item.seq <= last and item.mutation_id not in answered:
            raise SeqReused(item.seq)
    store = RulesStore(writer, who)
    # Every row the batch names, read at once (the rules then find them in the Writer).
    writer.prefetch(TABLES, (i for item in items for i in _ids_in(item.args)))
    results: list[MutationResult] = []
    gap = None
    for item in items:
        seen = answered.get(item.mutation_id)
        if seen is None:
            if item.seq != last + 1:
                gap = last + 1
                break
            actor = writer.worker(item.worker_id) if item.worker_id else None
            writer.context = {"at": at, "desk": who.name, "role": who.role, "action": item.name,
                              "worker": actor.name if actor else item.worker_id}  # fmt: skip
            status, result = _answer(item, store, who, desk, body_size)
            writer.context = None
            result = {**result, "sig": writer.sign_answer(desk, item, status, result)}
            entry = {"mutation_id": item.mutation_id, "name": item.name,
                     "worker_id": item.worker_id, "status": status, "result": result}  # fmt: skip
            writer.log(desk, incarnation, item.seq, entry)
            seen = {"status": status, "result": result}
        if item.seq == last + 1:
            last = item.seq
        results.append(
            MutationResult(
                seq=item.seq,
                mutation_id=item.mutation_id,
                status=seen["status"],
                result=_with_current(writer, seen["result"], who, at),
            )
        )
    if items:  # asking where the numbering stands (an empty push) registers nothing
        writer.set_last_seq(desk, incarnation, last)
    return results, last, gap


def _ids_in(value: Any) -> Iterator[str]:
    """The ids a mutation's arguments name (`id` and `..._id` keys, at any depth);
    not yet checked, so only those a store can be asked for (printable: no NUL, no
    unpaired surrogate; the rules refuse the others by name)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, str):
                if (
                    (key == "id" or key.endswith("_id"))
                    and len(inner) <= 200
                    and inner.isprintable()
                ):
                    yield inner
            else:
                yield from _ids_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _ids_in(inner)


def _answer(
    item: MutationIn, store: RulesStore, who: TokenInfo, desk: str, body_size: int
) -> tuple[Status, dict[str, Any]]:
    """Apply one mutation; what to record as its answer."""
    size = item.oversize or (
        len(json.dumps(item.args, ensure_ascii=False).encode("utf-8", "replace"))
        if body_size > protocol.MUTATION_MAX_BYTES  # else no mutation in it can be
        else 0
    )
    if size > protocol.MUTATION_MAX_BYTES:
        why = f"{size:,} bytes; a mutation may be at most {protocol.MUTATION_MAX_BYTES:,}"
        return "rejected", {"reason": "too_large", "code": 413, "message": why}
    if item.replay is not None:
        replay = _verified_replay(item, store, desk)
        if replay is not None:
            _merge_again(item, store)
            return replay
        # Not an answer this server gave: the mutation is applied as any other.
    try:
        check_values(item.args, "args")
        flagged = None if store.training else training_flag(item.args, "args")
        if flagged:
            raise Invalid(flagged, "training data never enters a client-data store")
        definition = mutations.definition(item.name)
        parsed = definition.parse(item.args)
        actor = _acting(item, definition, store, who)
        if isinstance(actor, Rejection):
            if definition.row and store.get(definition.row, parsed.get("id", "")) is not None:
                # The desk made the change locally before asking: it returns to this row.
                actor = replace(actor, current=((definition.row, parsed["id"]),))
            return _rejected(actor, store)
        outcome = definition.apply(parsed, store, actor)
    except Invalid as exc:
        return "rejected", {"reason": "invalid", "code": 422, "field": exc.field,
                            "message": exc.message}  # fmt: skip
    except OutOfReach as exc:  # answered as a row that is not there, naming nothing of it
        return "rejected", {"reason": "unknown", "code": 404, "id": exc.args[1]}
    if isinstance(outcome, Rejection):
        holder = outcome.detail.get("existing")
        if isinstance(holder, str) and outcome.reason == "hetu_taken":
            # Whoever tries a code someone holds learns that it is held: on the holder's
            # trail, so guessing codes shows in the access log.
            worker = str((store.writer.context or {}).get("worker") or "")
            store.writer.trail(holder, "identity_check", item.name, [worker],
                               {"refused": outcome.detail.get("id")})  # fmt: skip
        if isinstance(holder, str) and _hidden(store, "client", holder):
            # A code held by a client outside this desk's reach: said, but not whose.
            outcome = replace(outcome, detail={k: v for k, v in outcome.detail.items()
                                               if k != "existing"})  # fmt: skip
        return _rejected(outcome, store)
    rows = [[w.table, w.id, store.writer.put(w.table, w.id, w.data, w.new)] for w in outcome]
    return "applied", {"rows": rows}


def _hidden(store: RulesStore, table: str, row_id: str) -> bool:
    try:
        store.get(table, row_id)
    except OutOfReach:
        return True
    return False


def _verified_replay(
    item: MutationIn, store: RulesStore, desk: str
) -> tuple[Status, dict[str, Any]] | None:
    """The answer a desk sends back after a restore, if this server signed it for this
    very mutation; None for anything else (a desk cannot write the log)."""
    assert item.replay is not None
    result = {k: v for k, v in item.replay.result.items() if k != "sig"}
    status = item.replay.status
    sig = item.replay.result.get("sig")
    expected = store.writer.sign_answer(desk, item, status, result)
    if not isinstance(sig, str) or not hmac.compare_digest(sig, expected):
        return None
    return status, result


def _merge_again(item: MutationIn, store: RulesStore) -> None:
    """A registration once merged into another client (its code was taken) is merged
    again after a restore that lost the merge, so what points at it still lands there."""
    assert item.replay is not None
    result = item.replay.result
    client = item.args.get("client")
    if (
        item.name == "client.create"
        and result.get("reason") == "hetu_taken"
        and isinstance(client, dict)
        and isinstance(client.get("id"), str)
        and isinstance(result.get("existing"), str)
        and store.get("client", client["id"]) is None
        and store.get("client", result["existing"]) is not None
    ):
        store.add_client_alias(client["id"], result["existing"])


def _acting(
    item: MutationIn, definition: mutations.Definition, store: RulesStore, who: TokenInfo
) -> Actor | Rejection:
    """The acting worker, if this token may act for them and the mutation names no
    one else in their place; else why not (403)."""
    if not item.worker_id:
        raise Invalid("worker_id", "required: the worker who acted")
    actor = store.worker(item.worker_id)
    if actor is None or not actor.active:
        return Rejection("unknown_worker", {"worker_id": item.worker_id}, code=403)
    if who.role != "admin" and item.worker_id not in who.workers:
        return Rejection("not_your_worker", {"worker_id": item.worker_id}, code=403)
    if definition.role and definition.role not in actor.roles:
        stand_in = definition.training_role if store.training else None
        if stand_in is None or stand_in not in actor.roles:
            return Rejection("role", {"needs": definition.role}, code=403)
    for path, value in mutations.acting_fields(item.name, item.args).items():
        if value is not None and value != actor.id:
            return Rejection("acts_for_another", {"field": f"args.{path}"}, code=403)
    return actor


def _rejected(rejection: Rejection, store: RulesStore) -> tuple[Status, dict[str, Any]]:
    for write in rejection.writes:  # what was done instead
        store.writer.put(write.table, write.id, write.data)
    result: dict[str, Any] = {"reason": rejection.reason, "code": rejection.code,
                              **rejection.detail}  # fmt: skip
    if rejection.current:
        result["current_rows"] = [list(key) for key in rejection.current]
    return "rejected", result


def _with_current(
    writer: Writer, result: dict[str, Any], who: TokenInfo, at: str
) -> dict[str, Any]:
    """A rejection's rows as the store has them now (not as they were when it was
    first answered), for the desk to return to: only those in the token's reach
    (a refused registration must not show a desk a client outside it), put on
    their clients' trails as disclosed."""
    keys = result.get("current_rows")
    if not keys:
        return result
    reach = reach_of(who)
    current = []
    for key in keys:
        if not (isinstance(key, list) and len(key) == 2 and all(isinstance(k, str) for k in key)):
            continue
        scope = writer.scope_of(key[0], key[1])
        row = writer.change(key[0], key[1])
        if row is None or scope is None or not sees(reach, scope):
            continue
        data = unseen_refs(scope.blind, reach, redact(key[0], row["data"], reach))
        current.append({**row, "data": data, "subject": scope.subject})
    if current:
        writer.context = {"at": at, "desk": who.name, "role": who.role}
        names = {w: record.name for w in who.workers if (record := writer.worker(w))}
        for entry in disclosures(who, names, current, at, "answer"):
            writer.trail(entry["client_id"], "disclosure", "answer", json.loads(entry["workers"]),
                         entry["detail"])  # fmt: skip
        writer.context = None
    shown = {k: v for k, v in result.items() if k != "current_rows"}
    if current:
        shown["current_rows"] = [[row["table"], row["id"]] for row in current]
        shown["current"] = [{k: v for k, v in row.items() if k != "subject"} for row in current]
    return shown
