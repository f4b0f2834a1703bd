"""The shared server: an ASGI app (FastAPI on uvicorn) over db.server_store.

Endpoints: intake of new contacts from integrations, push of a desk's outbox,
pull of changes since a cursor. Every call needs a bearer token; every write is
authorised by the token's role.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from db.ids import new_id
from db.server_store import Store, Writer
from ohjaaja import mutations
from ohjaaja.clock import Clock, SystemClock, to_iso
from ohjaaja.queue import default_priority, route_line
from ohjaaja.reference import lines, municipalities

MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_BATCH = 1000
SCHEMA_VERSION = 1
KEEPALIVE_SECONDS = 15.0


class Principal(BaseModel):
    name: str
    role: str


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["phone", "callback", "chat", "email", "walk_in", "eform"]
    line: Literal["lapsiperheet", "tyoikaiset", "ikaihmiset", "mipa", "sosiaalipaivystys"]
    municipality_code: str = Field(pattern=r"^\d{3}$")
    phone: str | None = Field(default=None, max_length=40)
    language: Literal["fi", "sv", "en"] = "fi"


class ContactOut(BaseModel):
    id: str
    channel: str
    line: str
    original_line: str | None
    municipality_code: str
    language: str
    phone: str | None
    priority: int
    received_at: str


class MutationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seq: int = Field(ge=1, le=2**63 - 1, description="gapless per desk, from 1")
    mutation_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=64)
    args: dict[str, Any]


class PushIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    desk_id: str = Field(min_length=1, max_length=200)
    schema_version: int = Field(ge=0, le=2**31)
    training: bool = Field(default=False, description="pushed by a training desk")
    mutations: list[MutationIn] = Field(max_length=MAX_BATCH)


class MutationResult(BaseModel):
    seq: int
    mutation_id: str
    status: Literal["applied", "rejected"]
    result: dict[str, Any]


class PushOut(BaseModel):
    epoch: str
    results: list[MutationResult]
    last_seq: int
    gap_at: int | None = None


class Change(BaseModel):
    seq: int
    table: str
    id: str
    version: int
    data: dict[str, Any]


class ChangesOut(BaseModel):
    epoch: str
    head: int
    changes: list[Change]
    next_cursor: int


class Health(BaseModel):
    epoch: str
    head: int


def principal(request: Request) -> Principal:
    """The token's owner; 401 without a live bearer token."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret:
        raise HTTPException(401, "a bearer token is required")
    found = request.app.state.store.authenticate(secret.strip())
    if found is None:
        raise HTTPException(401, "unknown or revoked token")
    return Principal(name=found[0], role=found[1])


Auth = Annotated[Principal, Depends(principal)]


class HeadWatch:
    """One watcher per server process: it reads the store's head every
    POLL_SECONDS and wakes every live stream when it moves. Reading the counter
    row sees commits from every server process on the same store, SQLite or
    PostgreSQL, at one cheap query per process (not per desk)."""

    POLL_SECONDS = 0.1

    def __init__(self, store: Store) -> None:
        self.store = store
        self.head = store.head()
        self.changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            head = await asyncio.to_thread(self.store.head)
            if head != self.head:
                self.head = head
                async with self.changed:
                    self.changed.notify_all()
            await asyncio.sleep(self.POLL_SECONDS)

    async def wait_past(self, seen: int, timeout: float) -> int:
        async with self.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait_for(lambda: self.head != seen), timeout)
        return self.head


