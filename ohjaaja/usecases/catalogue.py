"""The desk's catalogue use cases: search, a service's detail, offers and the
client's summary, and (admin) edits and imports.

A mixin of Desk (ohjaaja.usecases.desk). Every catalogue change goes out as one
`catalogue.put` mutation carrying the changed rows, written in the same
transaction as the rows themselves.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import astuple, dataclass, replace
from datetime import date, timedelta
from itertools import islice
from typing import Any, TypeVar

from ohjaaja.db import catalogue as store
from ohjaaja.db.catalogue import Filters  # the ohjaaja.screens filter through the use cases
from ohjaaja.db.engine import transaction
from ohjaaja.db.ids import new_id
from ohjaaja.db.text import fold
from ohjaaja.domain.catalogue import (
    STALE_AFTER,
    CatalogueError,
    Organization,
    Problem,
    Service,
    check_organization,
    check_service,
    organization_from_form,
    service_from_form,
    text_in,
)
from ohjaaja.domain.catalogue_rows import (
    organization_from_row,
    organization_rows,
    service_from_row,
    service_rows,
)
from ohjaaja.domain.clock import local, stamp_from_iso
from ohjaaja.domain.limits import SHORT_TEXT_MAX
from ohjaaja.domain.phones import display_phone
from ohjaaja.domain.reasons import reason
from ohjaaja.domain.schedules import ServiceHours, day_runs
from ohjaaja.i18n import t_in
from ohjaaja.sync.outgoing import record, record_many
from ohjaaja.sync.rows import Invalid, TooLong
from ohjaaja.usecases.context import DeskContext

__all__ = ["CatalogueUseCases", "Filters", "ServiceHit", "ServicePage"]

RESULTS = 100  # a page: one screenful is ~14, the rest scrolls; PgDn goes on to the next
CHUNK = 500
OWN_LANGUAGE_WEIGHT, OTHER_LANGUAGE_WEIGHT = 10.0, 4.0
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ServiceHit:
    id: str
    name: str
    organization: str
    sector: str
    free: bool
    open_now: bool | None  # None: no hours known
    languages: tuple[str, ...]
    channels: tuple[str, ...]
    stale: bool


@dataclass(frozen=True)
class ServicePage:
    """One page of a search: its hits, where it starts, and how many match in all."""

    hits: list[ServiceHit]
    offset: int
    total: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.hits) < self.total


@dataclass(frozen=True)
class OfferView:
    id: str
    service_id: str | None
    name: str  # the service's name, or the unmet need as written
    unmet_need: bool


T = TypeVar("T")
BATCH = 500  # catalogue records checked and written at a time (save_catalogue)


@dataclass(frozen=True)
class ImportReport:
    organizations: int
    created: int
    updated: int
    unchanged: int
    removed: int = 0  # services the source no longer offers (PTV: deleted, archived)


def folded_words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def match_expression(text: str) -> str | None:
    """Folded words of three letters or more as trigram strings, all required:
    'koti hoi' -> '"koti" "hoi"' (each found anywhere in a word). Shorter words
    cannot be matched by trigrams; the name-prefix ordering still uses them."""
    return " ".join(f'"{word}"' for word in folded_words(text) if len(word) >= 3) or None


def name_weights(language: str) -> tuple[float, float, float]:
    return tuple(  # type: ignore[return-value]
        OWN_LANGUAGE_WEIGHT if lang == language else OTHER_LANGUAGE_WEIGHT
        for lang in ("fi", "sv", "en")
    )


class CatalogueUseCases:
    """The service catalogue: searching it, offering from it, and (admins) keeping it."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx

    @property
    def is_admin(self) -> bool:
        return self.ctx.is_admin

    # -- reading ------------------------------------------------------------
    def search_services(
        self,
        text: str,
        filters: Filters | None = None,
        language: str = "fi",
        open_now: bool = False,
        limit: int = RESULTS,
    ) -> list[ServiceHit]:
        """The first hits of search_page."""
        return self.search_page(text, filters, language, open_now, 0, limit).hits

    def search_page(
        self,
        text: str,
        filters: Filters | None = None,
        language: str = "fi",
        open_now: bool = False,
        offset: int = 0,
        limit: int = RESULTS,
    ) -> ServicePage:
        """Services matching every word typed (prefixes, folded), best first, with the
        client's language's names weighted first; open_now keeps those open now. One
        page from offset, with the count of every match."""
        now, today = self.ctx.clock.now(), local(self.ctx.clock.now()).date()
        with self.ctx.lock:
            words = folded_words(text)
            match, prefix = match_expression(text), words[0] if words else ""
            chosen, weights = filters or Filters(), name_weights(language)
            if open_now:  # the hours are read here, not in SQL: every match is loaded
                ids = store.search(
                    self.ctx.conn, match, prefix, chosen, weights, language, None
                )  # fmt: skip
                opened = [
                    s for s in self._load_services(ids) if s.hours.known and s.hours.is_open(now)
                ]
                total, services = len(opened), opened[offset : offset + limit]
            else:
                ids = store.search(
                    self.ctx.conn, match, prefix, chosen, weights, language, limit, offset
                )  # fmt: skip
                total = store.count(self.ctx.conn, match, chosen)
                services = self._load_services(ids)
            organizations = self._organizations({s.organization_id for s in services})
        hits = []
        for service in services:
            organization = organizations[service.organization_id]
            hits.append(
                ServiceHit(
                    id=service.id,
                    name=text_in(service.name, language),
                    organization=text_in(organization.name, language),
                    sector=organization.sector,
                    free=service.free,
                    open_now=service.hours.is_open(now) if service.hours.known else None,
                    languages=service.languages,
                    channels=service.channels,
                    stale=service.stale(today),
                )
            )
        return ServicePage(hits, offset, total)

    def service(self, service_id: str) -> tuple[Service, Organization] | None:
        with self.ctx.lock:
            found = self._load_services([service_id])
            if not found:
                return None
            organization = self._organizations({found[0].organization_id})
        return found[0], organization[found[0].organization_id]

    def organizations(self) -> list[Organization]:
        with self.ctx.lock:
            rows = store.organizations(self.ctx.conn)
            found = [
                organization_from_row(row, store.organization_phones(self.ctx.conn, row["id"]))
                for row in rows
            ]
        return sorted(found, key=lambda o: fold(text_in(o.name, "fi")))

    def all_services(self) -> list[Service]:
        with self.ctx.lock:
            return self._load_services(store.all_service_ids(self.ctx.conn))

    def stale_services(self) -> list[str]:
        """Ids of active services not verified for 12 months (admins see them flagged)."""
        today = local(self.ctx.clock.now()).date()
        with self.ctx.lock:
            services = self._load_services(store.all_service_ids(self.ctx.conn))
        return [s.id for s in services if s.status == "active" and s.stale(today)]

    def _load_services(self, ids: Sequence[str]) -> list[Service]:
        """Services by id, in the order given; the caller holds the lock."""
        return load_services(self.ctx.conn, ids)

    def _organizations(self, ids: Iterable[str]) -> dict[str, Organization]:
        return {
            row["id"]: organization_from_row(
                row, store.organization_phones(self.ctx.conn, row["id"])
            )
            for row in store.organizations(self.ctx.conn, list(ids))
        }

    # -- offers ---------------------------------------------------------------
    def offer_service(self, contact_id: str, service_id: str, language: str) -> bool:
        """Whether the offer was new: a service already offered on this contact (from
        the list, then its detail) is the one offer, counted and summarised once."""
        return self._offer(contact_id, {"service_id": service_id}, language) is not None

    def record_unmet_need(self, contact_id: str, need: str, language: str) -> str:
        """Nothing suitable exists: the need as the worker wrote it (the organiser's data)."""
        if not need.strip():
            raise ValueError("an unmet need needs a description")
        if len(need) > SHORT_TEXT_MAX:
            raise ValueError(f"an unmet need is at most {SHORT_TEXT_MAX} characters")
        return str(self._offer(contact_id, {"unmet_need": need.strip()}, language))

    def _offer(self, contact_id: str, what: dict[str, str], language: str) -> str | None:
        """The new offer's id; None for a service this contact was offered already
        (checked in the writing transaction, so two quick offers make one)."""
        now = self.ctx.now()
        values = {
            "id": new_id(),
            "contact_id": contact_id,
            "service_id": None,
            "unmet_need": None,
            **what,
            "language": language,
            "created_at": now,
            "worker_id": self.ctx.worker_id,
        }
        with self.ctx.writing() as conn:
            if "service_id" in what and store.offered(conn, contact_id, what["service_id"]):
                return None
            store.insert_offer(conn, values)
            record(conn, "offer.create", values, now, self.ctx.worker_id)
        return str(values["id"])

    def offers(self, contact_id: str, language: str = "fi") -> list[OfferView]:
        with self.ctx.lock:
            rows = store.offers(self.ctx.conn, contact_id)
            services = {
                s.id: s
                for s in self._load_services([r["service_id"] for r in rows if r["service_id"]])
            }
        return [
            OfferView(
                id=row["id"],
                service_id=row["service_id"],
                name=text_in(services[row["service_id"]].name, language)
                if row["service_id"] in services
                else row["unmet_need"] or "?",
                unmet_need=row["service_id"] is None,
            )
            for row in rows
        ]

    def offer_summary(self, contact_id: str, language: str) -> str:
        """The offered services in the client's language: name, provider, numbers and
        this week's hours; to read aloud or to send."""
        with self.ctx.lock:
            rows = store.offers(self.ctx.conn, contact_id)
            ids = list(dict.fromkeys(r["service_id"] for r in rows if r["service_id"]))
            services = self._load_services(ids)
            organizations = self._organizations({s.organization_id for s in services})
        if not services:
            return t_in(language, "summary.none")
        today = local(self.ctx.clock.now()).date()
        parts = [t_in(language, "summary.heading")]
        for number, service in enumerate(services, start=1):
            organization = organizations[service.organization_id]
            lines = [
                f"{number}. {text_in(service.name, language)} "
                f"({text_in(organization.name, language)})"
            ]
            phones = service.phones or organization.phones
            if phones:
                numbers = ", ".join(display_phone(p.number) for p in phones)
                lines.append("   " + t_in(language, "summary.phone", numbers=numbers))
            week = weekly_hours_text(service, today, language)
            if week:
                lines.append("   " + t_in(language, "summary.hours", hours=week))
            if service.url:
                lines.append(f"   {service.url}")
            parts.append("\n".join(lines))
        return "\n\n".join(parts)

    # -- changes (admin) -------------------------------------------------------
    def save_service(self, service: Service) -> list[CatalogueError]:
        return self.save_catalogue([], [service])[1]

    def save_service_form(
        self, values: dict[str, Any], existing: Service | None
    ) -> tuple[str | None, list[Problem]]:
        """The admin form: the saved service's id, or (field, reason) for each problem."""
        today = local(self.ctx.clock.now()).date()
        service, problems = service_from_form(values, existing, new_id, today=today)
        if service is None:
            return None, problems
        if values.get("verified"):  # the admin ticked the details checked today
            service = replace(service, last_verified=today)
        errors = self.save_service(service)
        return (None, [(e.field, e.reason) for e in errors]) if errors else (service.id, [])

    def save_organization_form(
        self, values: dict[str, str], existing: Organization | None
    ) -> tuple[str | None, list[Problem]]:
        organization, problems = organization_from_form(values, existing, new_id)
        if organization is None:
            return None, problems
        errors = self.save_organization(organization)
        return (None, [(e.field, e.reason) for e in errors]) if errors else (organization.id, [])

    def save_organization(self, organization: Organization) -> list[CatalogueError]:
        return self.save_catalogue([organization], [])[1]

    def mark_verified(self, service_id: str) -> list[CatalogueError]:
        found = self.service(service_id)
        if found is None:
            return [CatalogueError("", "id", reason("error.no_service", "no such service"))]
        today = local(self.ctx.clock.now()).date()
        return self.save_service(replace(found[0], last_verified=today))

    def save_catalogue(
        self,
        organizations: Iterable[Organization],
        services: Iterable[Service],
        removed: Sequence[str] = (),
        progress: Callable[[int, int], None] | None = None,
    ) -> tuple[ImportReport | None, list[CatalogueError]]:
        """Check every record and write all of them or none, and remove the services
        of `removed` (ids; those not stored are passed over) with them (admin only).
        One transaction, checked and written BATCH records at a time: an import's
        records may come from disk (exchange/spill.py), and memory holds one batch.
        PROGRESS is told the services done and their number (0: not known)."""
        if not self.is_admin:
            only = reason("error.admin_only", "only an admin changes the catalogue")
            return None, [CatalogueError("", "role", only)]
        now, by = self.ctx.now(), self.ctx.worker_id
        total = len(services) if isinstance(services, Sized) else 0
        errors: list[CatalogueError] = []
        reports: list[ImportReport] = []
        with self.ctx.lock:
            try:
                with transaction(self.ctx.conn) as conn:
                    known = {row["id"] for row in store.organizations(conn)}
                    for orgs in batched(organizations, BATCH):
                        known |= {o.id for o in orgs}
                        errors += check_all(orgs, [], known)
                        if not errors:  # after the first error only checked, then undone
                            reports.append(write_catalogue(conn, orgs, [], now, by))
                    done = 0
                    for batch in batched(services, BATCH):
                        errors += check_all([], batch, known)
                        if not errors:
                            reports.append(write_catalogue(conn, [], batch, now, by))
                        done += len(batch)
                        if progress is not None:
                            progress(done, total)
                    if errors:
                        raise _Undo
                    reports.append(write_catalogue(conn, [], [], now, by, removed))
            except _Undo:
                return None, errors
            except Invalid as exc:  # a value the store cannot hold: the write is undone
                return None, [not_storable(exc)]
        self.ctx.wrote()
        return ImportReport(
            *(sum(column) for column in zip(*map(astuple, reports), strict=True))
        ), []


