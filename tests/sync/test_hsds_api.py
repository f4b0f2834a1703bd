"""The catalogue as an HSDS 3.0 API (issue 18, item 3): a real server process on
SQLite and PostgreSQL serves what desks synced, each answer validated against the
specification's schemas (tests/hsds_schema: the compiled list and record schemas, and
the Page of its openapi.json); read only; a token needed unless anonymous reading
is on; a bad parameter is 400 naming it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from ohjaaja.demo.catalogue import demo_catalogue
from ohjaaja.domain.catalogue import Organization, Service, ServiceArea
from ohjaaja.domain.clock import FixedClock
from ohjaaja.domain.schedules import ExceptionalHours
from ohjaaja.exchange.hsds import organization_object, service_object
from tests.sync.conftest import Server, Site, start_server, stop

SCHEMAS = Path(__file__).resolve().parents[1] / "hsds_schema"


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def page_validator() -> Draft202012Validator:
    """openapi.json's Page, with every field required (an API of ours gives them all)."""
    openapi = json.loads((SCHEMAS / "openapi.json").read_text(encoding="utf-8"))
    page = dict(openapi["components"]["schemas"]["Page"])
    page["required"] = sorted(page["properties"])
    return Draft202012Validator(page)


def valid(document: Any, name: str) -> Any:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(document)
    ]
    assert not errors, errors[:5]
    return document


def valid_page(document: dict[str, Any], item: str) -> dict[str, Any]:
    assert not list(page_validator().iter_errors(document)), document
    assert isinstance(document["contents"], list)
    for record in document["contents"]:
        valid(record, item)
    return document


def get(client: httpx.Client, path: str, **params: Any) -> Any:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def catalogue(
    server: Server, tmp_path: Path, clock: FixedClock
) -> tuple[list[Organization], list[Service]]:
    """The demo's catalogue, synced to the server by an admin's desk; one service with
    exceptional hours, one of an area outside the region."""
    organizations, demo = demo_catalogue()
    services = list(demo)
    services[1] = replace(services[1], service_areas=(), other_areas=(ServiceArea(
        id="6b1f2a4e-1d1c-4f63-9f0a-3c1f3f6e7a02", name="Tampere", extent="837",
        extent_type="text", uri="http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/837",
    ),))  # fmt: skip
    services[0] = replace(services[0], exceptional_hours=(ExceptionalHours(
        id="6b1f2a4e-1d1c-4f63-9f0a-3c1f3f6e7a01", valid_from=date(2026, 12, 24),
        valid_to=date(2026, 12, 26), opens=None, closes=None, days=(), description={"fi": "Joulu"},
    ),))  # fmt: skip
    admin = Site(server, tmp_path, "admin", clock, roles=("guidance", "admin"))
    report, errors = admin.desk.catalogue.save_catalogue(organizations, services)
    assert errors == [] and report is not None
    assert admin.sync.sync_once().rejected == 0
    admin.close()
    return list(organizations), services