def create_app(store: Store, clock: Clock | None = None, fault: str | None = None) -> FastAPI:
    """`fault` (tests only, from OHJAAJA_FAULT): 'push-before-commit' or
    'push-after-commit' kills the process at that point of the first push."""
    clock = clock or SystemClock()
    app = FastAPI(title="ohjaaja server", version="1")
    app.state.store = store
    watch = HeadWatch(store)

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Any:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return JSONResponse({"detail": "body too large"}, status_code=413)
        return await call_next(request)

    @app.get("/v1/events")
    async def events(who: Auth, request: Request) -> StreamingResponse:
        """Server-sent events: `head` whenever the store's head moves, and a
        comment every KEEPALIVE seconds so proxies keep the stream open."""
        if who.role not in ("desk", "worker", "admin"):
            raise HTTPException(403, "this token may not follow changes")
        watch.start()

        async def stream() -> AsyncIterator[str]:
            seen = -1
            while not await request.is_disconnected():
                head = await watch.wait_past(seen, KEEPALIVE_SECONDS)
                if head != seen:
                    seen = head
                    yield f"event: head\ndata: {head}\n\n"
                else:
                    yield ": keepalive\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    @app.get("/v1/whoami", response_model=Principal)
    def whoami(who: Auth) -> Principal:
        return who

    @app.get("/v1/health", response_model=Health)
    def health() -> Health:
        return Health(epoch=store.epoch, head=store.head())

    @app.post("/v1/contacts", status_code=201, response_model=ContactOut)
    def intake(body: ContactIn, who: Auth) -> ContactOut:
        if who.role not in ("integration", "admin"):
            raise HTTPException(403, "only integration tokens may post contacts")
        if body.municipality_code not in municipalities():
            raise HTTPException(422, "municipality_code: not a municipality of the region")
        phone = None
        if body.phone:
            from ohjaaja.phones import PhoneError, normalise_phone

            try:
                phone = normalise_phone(body.phone)
            except PhoneError as exc:
                raise HTTPException(422, f"phone: {exc}") from exc
        now = clock.now()
        hours = {code: line.hours for code, line in lines().items()}
        routed = route_line(body.line, now, hours)
        row = {
            "id": new_id(),
            "channel": body.channel,
            "line_code": routed,
            "original_line_code": body.line if routed != body.line else None,
            "municipality_code": body.municipality_code,
            "language": body.language,
            "caller_phone": phone,
            "priority": default_priority(body.channel, routed),
            "status": "waiting",
            "via_queue": 1,
            "received_at": to_iso(now),
            "created_at": to_iso(now),
            "updated_at": to_iso(now),
        }

        def write(writer: Writer) -> None:
            writer.put("contact", row["id"], {**row, "version": 1})

        store.transaction(write)
        return ContactOut(
            id=row["id"],
            channel=body.channel,
            line=routed,
            original_line=row["original_line_code"],
            municipality_code=body.municipality_code,
            language=body.language,
            phone=phone,
            priority=row["priority"],
            received_at=row["received_at"],
        )

    @app.post("/v1/push", response_model=PushOut)
    def push(body: PushIn, who: Auth) -> PushOut:
        if who.role not in ("desk", "admin"):
            raise HTTPException(403, "only desk tokens may push")
        if who.role == "desk" and body.desk_id != who.name:
            raise HTTPException(403, "desk_id: this token belongs to another desk")
        if body.training != store.training or (
            not store.training and any(m.args.get("is_training") for m in body.mutations)
        ):
            raise HTTPException(403, "training: training data and client data never share a store")
        if body.schema_version != SCHEMA_VERSION:
            raise HTTPException(409, f"schema_version: the server speaks {SCHEMA_VERSION}")
        try:
            results, last, gap = store.transaction(
                lambda w: _die_if(fault, "push-before-commit", apply_batch(w, body))
            )
            _die_if(fault, "push-after-commit", None)
        except BadBatch as exc:
            raise HTTPException(422, str(exc)) from exc
        return PushOut(epoch=store.epoch, results=results, last_seq=last, gap_at=gap)

    @app.get("/v1/changes", response_model=ChangesOut)
    def changes(
        who: Auth,
        cursor: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> ChangesOut:
        if who.role not in ("desk", "worker", "admin"):
            raise HTTPException(403, "this token may not read changes")
        rows = store.changes(cursor, limit)
        head = store.head()
        next_cursor = rows[-1]["seq"] if rows else max(cursor, 0)
        return ChangesOut(
            epoch=store.epoch,
            head=head,
            changes=[Change(**r) for r in rows],
            next_cursor=next_cursor,
        )

    return app


def _die_if(fault: str | None, point: str, value: Any) -> Any:
    """Fault injection for the sync tests: die like a power cut, no cleanup."""
    if fault == point:
        os._exit(9)
    return value


class BadBatch(ValueError):
    """A malformed mutation: the whole batch is refused and nothing is stored."""


def apply_batch(writer: Writer, body: PushIn) -> tuple[list[MutationResult], int, int | None]:
    """Apply in order: skip what was seen (its stored result again), stop at a gap.

    A mutation the rules refuse (a lost claim) is recorded as rejected; a
    malformed one (unknown name, missing field) raises BadBatch, which rolls the
    whole transaction back. Handlers decide before they write, so a refused
    mutation has written nothing.
    """
    last = writer.last_seq(body.desk_id)
    results: list[MutationResult] = []
    gap = None
    for item in sorted(body.mutations, key=lambda m: m.seq):
        if item.seq <= last:
            seen = writer.logged(body.desk_id, item.seq)
            if seen is not None:
                results.append(MutationResult(seq=item.seq, **seen))
            continue
        if item.seq != last + 1:
            gap = last + 1
            break
        status, result = _apply_one(writer, item)
        writer.log(body.desk_id, item.seq, item.mutation_id, item.name, status, result)
        results.append(
            MutationResult(seq=item.seq, mutation_id=item.mutation_id, status=status, result=result)
        )
        last = item.seq
    writer.set_last_seq(body.desk_id, last)
    return results, last, gap


def _apply_one(
    writer: Writer, item: MutationIn
) -> tuple[Literal["applied", "rejected"], dict[str, Any]]:
    try:
        outcome = mutations.apply(item.name, item.args, writer.get)
    except mutations.BadArguments as exc:
        raise BadBatch(f"mutations[seq={item.seq}].{exc}") from exc
    if isinstance(outcome, mutations.Rejection):
        return "rejected", {"reason": outcome.reason, **outcome.detail}
    for write in outcome:
        writer.put(write.table, write.id, write.data)
    return "applied", {"rows": [[w.table, w.id] for w in outcome]}
