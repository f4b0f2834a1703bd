"""Health (no token: for load balancers and desks checking the epoch) and whoami."""

from __future__ import annotations

from fastapi import APIRouter

from ohjaaja.sync.server.auth import Caller, StoreDep
from ohjaaja.sync.server.models import Health, WhoAmI

router = APIRouter()


@router.get("/v1/health", response_model=Health)
def health(store: StoreDep) -> Health:
    return Health(
        epoch=store.epoch, head=store.head(), epoch_head=store.epoch_head, training=store.training
    )


@router.get("/v1/whoami", response_model=WhoAmI)
def whoami(who: Caller) -> WhoAmI:
    return WhoAmI(name=who.name, role=who.role, workers=sorted(who.workers))