def test_the_synced_catalogue_reads_as_hsds_page_by_page(
    server: Server, catalogue: tuple[list[Organization], list[Service]]
) -> None:
    organizations, services = catalogue
    reader = server.client(server.token("organiser", "register-reader"))
    assert get(reader, "/hsds/")["version"] == "3.0"

    # Every service once, in id order, over pages of 50; past the last page: empty.
    seen: list[str] = []
    pages = -(-len(services) // 50)
    for number in range(1, pages + 2):
        page = valid_page(get(reader, "/hsds/services", page=number, per_page=50), "service_list")
        assert (page["total_items"], page["total_pages"], page["page_number"]) == (
            len(services), pages, number,
        )  # fmt: skip
        assert page["first_page"] == (number == 1)
        assert page["last_page"] == (number >= pages)
        assert page["empty"] == (number > pages)
        assert page["size"] == len(page["contents"])
        seen += [record["id"] for record in page["contents"]]
    assert seen == sorted(s.id for s in services)

    # A full record is the export's record of the same service (and its modified stamp).
    by_id = {s.id: s for s in services}
    orgs = {o.id: o for o in organizations}
    first = services[0]
    record = valid(get(reader, f"/hsds/services/{first.id}"), "service")
    expected = service_object(first, orgs[first.organization_id])
    assert {k: v for k, v in record.items() if k != "last_modified"} == json.loads(
        json.dumps(expected)
    )
    assert record["last_modified"].startswith("2026-11-23T")
    full = valid_page(get(reader, "/hsds/services", per_page=7, full="true"), "service_list")
    for item in full["contents"]:
        valid(item, "service")
        assert (
            item["phones"]
            == service_object(by_id[item["id"]], orgs[item["organization_id"]])["phones"]
        )

    # Search (any language, case folded), an organisation's services, modified after.
    found = get(reader, "/hsds/services", search="HEMVÅRD", per_page=1000)["contents"]
    texts = {s.id: " ".join([*s.name.values(), *s.description.values()]) for s in services}
    assert found and {r["id"] for r in found} == {
        i for i, t in texts.items() if "hemvård" in t.lower()
    }
    big = max(orgs, key=lambda oid: sum(s.organization_id == oid for s in services))
    mine = get(reader, "/hsds/services", organization_id=big, per_page=1000)
    assert mine["total_items"] == sum(s.organization_id == big for s in services)
    assert get(reader, "/hsds/services", modified_after="2026-11-23")["total_items"] == len(
        services
    )
    assert get(reader, "/hsds/services", modified_after="2026-11-24T00:00:00+02:00")["empty"]
    assert get(reader, "/hsds/services", search="50%_")["total_items"] == 0

    # Organisations: the list's one-to-one fields; one whole, with its services.
    listed = valid_page(get(reader, "/hsds/organizations", per_page=100), "organization_list")
    assert [o["id"] for o in listed["contents"]] == sorted(orgs)
    wholes = get(reader, "/hsds/organizations", per_page=5, page=2, full="true")
    for item in valid_page(wholes, "organization_list")["contents"]:
        assert "services" not in valid(item, "organization") and "attributes" in item
    whole = valid(get(reader, f"/hsds/organizations/{big}"), "organization")
    assert sorted(s["id"] for s in whole["services"]) == sorted(
        s.id for s in services if s.organization_id == big
    )
    assert {k: v for k, v in whole.items() if k != "services"} == json.loads(
        json.dumps(organization_object(orgs[big]))
    )
    with_services = get(reader, f"/hsds/organizations/{big}", full_service="true")
    for item in valid(with_services, "organization")["services"]:
        valid(item, "service")
        assert "phones" in item

    # Service at locations: each link of a service to a place, with both.
    links = [(s, place) for s in services for place in s.locations]
    assert links, "the demo has services at locations"
    page = valid_page(
        get(reader, "/hsds/service_at_locations", per_page=1000), "service_at_location_list"
    )
    assert sorted(r["id"] for r in page["contents"]) == sorted(p.link_id for _, p in links)
    service, place = links[0]
    one = valid(get(reader, f"/hsds/service_at_locations/{place.link_id}"), "service_at_location")
    assert (one["service_id"], one["location_id"], one["service"]["id"]) == (
        service.id, place.id, service.id,
    )  # fmt: skip
    assert one["location"]["addresses"][0]["address_1"] == place.address
    full_links = get(reader, "/hsds/service_at_locations", full="true", organization_id=big)
    for item in valid_page(full_links, "service_at_location_list")["contents"]:
        valid(item, "service_at_location")
    assert reader.get("/hsds/services/00000000-0000-4000-8000-000000000000").status_code == 404


def test_reading_takes_a_token_unless_anonymous_reading_is_on(
    server: Server, catalogue: tuple[list[Organization], list[Service]]
) -> None:
    anyone = server.client(None)
    for path in ("/hsds/", "/hsds/services", "/hsds/organizations", "/hsds/service_at_locations",
                 f"/hsds/services/{catalogue[1][0].id}"):  # fmt: skip
        assert anyone.get(path).status_code == 401, path
    assert server.client("not-a-token").get("/hsds/services").status_code == 401
    desk = server.client(server.token("desk", "desk-1", ("w1",)))
    assert get(desk, "/hsds/services")["total_items"] == len(catalogue[1])

    # Read only: no method but GET.
    sid = catalogue[1][0].id
    writes = [("POST", "/hsds/services"), ("PUT", f"/hsds/services/{sid}"),
              ("DELETE", f"/hsds/services/{sid}"), ("PATCH", "/hsds/organizations")]  # fmt: skip
    for method, path in writes:
        assert desk.request(method, path, json={"id": sid}).status_code == 405, (method, path)

    # The operator switches anonymous reading on: no token is needed, a bad one still fails.
    open_server = start_server([*server.store_args, "--hsds-anonymous"])
    try:
        public = open_server.client(None)
        assert get(public, "/hsds/services", per_page=1)["total_items"] == len(catalogue[1])
        assert get(public, f"/hsds/services/{sid}")["id"] == sid
        assert open_server.client("revoked-or-made-up").get("/hsds/services").status_code == 401
        assert public.post("/hsds/services", json={}).status_code == 405
        assert public.get("/v1/changes").status_code == 401  # only the catalogue is open
    finally:
        stop(open_server)


BAD = [  # (path, parameters, the one named in the answer)
    ("/hsds/services", {"page": "0"}, "page"),
    ("/hsds/services", {"page": "two"}, "page"),
    ("/hsds/services", {"per_page": "5000"}, "per_page"),
    ("/hsds/services", {"per_page": "-1"}, "per_page"),
    ("/hsds/services", {"colour": "red"}, "colour"),
    ("/hsds/services", {"format": "ndjson"}, "format"),
    ("/hsds/services", {"modified_after": "yesterday"}, "modified_after"),
    ("/hsds/services", {"full": "maybe"}, "full"),
    ("/hsds/services", {"search": "x" * 201}, "search"),
    ("/hsds/services", {"taxonomy_term_id": "x"}, "taxonomy_term_id"),
    ("/hsds/organizations", {"organization_id": "x"}, "organization_id"),
    ("/hsds/organizations", {"full_service": "true"}, "full_service"),
    ("/hsds/services/abc", {"full": "true"}, "full"),
    ("/hsds/organizations/abc", {"full_service": "perhaps"}, "full_service"),
    ("/hsds/services", {"organization_id": "a\x00b"}, "organization_id"),
    ("/hsds/service_at_locations", {"search": "\x00"}, "search"),
]


def test_a_bad_parameter_is_refused_with_its_name(server: Server) -> None:
    reader = server.client(server.token("organiser", "register-reader"))
    for path, params, named in BAD:
        answer = reader.get(path, params=params)
        assert answer.status_code == 400, (path, params, answer.text)
        assert answer.json()["detail"].startswith(f"{named}:"), answer.text
    for path in ("/hsds/services/a%00b", "/hsds/organizations/" + "x" * 65):
        assert reader.get(path).status_code == 404, path
    twice = reader.get("/hsds/services?page=1&page=2")
    assert twice.status_code == 400 and twice.json()["detail"] == "page: given twice"
