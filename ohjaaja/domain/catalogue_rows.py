"""Catalogue dataclasses to table rows and back (db/catalogue.py holds the SQL)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date, time
from typing import Any

from ohjaaja.domain.catalogue import Location, Organization, Phone, Service, ServiceArea
from ohjaaja.domain.schedules import BYDAY, ExceptionalHours, WeeklyHours, parse_byday

Row = dict[str, Any]
RowLike = Mapping[str, Any] | sqlite3.Row


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _texts(value: str | None) -> dict[str, str]:
    return json.loads(value) if value else {}


def _stamp(row: Row, now: str) -> Row:
    return {**row, "deleted": 0, "created_at": now, "updated_at": now}


def organization_rows(organization: Organization, now: str) -> dict[str, list[Row]]:
    org = _stamp(
        {
            "id": organization.id,
            "name": _json(organization.name),
            "description": _json(organization.description),
            "sector": organization.sector,
            "website": organization.website,
            "email": organization.email,
            "source_modified_at": organization.source_modified,
        },
        now,
    )
    phones = [
        _phone_row(phone, now, position, organization_id=organization.id)
        for position, phone in enumerate(organization.phones)
    ]
    return {"organization": [org], "catalogue_phone": phones}


def service_rows(service: Service, now: str) -> dict[str, list[Row]]:
    row = _stamp(
        {
            "id": service.id,
            "organization_id": service.organization_id,
            "name": _json(service.name),
            "description": _json(service.description),
            "eligibility_description": _json(service.eligibility),
            "fees_description": _json(service.fees),
            "application_process": _json(service.application),
            "status": service.status,
            "client_groups": _json(list(service.client_groups)),
            "languages": _json(list(service.languages)),
            "service_areas": _json(list(service.service_areas)),
            "other_areas": _json([area.to_json() for area in service.other_areas]),
            "source_modified_at": service.source_modified,
            "channels": _json(list(service.channels)),
            "free": int(service.free),
            "url": service.url,
            "email": service.email,
            "last_verified_at": service.last_verified.isoformat()
            if service.last_verified
            else None,
            "holidays": service.holidays,
            "eve_closes_at": f"{service.eve_closes:%H:%M}" if service.eve_closes else None,
        },
        now,
    )
    schedules = [
        _stamp(
            {
                "id": rule.id,
                "service_id": service.id,
                "freq": "WEEKLY",
                "byday": rule.byday,
                "opens_at": f"{rule.opens:%H:%M}",
                "closes_at": f"{rule.closes:%H:%M}",
                "description": _json(rule.description),
                "position": position,
                "valid_from": None,
                "valid_to": None,
            },
            now,
        )
        for position, rule in enumerate(service.schedules)
    ] + [
        _stamp(
            {
                "id": hours.id,
                "service_id": service.id,
                "freq": "DAILY" if not hours.days else "WEEKLY",
                "byday": ",".join(BYDAY[day] for day in hours.days) or None,
                "opens_at": f"{hours.opens:%H:%M}" if hours.opens else None,
                "closes_at": f"{hours.closes:%H:%M}" if hours.closes else None,
                "description": _json(hours.description),
                "position": len(service.schedules) + position,
                "valid_from": hours.valid_from.isoformat(),
                "valid_to": hours.valid_to.isoformat(),
            },
            now,
        )
        for position, hours in enumerate(service.exceptional_hours)
    ]
    locations = [
        _stamp(
            {
                "id": place.id,
                "organization_id": service.organization_id,
                "name": _json(place.name),
                "address": place.address,
                "postal_code": place.postal_code,
                "city": place.city,
                "municipality_code": place.municipality_code,
            },
            now,
        )
        for place in service.locations
    ]
    links = [
        _stamp(
            {
                "id": place.link_id,
                "service_id": service.id,
                "location_id": place.id,
                "position": position,
            },
            now,
        )
        for position, place in enumerate(service.locations)
    ]
    return {
        "service": [row],
        "location": locations,
        "service_at_location": links,
        "catalogue_phone": [
            _phone_row(phone, now, position, service_id=service.id)
            for position, phone in enumerate(service.phones)
        ],
        "schedule": schedules,
    }


def _phone_row(
    phone: Phone,
    now: str,
    position: int,
    service_id: str | None = None,
    organization_id: str | None = None,
) -> Row:
    return _stamp(
        {
            "id": phone.id,
            "service_id": service_id,
            "organization_id": organization_id,
            "number": phone.number,
            "description": _json(phone.description),
            "position": position,
        },
        now,
    )


def phone_from_row(row: RowLike) -> Phone:
    return Phone(id=row["id"], number=row["number"], description=_texts(row["description"]))


def organization_from_row(row: RowLike, phones: Sequence[RowLike]) -> Organization:
    return Organization(
        id=row["id"],
        name=_texts(row["name"]),
        description=_texts(row["description"]),
        sector=row["sector"],
        website=row["website"],
        email=row["email"],
        phones=tuple(phone_from_row(p) for p in phones),
        source_modified=row["source_modified_at"],
    )


def service_from_row(
    row: RowLike,
    phones: Sequence[RowLike],
    schedules: Sequence[RowLike],
    locations: Sequence[RowLike],
) -> Service:
    return Service(
        id=row["id"],
        organization_id=row["organization_id"],
        name=_texts(row["name"]),
        description=_texts(row["description"]),
        eligibility=_texts(row["eligibility_description"]),
        fees=_texts(row["fees_description"]),
        application=_texts(row["application_process"]),
        status=row["status"],
        client_groups=tuple(json.loads(row["client_groups"])),
        languages=tuple(json.loads(row["languages"])),
        service_areas=tuple(json.loads(row["service_areas"])),
        other_areas=tuple(ServiceArea.from_json(a) for a in json.loads(row["other_areas"])),
        source_modified=row["source_modified_at"],
        channels=tuple(json.loads(row["channels"])),
        free=bool(row["free"]),
        url=row["url"],
        email=row["email"],
        last_verified=date.fromisoformat(row["last_verified_at"][:10])
        if row["last_verified_at"]
        else None,
        holidays=row["holidays"],
        eve_closes=time.fromisoformat(row["eve_closes_at"]) if row["eve_closes_at"] else None,
        phones=tuple(phone_from_row(p) for p in phones),
        schedules=tuple(
            WeeklyHours(
                id=s["id"],
                days=parse_byday(s["byday"]),
                opens=time.fromisoformat(s["opens_at"]),
                closes=time.fromisoformat(s["closes_at"]),
                description=_texts(s["description"]),
            )
            for s in schedules
            if not s["valid_from"]
        ),
        exceptional_hours=tuple(_exceptional(s) for s in schedules if s["valid_from"]),
        locations=tuple(
            Location(
                id=place["id"],
                link_id=place["link_id"],
                name=_texts(place["name"]),
                address=place["address"] or "",
                postal_code=place["postal_code"] or "",
                city=place["city"] or "",
                municipality_code=place["municipality_code"],
            )
            for place in locations
        ),
    )


def _exceptional(row: RowLike) -> ExceptionalHours:
    return ExceptionalHours(
        id=row["id"],
        valid_from=date.fromisoformat(row["valid_from"]),
        valid_to=date.fromisoformat(row["valid_to"] or row["valid_from"]),
        opens=time.fromisoformat(row["opens_at"]) if row["opens_at"] else None,
        closes=time.fromisoformat(row["closes_at"]) if row["closes_at"] else None,
        days=parse_byday(row["byday"]) if row["byday"] else (),
        description=_texts(row["description"]),
    )
