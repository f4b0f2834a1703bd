"""The facts of a report from the server's store: the same loaders as a desk's
(ohjaaja.domain.reports.loading) over the store's readers (db/server/reports.py),
all in one transaction, so the figures rest on one moment of the store."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ohjaaja.db.server import reports as store_rows
from ohjaaja.db.server.store import Store
from ohjaaja.domain.reports import loading
from ohjaaja.domain.reports.costs import fixture_municipalities
from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import Request

Loader = Callable[[Any, Request], Mapping[str, Any]]
# The desk's loaders (ohjaaja/usecases/reports.py), each over the store's readers.
LOADERS: list[Loader] = [
    lambda conn, request: loading.load_contacts(store_rows, conn, request),
    lambda conn, request: loading.load_cases(store_rows, conn, request),
    lambda conn, request: load_municipalities(),
]


def load_municipalities() -> Mapping[str, Any]:
    """The cost shares' municipalities: the region's reference data, as a desk seeds
    its municipality table from it (population 75+ of 2019, the agreement)."""
    return {"municipalities": fixture_municipalities()}


def store_facts(store: Store, request: Request, now: datetime) -> Facts:
    """What the store holds for the request (TrainingStoreError for a training store)."""
    store_rows.check_store(store)
    fields: dict[str, Any] = {}
    with store.reading() as conn, conn.begin():
        for loader in LOADERS:
            fields.update(loader(conn, request))
    return Facts(**fields, as_of=now)
