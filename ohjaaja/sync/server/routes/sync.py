"""A desk's push and pull, and its giving back of signed rows after a restore."""

from __future__ import annotations

import os
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from ohjaaja.db.server.store import Writer
from ohjaaja.domain.clock import to_iso
from ohjaaja.sync import protocol
from ohjaaja.sync.rows import TABLES
from ohjaaja.sync.server.auth import Desk, Reader, StoreDep
from ohjaaja.sync.server.fanout import read_page
from ohjaaja.sync.server.models import ChangesOut, PushIn, PushOut, RestoreIn, RestoreOut
from ohjaaja.sync.server.push import SeqReused, TooManyIncarnations, apply_batch
from ohjaaja.sync.server.scoping import disclosures

router = APIRouter()


@router.post("/v1/push", response_model=PushOut, responses={409: {}, 403: {}})
def push(body: PushIn, who: Desk, store: StoreDep, request: Request) -> PushOut:
    if who.role == "desk" and body.desk_id != who.name:
        raise HTTPException(403, "desk_id: this token belongs to another desk")
    if body.training != store.training:
        raise HTTPException(403, "training: training data and client data never share a store")
    if body.schema_version != protocol.SCHEMA_VERSION:
        raise HTTPException(
            409, f"schema_version: the server speaks {protocol.SCHEMA_VERSION}; upgrade the desk"
        )
    fault = request.app.state.fault
    length = request.headers.get("content-length", "")
    size = int(length) if length.isdigit() else protocol.BODY_MAX_BYTES
    try:
        now = to_iso(request.app.state.clock.now())
        results, last, gap = store.transaction(
            lambda w: _die_if(fault, "push-before-commit", apply_batch(w, body, who, size, now))
        )
    except SeqReused as exc:
        detail = {"reason": "seq_reused", "seq": exc.seq, "message": str(exc)}
        raise HTTPException(409, detail) from None
    except TooManyIncarnations as exc:
        raise HTTPException(409, {"reason": "incarnations", "message": str(exc)}) from None
    _die_if(fault, "push-after-commit", None)
    return PushOut(epoch=store.epoch, results=results, last_seq=last, gap_at=gap)


@router.get("/v1/changes", response_model=ChangesOut, response_model_exclude_defaults=True)
def changes(
    who: Reader,
    store: StoreDep,
    request: Request,
    cursor: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> ChangesOut:
    """Rows in the token's reach changed after the cursor (the cursor to ask from next
    passes rows out of reach too), each row of client data put on its client's
    trail as disclosed to this token."""
    found = read_page(store, who, cursor, limit)
    if found.names is not None:  # client data: on its clients' trails
        now = to_iso(request.app.state.clock.now())
        store.record(disclosures(who, found.names, found.rows, now))
    return found.answer


@router.post("/v1/restore", response_model=RestoreOut)
def restore(body: RestoreIn, who: Desk, store: StoreDep) -> RestoreOut:
    """Rows a desk holds that a restored store may lack: each is taken only if this
    store signed it in the epoch before this one, after the backup, and the row
    here has not changed since (db.server.store.Writer.restore)."""

    def write(writer: Writer) -> RestoreOut:
        refused = [
            (row.table, row.id)
            for row in body.rows
            if row.table not in TABLES or not writer.restore(row.model_dump())
        ]
        return RestoreOut(restored=len(body.rows) - len(refused), refused=refused)

    result: RestoreOut = store.transaction(write)
    return result


def _die_if(fault: str | None, point: str, value: Any) -> Any:
    """Fault injection for the sync tests: die like a power cut, no cleanup."""
    if fault == point:
        os._exit(9)
    return value
