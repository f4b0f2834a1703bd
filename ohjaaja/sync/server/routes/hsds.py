"""The catalogue as an HSDS 3.0 API, read only (issue 18): `GET /hsds/`, `/hsds/services`,
`/hsds/organizations`, `/hsds/service_at_locations` and each `/{id}`, with HSDS's paging
and the parameters of its OpenAPI document that fit (ohjaaja/sync/server/hsds.py).

Reading needs a live token of any role, unless the server runs with
`--hsds-anonymous` (a catalogue is public information; the operator decides): then
anyone reads, and a token that is sent must still be live. Any other method is 405
(FastAPI's answer for a path without it); a bad parameter 400 naming it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request

from ohjaaja.sync.server import hsds
from ohjaaja.sync.server.auth import StoreDep, principal

router = APIRouter(prefix="/hsds")
KINDS = ("services", "organizations", "service_at_locations")
HSDS_VERSION = "3.0"


def reader(request: Request) -> None:
    """401 without a live token, unless anonymous reading is on and none is sent."""
    if request.headers.get("authorization") or not request.app.state.hsds_anonymous:
        principal(request)


Reading = Annotated[None, Depends(reader)]


def _items(request: Request) -> list[tuple[str, str]]:
    return request.query_params.multi_items()


@router.get("/")
def about(_: Reading, request: Request) -> object:
    """HSDS's API metadata: the version of HSDS served and where this API is described."""
    return {"version": HSDS_VERSION, "openapi_url": f"{request.base_url}openapi.json"}


def _page(kind: str, request: Request, store: StoreDep) -> object:
    try:
        listing = hsds.listing(kind, _items(request))
    except hsds.BadParameter as exc:
        raise HTTPException(400, str(exc)) from None
    read = {"services": hsds.services_page, "organizations": hsds.organizations_page,
            "service_at_locations": hsds.links_page}[kind]  # fmt: skip
    return read(store, listing)


def _one(kind: str, record_id: str, request: Request, store: StoreDep) -> object:
    try:
        options = hsds.one_options(kind, _items(request))
    except hsds.BadParameter as exc:
        raise HTTPException(400, str(exc)) from None
    # No catalogue id is longer or holds a NUL (which PostgreSQL would refuse as text).
    found = None
    if len(record_id) <= 64 and "\x00" not in record_id:
        found = hsds.one_record(store, kind, record_id, options)
    if found is None:
        raise HTTPException(404, f"id: no {kind[:-1]} {record_id[:64]!r}")
    return found


@router.get("/services")
def services(_: Reading, request: Request, store: StoreDep) -> object:
    return _page("services", request, store)


@router.get("/services/{record_id}")
def service(record_id: str, _: Reading, request: Request, store: StoreDep) -> object:
    return _one("services", record_id, request, store)


@router.get("/organizations")
def organizations(_: Reading, request: Request, store: StoreDep) -> object:
    return _page("organizations", request, store)


@router.get("/organizations/{record_id}")
def organization(record_id: str, _: Reading, request: Request, store: StoreDep) -> object:
    return _one("organizations", record_id, request, store)


@router.get("/service_at_locations")
def service_at_locations(_: Reading, request: Request, store: StoreDep) -> object:
    return _page("service_at_locations", request, store)


@router.get("/service_at_locations/{record_id}")
def service_at_location(record_id: str, _: Reading, request: Request, store: StoreDep) -> object:
    return _one("service_at_locations", record_id, request, store)
