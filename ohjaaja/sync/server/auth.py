"""Who is calling: the bearer token's owner, and the role checks routes depend on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from ohjaaja.db.server.store import Store, TokenInfo, Voucher, token_hash


# The dependencies that do no I/O are coroutines: FastAPI runs a plain function in
# its thread pool, and the hops (store_of, the role check, then the route) were a
# fifth of the server's time under intake.
async def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise HTTPException(401, "a bearer token is required")
    return secret.strip()


UNKNOWN_TOKEN = "unknown or revoked token"


def principal(request: Request) -> TokenInfo:
    """The token's owner; 401 without a live bearer token."""
    store: Store = request.app.state.store
    found = store.authenticate(_bearer(request))
    if found is None:
        raise HTTPException(401, UNKNOWN_TOKEN)
    return found


class TokenCache:
    """Tokens seen before, by the hash of their secret, for the routes whose only
    write checks the token again (intake: the group commit's Writer.token_holds).
    The token check was a third of intake's time: a pooled connection and a query
    for each contact. Only live tokens are kept, so a forger cannot fill it."""

    LIMIT = 4096

    def __init__(self) -> None:
        self._kept: dict[str, Voucher] = {}

    def get(self, secret_hash: str) -> Voucher | None:
        return self._kept.get(secret_hash)

    def keep(self, voucher: Voucher) -> None:
        if len(self._kept) >= self.LIMIT and voucher.secret_hash not in self._kept:
            self._kept.clear()  # rare (thousands of live tokens): read them again
        self._kept[voucher.secret_hash] = voucher

    def forget(self, secret_hash: str) -> None:
        self._kept.pop(secret_hash, None)


def vouched(*allowed: str) -> Callable[..., Awaitable[Voucher]]:
    """A dependency: the caller's token from the cache (the store only the first
    time), if its role is one of `allowed`. A revoked token that is still kept
    passes this; its write refuses it (TokenRevoked, to be answered 401)."""

    async def check(request: Request) -> Voucher:
        secret = _bearer(request)
        cache: TokenCache = request.app.state.tokens
        voucher = cache.get(token_hash(secret))
        if voucher is None:
            store: Store = request.app.state.store
            voucher = await run_in_threadpool(store.vouch, secret)
            if voucher is None:
                raise HTTPException(401, UNKNOWN_TOKEN)
            cache.keep(voucher)
        _check_role(voucher.info, allowed)
        return voucher

    return check


def role(*allowed: str) -> Callable[..., Awaitable[TokenInfo]]:
    """A dependency: the caller's token, if its role is one of `allowed`; else 403."""

    async def check(who: Annotated[TokenInfo, Depends(principal)]) -> TokenInfo:
        _check_role(who, allowed)
        return who

    return check


def _check_role(who: TokenInfo, allowed: tuple[str, ...]) -> None:
    if who.role not in allowed:
        raise HTTPException(403, f"a {' or '.join(allowed)} token is needed here")


Desk = Annotated[TokenInfo, Depends(role("desk", "admin"))]
Reader = Annotated[TokenInfo, Depends(role("desk", "worker", "admin"))]
# The region's figures: an organiser's token (never client rows: no pull) or admin.
Organiser = Annotated[TokenInfo, Depends(role("organiser", "admin"))]
Intake = Annotated[TokenInfo, Depends(role("integration", "admin"))]
# Intake's new contacts: the token kept between requests (see TokenCache).
IntakeVoucher = Annotated[Voucher, Depends(vouched("integration", "admin"))]
Caller = Annotated[TokenInfo, Depends(principal)]
StoreDep = Annotated[Store, Depends(store_of)]
