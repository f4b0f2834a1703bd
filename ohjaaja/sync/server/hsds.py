"""The catalogue published as HSDS 3.0 (issue 18): the store's documents
(db/server/catalogue.py) made into the catalogue's own objects by the desk's
converters (ohjaaja.domain.catalogue_rows) and into HSDS records by the export's
mapping (ohjaaja.exchange.hsds), so the API and `ohjaaja catalogue export` give the
same records. Each call reads in one transaction: a page rests on one moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection

from ohjaaja.db.server import catalogue as docs
from ohjaaja.db.server.catalogue import Doc, Query
from ohjaaja.db.server.store import Store
from ohjaaja.domain.catalogue import Organization
from ohjaaja.domain.catalogue_rows import organization_from_row, service_from_row
from ohjaaja.domain.clock import to_iso
from ohjaaja.exchange.hsds import organization_object, service_object
from ohjaaja.exchange.hsds_api import Obj, listed, page_document
from ohjaaja.sync.rows import COLUMNS

PER_PAGE = 50  # a page unless asked otherwise
PER_PAGE_MAX = 1000
SEARCH_MAX = 200
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


class BadParameter(ValueError):
    """A query parameter the API does not take: its name and why (answered 400)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")


@dataclass(frozen=True)
class Listing:
    page: int = 1
    per_page: int = PER_PAGE
    query: Query = field(default_factory=Query)
    full: bool = False
    full_service: bool = False


# What each list takes (HSDS's parameters that fit: taxonomies, proximity and
# postcodes are not offered; `format` only as json).
LIST_PARAMETERS = {
    "services": {"page", "per_page", "search", "organization_id", "modified_after", "full",
                 "format"},
    "organizations": {"page", "per_page", "search", "modified_after", "full", "format"},
    "service_at_locations": {"page", "per_page", "search", "organization_id", "modified_after",
                             "full", "format"},
}  # fmt: skip
ONE_PARAMETERS = {
    "services": set(),
    "organizations": {"full_service"},
    "service_at_locations": set(),
}


def _number(name: str, text: str, high: int) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= high:
        raise BadParameter(name, f"a whole number from 1 to {high}")
    return int(text)


