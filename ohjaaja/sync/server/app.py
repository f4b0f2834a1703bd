"""Assembling the server: the store, the clock, the body limit, the routes."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ohjaaja.db.server.store import Store
from ohjaaja.domain.clock import Clock, SystemClock
from ohjaaja.sync import protocol
from ohjaaja.sync.server.auth import TokenCache
from ohjaaja.sync.server.fanout import FanOut
from ohjaaja.sync.server.group_commit import GroupCommit
from ohjaaja.sync.server.limits import BodyLimit
from ohjaaja.sync.server.routes import events, hsds, intake, reports, status, sync
from ohjaaja.sync.server.scoping import scope_row
from ohjaaja.sync.server.watch import HeadWatch

ROUTES = (status, intake, sync, events, reports, hsds)


def create_app(
    store: Store, clock: Clock | None = None, fault: str | None = None,
    hsds_anonymous: bool = False,
) -> FastAPI:  # fmt: skip
    """`fault` (tests only, from OHJAAJA_FAULT): 'push-before-commit' or
    'push-after-commit' kills the process at that point of the first push.
    `hsds_anonymous`: the HSDS API (/hsds/) is read without a token."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.watch.stop()
        store.close()  # an SQLite store checkpoints its WAL: a copy of the file is whole

    app = FastAPI(
        title="ohjaaja server",
        version=str(protocol.SCHEMA_VERSION),
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
    )
    store.use_scoper(scope_row)  # client data goes only where it must
    app.state.store = store
    app.state.clock = clock or SystemClock()
    app.state.fault = fault
    app.state.hsds_anonymous = hsds_anonymous
    app.state.watch = HeadWatch(store)
    app.state.fanout = FanOut(store, app.state.clock)
    app.state.intake = GroupCommit(store)
    app.state.tokens = TokenCache()
    store.on_commit = app.state.watch.poke  # this process's writes wake its streams at once
    app.add_middleware(BodyLimit, limit=protocol.BODY_MAX_BYTES)
    app.add_exception_handler(RequestValidationError, _unprocessable)
    for routes in ROUTES:
        app.include_router(routes.router)
    return app


class SafeJSONResponse(JSONResponse):
    """JSON in UTF-8, unless a string cannot be written so (an unpaired surrogate that
    got in before the server checked for them): then escaped, so one such row never
    makes a whole feed fail."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode()


async def _unprocessable(request: Request, exc: Any) -> JSONResponse:
    """422 naming each field and why, without echoing the input: an input with a NUL
    or an unpaired surrogate cannot be written back as JSON."""
    detail = [
        {"loc": [_safe(part) for part in error.get("loc", ())], "msg": _safe(error.get("msg", ""))}
        for error in exc.errors()
    ]
    return JSONResponse({"detail": detail}, status_code=422)


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value
