"""Who is calling: the bearer token's owner, and the role checks routes depend on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from ohjaaja.db.server.store import Store, TokenInfo


# The dependencies that do no I/O are coroutines: FastAPI runs a plain function in
# its thread pool, and the hops (store_of, the role check, then the route) were a
# fifth of the server's time under intake.
async def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def principal(request: Request) -> TokenInfo:
    """The token's owner; 401 without a live bearer token."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise HTTPException(401, "a bearer token is required")
    store: Store = request.app.state.store
    found = store.authenticate(secret.strip())
    if found is None:
        raise HTTPException(401, "unknown or revoked token")
    return found


def role(*allowed: str) -> Callable[..., Awaitable[TokenInfo]]:
    """A dependency: the caller's token, if its role is one of `allowed`; else 403."""

    async def check(who: Annotated[TokenInfo, Depends(principal)]) -> TokenInfo:
        if who.role not in allowed:
            raise HTTPException(403, f"a {' or '.join(allowed)} token is needed here")
        return who

    return check


Desk = Annotated[TokenInfo, Depends(role("desk", "admin"))]
Reader = Annotated[TokenInfo, Depends(role("desk", "worker", "admin"))]
# The region's figures: an organiser's token (never client rows: no pull) or admin.
Organiser = Annotated[TokenInfo, Depends(role("organiser", "admin"))]
Intake = Annotated[TokenInfo, Depends(role("integration", "admin"))]
Caller = Annotated[TokenInfo, Depends(principal)]
StoreDep = Annotated[Store, Depends(store_of)]