def _flag(name: str, text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise BadParameter(name, "true or false")


def _moment(text: str) -> str:
    """An ISO date or date-time (with no zone: UTC) in the stored form."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise BadParameter("modified_after", "an ISO 8601 date or date-time") from None
    return to_iso(at if at.tzinfo else at.replace(tzinfo=UTC))


def _given(items: Sequence[tuple[str, str]], allowed: set[str]) -> dict[str, str]:
    given: dict[str, str] = {}
    for name, value in items:
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise BadParameter(name[:64], f"not a parameter here (these are: {known})")
        if name in given:
            raise BadParameter(name, "given twice")
        if "\x00" in value:  # no store takes a NUL in text
            raise BadParameter(name, "text without NUL characters")
        given[name] = value
    if given.get("format", "json") != "json":
        raise BadParameter("format", "only json is served")
    return given


def listing(kind: str, items: Sequence[tuple[str, str]]) -> Listing:
    """A list's parameters, checked (BadParameter naming the first bad one)."""
    given = _given(items, LIST_PARAMETERS[kind])
    search = given.get("search", "").strip()
    if len(search) > SEARCH_MAX:
        raise BadParameter("search", f"at most {SEARCH_MAX} characters of text")
    organization = given.get("organization_id")
    if organization is not None and not 1 <= len(organization) <= 64:
        raise BadParameter("organization_id", "an id (at most 64 characters)")
    modified = given.get("modified_after")
    return Listing(
        page=_number("page", given["page"], 10**9) if "page" in given else 1,
        per_page=_number("per_page", given["per_page"], PER_PAGE_MAX)
        if "per_page" in given
        else PER_PAGE,
        query=Query(
            search=search or None,
            organization_id=organization,
            modified_after=_moment(modified) if modified is not None else None,
        ),
        full=_flag("full", given["full"]) if "full" in given else False,
        full_service=_flag("full_service", given["full_service"])
        if "full_service" in given
        else False,
    )


def one_options(kind: str, items: Sequence[tuple[str, str]]) -> Listing:
    given = _given(items, ONE_PARAMETERS[kind])
    return Listing(
        full=True, full_service=_flag("full_service", given.get("full_service", "false"))
    )


# -- records ------------------------------------------------------------------
def _whole(tbl: str, doc: Doc) -> Doc:
    """A document with every protocol column (an older desk's row lacks newer ones)."""
    return {**{name: column.default for name, column in COLUMNS[tbl].items()}, **doc}


def _organizations(conn: Connection, ids: Sequence[str], phones: bool) -> dict[str, Organization]:
    rows = docs.by_id(conn, "organization", ids)
    their = docs.children(conn, "catalogue_phone", "organization_id", list(rows)) if phones else {}
    return {
        oid: organization_from_row(_whole("organization", row), their.get(oid, []))
        for oid, row in rows.items()
    }


def _organization_of(found: dict[str, Organization], oid: str) -> Organization:
    """Its organisation; a service whose organisation was deleted is still published,
    under an organisation of its id alone."""
    return found.get(oid) or Organization(id=oid, name={})


def service_records(conn: Connection, rows: list[Doc], full: bool) -> list[Obj]:
    """HSDS service records of the service documents, in their order: full (with
    phones, hours, areas, locations, attributes) or the list's one-to-one fields."""
    ids = [row["id"] for row in rows]
    organizations = _organizations(conn, [row["organization_id"] for row in rows], phones=full)
    phones = docs.children(conn, "catalogue_phone", "service_id", ids) if full else {}
    hours = docs.children(conn, "schedule", "service_id", ids) if full else {}
    links = docs.children(conn, "service_at_location", "service_id", ids) if full else {}
    places = docs.by_id(
        conn, "location", [link["location_id"] for found in links.values() for link in found]
    )
    records = []
    for row in rows:
        sid = row["id"]
        locations = [
            {**_whole("location", places[link["location_id"]]), "link_id": link["id"]}
            for link in links.get(sid, [])
            if link["location_id"] in places
        ]
        service = service_from_row(
            _whole("service", row),
            [_whole("catalogue_phone", p) for p in phones.get(sid, [])],
            [_whole("schedule", s) for s in hours.get(sid, [])],
            locations,
        )
        record = service_object(service, _organization_of(organizations, row["organization_id"]))
        record["last_modified"] = row["updated_at"]
        records.append(record if full else listed(record))
    return records


def organization_records(conn: Connection, rows: list[Doc], full: bool) -> list[Obj]:
    """HSDS organisation records: whole (phones, attributes) or the list's fields. A
    list never nests services: a page of organisations would carry the whole
    catalogue (`/hsds/services?organization_id=` pages them)."""
    found = _organizations(conn, [row["id"] for row in rows], phones=full)
    records = [organization_object(found[row["id"]]) for row in rows]
    return records if full else [listed(record) for record in records]


def organization_record(conn: Connection, row: Doc, full_service: bool) -> Obj:
    """One organisation whole, with every service of it (list form, or whole)."""
    (record,) = organization_records(conn, [row], full=True)
    _, theirs = docs.services(conn, Query(organization_id=row["id"]), 10**9, 0)
    record["services"] = service_records(conn, theirs, full_service)
    return record


def link_records(conn: Connection, rows: list[Doc], full: bool) -> list[Obj]:
    """HSDS service_at_location records: the link with its location and its service
    (the service's own links and attributes left out: they would nest again)."""
    services = docs.by_id(conn, "service", [row["service_id"] for row in rows])
    ordered = [services[sid] for sid in sorted(services)]
    made = {rec["id"]: rec for rec in service_records(conn, ordered, full=True)}
    records = []
    for row in rows:
        service = made.get(row["service_id"])
        links = service["service_at_locations"] if service else []
        link = next((x for x in links if x["id"] == row["id"]), None)
        if service is None or link is None:  # its service or location was deleted
            continue
        nested = {k: v for k, v in service.items() if k not in ("service_at_locations",
                                                                  "attributes")}  # fmt: skip
        record = {**link, "service": nested}
        records.append(record if full else listed(record))
    return records


# -- the API's answers ----------------------------------------------------------
def _offset(listing: Listing) -> int:
    return (listing.page - 1) * listing.per_page


def services_page(store: Store, listing: Listing) -> Obj:
    with store.engine.connect() as conn, conn.begin():
        total, rows = docs.services(conn, listing.query, listing.per_page, _offset(listing))
        contents = service_records(conn, rows, listing.full)
    return page_document(total, listing.page, listing.per_page, contents)


def organizations_page(store: Store, listing: Listing) -> Obj:
    with store.engine.connect() as conn, conn.begin():
        total, rows = docs.organizations(conn, listing.query, listing.per_page, _offset(listing))
        contents = organization_records(conn, rows, listing.full)
    return page_document(total, listing.page, listing.per_page, contents)


def links_page(store: Store, listing: Listing) -> Obj:
    with store.engine.connect() as conn, conn.begin():
        total, rows = docs.service_at_locations(
            conn, listing.query, listing.per_page, _offset(listing)
        )
        contents = link_records(conn, rows, listing.full)
    return page_document(total, listing.page, listing.per_page, contents)


def one_record(store: Store, kind: str, record_id: str, options: Listing) -> Obj | None:
    """The full record of that id, or None when there is no live one."""
    tbl = {"services": "service", "organizations": "organization",
           "service_at_locations": "service_at_location"}[kind]  # fmt: skip
    with store.engine.connect() as conn, conn.begin():
        row = docs.one(conn, tbl, record_id)
        if row is None:
            return None
        made: list[Any]
        if kind == "services":
            made = service_records(conn, [row], full=True)
        elif kind == "organizations":
            made = [organization_record(conn, row, options.full_service)]
        else:
            made = link_records(conn, [row], full=True)
    return made[0] if made else None
