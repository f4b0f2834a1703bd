"""Server-sent events: `head` whenever the store's head moves, a comment every
KEEPALIVE seconds so proxies keep the stream open. A token revoked while its
stream is open ends the stream at the watcher's next tick.

With `?cursor=N` the stream also carries the changes (`event: changes`, the page
a pull from the stream's cursor would answer, with a `cursor` field saying where
it starts) before each `head`, and moves its cursor on: a desk caught up at the
head asks for nothing (ohjaaja.sync.server.fanout). A token whose reach or
workers change ends such a stream: its desk starts again with a pull."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from ohjaaja.sync.server.auth import Reader, StoreDep
from ohjaaja.sync.server.fanout import FanOut

KEEPALIVE_SECONDS = 15.0
router = APIRouter()


@router.get("/v1/events")
async def events(
    who: Reader,
    store: StoreDep,
    request: Request,
    cursor: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
) -> StreamingResponse:
    watch = request.app.state.watch
    fanout: FanOut = request.app.state.fanout
    await watch.start()
    secret = request.headers["authorization"].partition(" ")[2].strip()

    async def stream() -> AsyncIterator[str]:
        head, tokens, at = -1, watch.tokens, cursor
        while not await request.is_disconnected():
            now_head, now_tokens = await watch.wait((head, tokens), KEEPALIVE_SECONDS)
            if now_tokens != tokens:
                tokens = now_tokens
                now_who = await asyncio.to_thread(store.authenticate, secret)
                if now_who is None:
                    yield "event: revoked\ndata: the token was revoked\n\n"
                    return
                if at is not None and now_who != who:
                    return  # pages for the old reach: the desk pulls afresh
            if now_head != head:
                head = now_head
                target = head
                while at is not None and at < target:
                    sent = await fanout.page(who, at, head)
                    await fanout.disclose(who, sent)
                    yield sent.text
                    if sent.next_cursor <= at:
                        break
                    at, target = sent.next_cursor, max(target, sent.head)
                yield f"event: head\ndata: {head}\n\n"
            elif now_tokens == tokens:
                yield ": keepalive\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream")
