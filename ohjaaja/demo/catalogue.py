"""The demo catalogue (fixtures/catalogue.json) as catalogue records.

Templates marked per_municipality become one service per municipality of the
region. Ids are UUID v5 of the template's key (and the municipality), so every
demo desk has the same catalogue and offers made on one mean the same on another.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from functools import cache
from typing import Any

from ohjaaja.domain import reference
from ohjaaja.domain.catalogue import Location, Organization, Phone, Service
from ohjaaja.domain.hours import expand_days
from ohjaaja.domain.phones import normalise_phone
from ohjaaja.domain.schedules import WeeklyHours, parse_time
from ohjaaja.exchange.hsds import derived_id
from ohjaaja.usecases.catalogue import write_catalogue

SOURCE = reference.FIXTURES / "catalogue.json"


@cache
def demo_catalogue() -> tuple[tuple[Organization, ...], tuple[Service, ...]]:
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    verified = date.fromisoformat(data["verified"])
    organizations = {
        spec["key"]: Organization(
            id=derived_id("demo", "organization", spec["key"]),
            name=spec["name"],
            description=spec.get("description", {}),
            sector=spec["sector"],
            website=spec.get("website"),
            phones=(_phone(spec["key"], spec["phone"]),),
        )
        for spec in data["organizations"]
    }
    services = []
    for spec in data["services"]:
        if spec.get("per_municipality"):
            for code, place in reference.municipalities().items():
                names = {"fi": place.name_fi, "sv": place.name_sv}
                services.append(_service(spec, organizations, verified, code, names))
        else:
            services.append(_service(spec, organizations, verified, None, {}))
    return tuple(organizations.values()), tuple(services)


def _fill(texts: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    return {lang: text.format(**names) for lang, text in texts.items()} if names else texts


def _phone(key: str, number: str) -> Phone:
    return Phone(derived_id("demo", "phone", key), normalise_phone(number))


def _service(
    spec: dict[str, Any],
    organizations: dict[str, Organization],
    verified: date,
    municipality: str | None,
    names: dict[str, str],
) -> Service:
    key = f"{spec['key']}/{municipality}" if municipality else spec["key"]
    sid = derived_id("demo", "service", key)
    # The fixture's day ranges ({"mon-fri": "08:00-15:00"}) as HSDS rules, one per span.
    spans: dict[str, list[int]] = {}
    for days, span in spec["hours"].items():
        spans.setdefault(span, []).extend(expand_days(days))
    schedules = tuple(
        WeeklyHours(
            derived_id("demo", "schedule", key, span),
            tuple(sorted(days)),
            parse_time(opens),
            parse_time(closes),
        )
        for span, days in spans.items()
        for opens, closes in [span.split("-")]
    )
    locations: tuple[Location, ...] = ()
    if "address" in spec:
        street, postal, city, code = spec["address"]
        locations = (
            Location(
                id=derived_id("demo", "location", key),
                link_id=derived_id("demo", "service_at_location", key),
                name=spec["name"],
                address=street,
                postal_code=postal,
                city=city,
                municipality_code=code,
            ),
        )
    phone = spec.get("phone")
    return Service(
        id=sid,
        organization_id=organizations[spec["org"]].id,
        name=_fill(spec["name"], names),
        description=spec.get("description", {}),
        eligibility=spec.get("eligibility", {}),
        fees=spec.get("fees", {}),
        application=spec.get("application", {}),
        client_groups=tuple(spec["groups"]),
        languages=tuple(spec["langs"]),
        service_areas=(municipality,) if municipality else tuple(spec.get("areas", ())),
        channels=tuple(spec["channels"]),
        free=spec.get("free", True),
        last_verified=verified,
        holidays=spec.get("holidays", "closed"),
        eve_closes=parse_time(spec["eve"]) if "eve" in spec else None,
        phones=(_phone(key, phone),) if phone else (),
        schedules=schedules,
        locations=locations,
    )


def load_demo_catalogue(conn: sqlite3.Connection, now: str) -> None:
    """Into a demo database, without the outbox: every demo desk has the same."""
    organizations, services = demo_catalogue()
    write_catalogue(conn, organizations, services, now, by=None)


@cache
def demo_service_keys() -> dict[str, tuple[str, ...]]:
    """How a training scenario names demo services: a service's key ('kriisipuhelin',
    'kotihoito/853'), or a per-municipality template's own key ('kotihoito': any of
    its municipalities' services) -> the ids it stands for."""
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    keys: dict[str, tuple[str, ...]] = {}
    for spec in data["services"]:
        if spec.get("per_municipality"):
            named = [f"{spec['key']}/{code}" for code in reference.municipalities()]
            for key in named:
                keys[key] = (derived_id("demo", "service", key),)
            keys[spec["key"]] = tuple(derived_id("demo", "service", key) for key in named)
        else:
            keys[spec["key"]] = (derived_id("demo", "service", spec["key"]),)
    return keys
