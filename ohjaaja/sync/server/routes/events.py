"""Server-sent events: `head` whenever the store's head moves, a comment every
KEEPALIVE seconds so proxies keep the stream open. A token revoked while its
stream is open ends the stream at the watcher's next tick."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from ohjaaja.sync.server.auth import Reader, StoreDep

KEEPALIVE_SECONDS = 15.0
router = APIRouter()


@router.get("/v1/events")
async def events(who: Reader, store: StoreDep, request: Request) -> StreamingResponse:
    watch = request.app.state.watch
    watch.start()
    secret = request.headers["authorization"].partition(" ")[2].strip()

    async def stream() -> AsyncIterator[str]:
        head, tokens = -1, watch.tokens
        while not await request.is_disconnected():
            now_head, now_tokens = await watch.wait((head, tokens), KEEPALIVE_SECONDS)
            if now_tokens != tokens:
                tokens = now_tokens
                if await asyncio.to_thread(store.authenticate, secret) is None:
                    yield "event: revoked\ndata: the token was revoked\n\n"
                    return
            if now_head != head:
                head = now_head
                yield f"event: head\ndata: {head}\n\n"
            elif now_tokens == tokens:
                yield ": keepalive\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream")
