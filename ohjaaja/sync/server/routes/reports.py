"""The region's figures for the organiser (issue 17): `GET /v1/reports/{name}`,
computed on the server's store; no row of client data leaves it, only the figures.

An organiser's token (or admin's) only; the organiser never sees frequent contacters
by name (Settings.may_see_clients stays false for every token: names are for a desk
whose worker may see the client). 4xx with a reason for an unknown report, a bad or
unknown parameter, a period longer than two years, a training store, or cost shares
without what they are computed from.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, HTTPException, Request

from ohjaaja.db.server.reports import TrainingStoreError
from ohjaaja.domain.clock import Clock
from ohjaaja.domain.reports.all import UnknownReport, compute
from ohjaaja.domain.reports.costs import CostError
from ohjaaja.domain.reports.model import Report
from ohjaaja.domain.reports.model import Request as Asked
from ohjaaja.domain.reports.registry import REPORTS
from ohjaaja.exchange.reports import report_document
from ohjaaja.i18n import t_in
from ohjaaja.sync.reports import BadQuery, request_of
from ohjaaja.sync.scope import Reach
from ohjaaja.sync.server.auth import Organiser, StoreDep
from ohjaaja.sync.server.reports import store_facts
from ohjaaja.sync.server.scoping import reach_of

router = APIRouter()


@router.get("/v1/reports/{name}")
def report(name: str, who: Organiser, store: StoreDep, request: Request) -> object:
    try:
        asked = request_of(name, request.query_params.multi_items(), may_see_clients=False)
    except BadQuery as exc:
        raise HTTPException(422, str(exc)) from None
    if name not in REPORTS:
        raise HTTPException(404, str(UnknownReport(name)))
    asked = within_reach(asked, reach_of(who))
    clock: Clock = request.app.state.clock
    try:
        facts = store_facts(store, asked, clock.now())
    except TrainingStoreError as exc:
        raise HTTPException(409, str(exc)) from None
    source = str(request.base_url).rstrip("/")
    try:
        sections = compute(facts, asked)
    except CostError as exc:  # report costs: no total, no contacts to share by, ...
        raise HTTPException(422, f"{exc.field}: {t_in('en', exc.key, **exc.params)}") from None
    return report_document(Report(asked, source, clock.now(), sections))


# The cost split is the region's by nature: each municipality's share depends on
# every other's contacts, so every organiser gets the same split (figures only).
REGIONAL = frozenset({"costs"})


def within_reach(asked: Asked, reach: Reach) -> Asked:
    """A municipality's organiser (a token with a reach) gets its municipalities' and
    lines' figures: no filter becomes its reach; one outside it is 403, named."""
    if asked.name in REGIONAL:
        return asked
    filters = asked.filters
    for field, allowed in (("municipalities", reach.munis), ("lines", reach.lines)):
        if allowed is None:
            continue
        wanted: tuple[str, ...] = getattr(filters, field)
        outside = sorted(set(wanted) - allowed)
        if outside:
            detail = f"{field}: outside this token's reach: {', '.join(outside)}"
            raise HTTPException(403, detail)
        if not wanted:
            filters = replace(filters, **{field: tuple(sorted(allowed))})
    return replace(asked, filters=filters)