class _Undo(Exception):
    """Raised inside an import's transaction to roll it back: a record was refused."""


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of SIZE items, the last perhaps shorter (itertools.batched from 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def not_storable(exc: Invalid) -> CatalogueError:
    """A value the checks let through but its column cannot hold (a text longer than
    the sync protocol takes), as its record's field: 'args.rows.service[0].name'
    is the field 'name' of the first service row written."""
    *path, field = exc.field.split(".")
    where = path[-1] if path else ""
    if isinstance(exc, TooLong):
        why = reason(
            "error.too_long_to_store",
            f"at most {exc.limit} characters ({exc.given} given)",
            limit=str(exc.limit),
            given=str(exc.given),
        )
    else:
        why = reason("error.cannot_store", f"cannot be stored: {exc.message}", why=exc.message)
    return CatalogueError(where, field, why)


def load_services(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Service]:
    """Services by id with their phones, hours and places, in the order given."""
    if len(ids) > CHUNK:  # SQLite's limit on bound parameters
        return [
            s for i in range(0, len(ids), CHUNK) for s in load_services(conn, ids[i : i + CHUNK])
        ]
    rows = {row["id"]: row for row in store.services(conn, list(ids))}
    grouped: dict[str, dict[str, list[sqlite3.Row]]] = {
        sid: {"catalogue_phone": [], "schedule": [], "location": []} for sid in rows
    }
    for table, children in store.children(conn, list(rows)).items():
        for child in children:
            grouped[child["service_id"]][table].append(child)
    return [
        service_from_row(
            rows[sid],
            grouped[sid]["catalogue_phone"],
            grouped[sid]["schedule"],
            grouped[sid]["location"],
        )
        for sid in ids
        if sid in rows
    ]


def check_all(
    organizations: Sequence[Organization], services: Sequence[Service], known: set[str]
) -> list[CatalogueError]:
    known = known | {o.id for o in organizations}
    errors = [
        CatalogueError(f"organization {o.id}", name, reason)
        for o in organizations
        for name, reason in check_organization(o)
    ]
    errors += [
        CatalogueError(f"service {s.id}", name, reason)
        for s in services
        for name, reason in check_service(s, known)
    ]
    return errors


def write_catalogue(
    conn: sqlite3.Connection,
    organizations: Sequence[Organization],
    services: Sequence[Service],
    now: str,
    by: str | None,
    removed: Sequence[str] = (),
) -> ImportReport:
    """Write records that changed, each with its version bumped, tombstone the child
    rows an edit dropped, and put each change in the outbox as worker `by`'s (None:
    not at all, as the demo's own catalogue). A record whose source stamp (PTV's
    modified) is not newer than the stored one is kept as it is. Services of
    `removed` are tombstoned with their rows. The caller holds the transaction."""
    existing_orgs = {
        row["id"]: organization_from_row(row, store.organization_phones(conn, row["id"]))
        for row in store.organizations(conn, [o.id for o in organizations])
    }
    changed_orgs = [
        o
        for o in organizations
        if existing_orgs.get(o.id) != o and not _older(o.source_modified, existing_orgs.get(o.id))
    ]
    mutations = [_put(conn, organization_rows(o, now), now) for o in changed_orgs]
    stored = {s.id: s for s in load_services(conn, [*(s.id for s in services), *removed])}
    created = updated = 0
    for service in services:
        if service.id in stored:
            if stored[service.id] == service or _older(service.source_modified, stored[service.id]):
                continue
            updated += 1
        else:
            created += 1
        tables = service_rows(service, now)
        _tombstone_dropped(conn, service.id, tables, now)
        mutations.append(_put(conn, tables, now))
    gone = [stored[sid] for sid in dict.fromkeys(removed) if sid in stored]
    for service in gone:
        tables = {table: [] for table in store.TABLES}
        _tombstone_dropped(conn, service.id, tables, now)
        tables["service"] = [
            {**store.row(conn, "service", service.id), "deleted": 1, "updated_at": now}
        ]
        mutations.append(_put(conn, tables, now))
    if by is not None and mutations:
        puts = [("catalogue.put", {"rows": m, "worker_id": by}) for m in mutations]
        record_many(conn, puts, now, by)
    unchanged = len(services) - created - updated
    return ImportReport(len(changed_orgs), created, updated, unchanged, len(gone))


def _older(incoming: str | None, stored: Service | Organization | None) -> bool:
    """Whether the source says the stored copy is as new as this one or newer. Stamps
    are compared as times; one stored before stamps were kept in UTC is read again,
    and one that is no time at all says nothing (the incoming copy wins)."""
    if not (incoming and stored and stored.source_modified):
        return False
    try:
        return stamp_from_iso(incoming) <= stamp_from_iso(stored.source_modified)
    except ValueError:
        return False


def _tombstone_dropped(
    conn: sqlite3.Connection, service_id: str, tables: dict[str, list[dict]], now: str
) -> None:
    for table, live in store.child_ids(conn, service_id).items():
        kept = {row["id"] for row in tables[table]}
        for gone in sorted(live - kept):
            tables[table].append({**store.row(conn, table, gone), "deleted": 1, "updated_at": now})


def _put(conn: sqlite3.Connection, tables: dict[str, list[dict]], now: str) -> dict[str, list]:
    """Write the rows with their next versions; returns them, as the mutation carries them."""
    written: dict[str, list] = {}
    for table in store.TABLES:
        rows = tables.get(table) or []
        if not rows:
            continue
        current = store.versions(conn, table, [row["id"] for row in rows])
        rows = [{**row, "version": current.get(row["id"], 0) + 1} for row in rows]
        store.put_rows(conn, table, rows)
        written[table] = rows
    return written


def weekly_hours_text(service: Service, today: date, language: str) -> str:
    """The weekly hours in a language ('ma-pe 08:00-15:00, la 10:00-14:00'), then the
    next seven days' exceptions (a holiday, a short eve)."""
    if not service.hours.known:
        return ""
    parts = []
    for rule in service.schedules:
        runs = day_runs(rule.days)
        days = ", ".join(
            t_in(language, f"day.{WEEKDAYS[a]}")
            + (f"-{t_in(language, f'day.{WEEKDAYS[b]}')}" if b > a else "")
            for a, b in runs
        )
        closes = "24:00" if rule.closes == rule.opens else f"{rule.closes:%H:%M}"
        parts.append(f"{days} {rule.opens:%H:%M}-{closes}")
    usual = ServiceHours(service.schedules, holidays="open")
    for offset in range(7):
        day = today + timedelta(days=offset)
        actual = service.hours.describe(day)
        if actual != usual.describe(day):
            shown = actual or t_in(language, "catalogue.closed")
            parts.append(
                t_in(language, "summary.exception", day=f"{day.day}.{day.month}.", hours=shown)
            )
    return "; ".join(parts)


def unverified(filters: Filters, today: date) -> Filters:
    """The same filters, narrowed to services not verified for 12 months (no
    database work: a screen narrows its filters with it on the UI thread)."""
    return replace(filters, verified_before=(today - STALE_AFTER).isoformat())
