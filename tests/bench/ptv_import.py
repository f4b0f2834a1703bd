"""The PTV import of a large generated set beside the HSDS import of the same
services and the floor (parse, one SQLite row a service), each in a fresh process:
services per second and peak memory (tests/bench/catalogue_import.py measures).

Run: `python3 dev.py bench ptv-import` (OHJAAJA_BENCH_IMPORT_SERVICES, default 5,000).
The same generated services (the demo's, grown, every fifth with an area outside
the region, every third with exceptional hours) are written as HSDS JSON and as a
PTV fetch: a folder of pages of organisations, services and their channels (one
phone channel a service with its hours, and a service location channel for each
service with a place), so both imports do the same work.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path
from typing import Any

from ohjaaja.demo.catalogue import demo_catalogue
from ohjaaja.domain.catalogue import Organization, Service
from ohjaaja.exchange.hsds import derived_id
from ohjaaja.exchange.ptv import SECTOR_OF, TARGET_GROUPS, WEEKDAYS
from tests.bench.catalogue import synthetic_catalogue
from tests.bench.catalogue_import import (
    _varied,
    floor,
    generated_hsds,
    measure,
    print_table,
)

Obj = dict[str, Any]
MODIFIED = "2026-10-01T08:00:00"
TYPE_OF = {sector: kind for kind, sector in reversed(SECTOR_OF.items())}  # first wins
GROUP_NAME = {group: name for name, group in reversed(TARGET_GROUPS.items())}


def _texts(kind: str, texts: dict[str, str]) -> list[Obj]:
    return [{"type": kind, "language": lang, "value": value} for lang, value in texts.items()]


def _items(texts: dict[str, str]) -> list[Obj]:
    return [{"language": lang, "value": value} for lang, value in texts.items()]


def _page(items: list[Obj]) -> Obj:
    return {"pageNumber": 1, "pageSize": len(items), "pageCount": 1, "itemList": items}


def ptv_organization(organization: Organization) -> Obj:
    return {
        "id": organization.id,
        "organizationType": TYPE_OF[organization.sector],
        "organizationNames": _texts("Name", organization.name),
        "organizationDescriptions": _texts("Description", organization.description),
        "phoneNumbers": [
            {"prefixNumber": "+358", "number": p.number.removeprefix("+358"), "language": "fi"}
            for p in organization.phones
            if p.number.startswith("+358")
        ],
        "webPages": [{"url": organization.website, "language": "fi"}]
        if organization.website
        else [],
        "publishingStatus": "Published",
        "modified": MODIFIED,
    }


def ptv_service(service: Service) -> tuple[Obj, list[Obj]]:
    """The service and its channels as PTV gives them."""
    phone_id = derived_id("bench-ptv-phone", service.id)
    hours = [
        {
            "serviceHourType": "OverMidnight" if rule.closes <= rule.opens else "DaysOfTheWeek",
            "openingHour": [
                {
                    "dayFrom": WEEKDAYS[day],
                    "from": f"{rule.opens:%H:%M}",
                    "to": f"{rule.closes:%H:%M}",
                }
                | ({"dayTo": WEEKDAYS[(day + 1) % 7]} if rule.closes <= rule.opens else {})
                for day in rule.days
            ],
        }
        for rule in service.schedules
    ] + [
        {
            "serviceHourType": "Exceptional",
            "validFrom": f"{e.valid_from}T00:00:00",
            "validTo": f"{e.valid_to}T00:00:00",
            "isClosed": e.closed,
            "openingHour": []
            if e.closed
            else [
                {"dayFrom": WEEKDAYS[day], "from": f"{e.opens:%H:%M}", "to": f"{e.closes:%H:%M}"}
                for day in e.days
            ],
        }
        for e in service.exceptional_hours
    ]
    linked = [{"service": {"id": service.id}}]
    channels = [
        {
            "id": phone_id,
            "serviceChannelType": "Phone",
            "serviceChannelNames": _texts("Name", service.name),
            "phoneNumbers": [
                {
                    "type": "Phone",
                    "prefixNumber": "+358",
                    "language": "fi",
                    "number": p.number.removeprefix("+358"),
                    "serviceChargeType": "Chargeable",
                }
                for p in service.phones
                if p.number.startswith("+358")
            ],
            "supportEmails": [{"language": "fi", "value": service.email}] if service.email else [],
            "webPages": [{"url": service.url, "language": "fi"}] if service.url else [],
            "serviceHours": hours,
            "services": linked,
            "publishingStatus": "Published",
            "modified": MODIFIED,
        }
    ]
    for place in service.locations:
        channels.append(
            {
                "id": place.id,
                "serviceChannelType": "ServiceLocation",
                "serviceChannelNames": _texts("Name", place.name or service.name),
                "addresses": [
                    {
                        "type": "Location",
                        "subType": "Street",
                        "streetAddress": {
                            "street": [{"language": "fi", "value": place.address}],
                            "postalCode": place.postal_code,
                            "postOffice": [{"language": "fi", "value": place.city}],
                            "municipality": {"code": place.municipality_code},
                        },
                    }
                ],
                "services": linked,
                "publishingStatus": "Published",
                "modified": MODIFIED,
            }
        )
    limited = bool(service.service_areas or service.other_areas)
    obj = {
        "id": service.id,
        "serviceNames": _texts("Name", service.name),
        "serviceDescriptions": _texts("Description", service.description)
        + _texts("UserInstruction", service.application)
        + _texts("ChargeTypeAdditionalInfo", service.fees),
        "requirements": _items(service.eligibility),
        "serviceChargeType": "FreeOfCharge" if service.free else "Chargeable",
        "areaType": "LimitedType" if limited else "Nationwide",
        "areas": [{"type": "Municipality", "code": code} for code in service.service_areas]
        + [
            {"type": "Municipality", "code": "091", "name": [{"language": "fi", "value": a.name}]}
            for a in service.other_areas
        ],
        "languages": list(service.languages),
        "targetGroups": [
            {"name": [{"language": "fi", "value": GROUP_NAME[g]}]}
            for g in service.client_groups
            if g in GROUP_NAME
        ],
        "serviceChannels": [{"serviceChannel": {"id": c["id"]}} for c in channels],
        "mainOrganization": {"id": service.organization_id},
        "publishingStatus": "Published",
        "modified": MODIFIED,
    }
    return obj, channels


def generated_ptv(folder: Path, count: int, seed: int = 5) -> Path:
    """The services generated_hsds writes, as a PTV fetch folder."""
    organizations, _ = demo_catalogue()
    services = [
        _varied(s, n) for n, s in enumerate(synthetic_catalogue(count, random.Random(seed)))
    ]
    folder.mkdir(parents=True, exist_ok=True)
    objects, channels = [], []
    for service in services:
        obj, its_channels = ptv_service(service)
        objects.append(obj)
        channels += its_channels
    for name, items in (
        ("organizations", [ptv_organization(o) for o in organizations]),
        ("services", objects),
        ("channels", channels),
    ):
        text = json.dumps(_page(items), ensure_ascii=False)
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    count = int(os.environ.get("OHJAAJA_BENCH_IMPORT_SERVICES", "5000"))
    with tempfile.TemporaryDirectory(prefix="ohjaaja-bench-") as tmp:
        workdir = Path(tmp)
        services_json, _ = generated_hsds(workdir / "hsds", count)
        ptv = generated_ptv(workdir / "ptv", count)
        base = floor(services_json, count, workdir)
        rows = [
            measure("HSDS JSON", ["catalogue", "import"], services_json, count, workdir),
            measure("PTV JSON (folder)", ["catalogue", "import-ptv"], ptv, count, workdir),
        ]
        for row in rows:  # the figures count only if the import did the work
            assert f"new {count}, updated 0, unchanged 0" in row.said[0], row.said
            assert f"new 0, updated 0, unchanged {count}" in row.said[1], row.said
        print_table(rows, base)
        sizes = {
            "HSDS": services_json.stat().st_size,
            "PTV": sum(p.stat().st_size for p in ptv.glob("*.json")),
        }
        print("  files: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))


if __name__ == "__main__":
    main()
