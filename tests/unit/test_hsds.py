"""HSDS 3.0 exchange: the mapping both ways, the published schemas, the shapes a
file may take, broken records, and importing the same file again."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ohjaaja.demo.catalogue import demo_catalogue
from ohjaaja.exchange.hsds import Reading, RecordError, organization_object, service_object
from ohjaaja.exchange.hsds_files import HsdsFileError, read_catalogue, write_json, write_package
from ohjaaja.shell.cli import main

SCHEMAS = Path(__file__).resolve().parents[1] / "hsds_schema"
EXAMPLES = SCHEMAS / "examples"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def exported() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    organizations, services = demo_catalogue()
    by_id = {o.id: o for o in organizations}
    return (
        [service_object(s, by_id[s.organization_id]) for s in services],
        [organization_object(o) for o in organizations],
    )


def test_every_exported_record_validates_against_the_published_schemas() -> None:
    services, organizations = exported()
    service_schema, organization_schema = validator("service"), validator("organization")
    for obj in services:
        assert not list(service_schema.iter_errors(obj)), obj["name"]
    for obj in organizations:
        assert not list(organization_schema.iter_errors(obj)), obj["name"]
    # The check can fail: a service without its status, an id that is no UUID.
    broken = {**services[0], "id": "kotihoito-1"}
    del broken["status"]
    assert len(list(service_schema.iter_errors(broken))) == 2


def test_texts_travel_as_the_finnish_field_and_translation_attributes() -> None:
    services, _ = exported()
    aura = next(s for s in services if s["name"] == "Kotihoito – Aura")
    translations = {
        (a["link_type"], a["taxonomy_term"]["code"]): a["value"]
        for a in aura["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "ohjaaja:translation"
    }
    assert translations[("name", "sv")] == "Hemvård – Aura"
    assert translations[("name", "en")] == "Home care – Aura"
    assert aura["service_areas"][0]["extent"] == "019"
    assert aura["service_areas"][0]["uri"].endswith("/code/019")
    assert aura["cost_options"][0]["option"] == "paid"
    assert {a["taxonomy_term"]["code"] for a in aura["attributes"]} >= {"ikaihmiset", "home"}


def test_json_and_csv_exports_read_back_to_the_same_catalogue(tmp_path: Path) -> None:
    organizations, services = demo_catalogue()
    service_objects, organization_objects = exported()
    write_json(tmp_path / "json", service_objects, organization_objects)
    write_package(tmp_path / "csv", service_objects, organization_objects)
    for source in (tmp_path / "json" / "services.json", tmp_path / "csv"):
        reading = read_catalogue(source, "fi")
        assert reading.services == {s.id: s for s in services}, source
        assert reading.organizations == {o.id: o for o in organizations}, source
        assert not reading.ignored
    package = json.loads((tmp_path / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    assert {"services.csv", "phones.csv", "schedules.csv", "service_at_location.csv"} <= {
        r["path"] for r in package["resources"]
    }


def example(name: str) -> tuple[Path, dict[str, Any]]:
    """A specification example as given, and its service object (nested or not)."""
    path = EXAMPLES / name
    if path.is_dir():
        return path, json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    document = json.loads(path.read_text(encoding="utf-8"))
    return path, document["services"][0] if "services" in document else document


AREA_KEYS = ("id", "name", "description", "extent", "extent_type", "uri")


@pytest.mark.parametrize("name", ["service_full.json", "organization_full.json", "csv"])
def test_the_specifications_own_examples_import_unchanged_and_export_back(
    name: str, tmp_path: Path
) -> None:
    path, given = example(name)
    reading = read_catalogue(path, "en")
    (service,) = reading.services.values()
    assert service.id == given["id"] and service.name == {"en": given["name"]}
    for texts, key in (
        (service.description, "description"),
        (service.eligibility, "eligibility_description"),
        (service.fees, "fees_description"),
        (service.application, "application_process"),
    ):
        assert texts == {"en": given[key].strip()}, key
    # The area outside the region is kept as given, not placed under a municipality.
    assert service.service_areas == ()
    (area,) = service.other_areas
    assert area.name == given["service_areas"][0]["name"] and area.extent_type == "geojson"
    assert not service.available_in("853")
    # The schedule with valid_from/valid_to is exceptional hours.
    (hours,) = service.exceptional_hours
    assert (hours.valid_from, hours.days, f"{hours.opens}") == (
        date(2005, 1, 1),
        (3, 4),
        "10:00:00",
    )
    assert service.schedules == () and service.phones[0].number == "+441234234567"
    assert service.phones[0].description == {"en": given["phones"][0]["description"]}
    assert reading.ignored["service.alternate_name"] == 1  # not modelled: counted

    organization = reading.organizations[service.organization_id]
    exported = service_object(service, organization)
    assert not list(validator("service").iter_errors(exported))
    assert not list(validator("organization").iter_errors(organization_object(organization)))
    assert [{k: a[k] for k in AREA_KEYS} for a in exported["service_areas"]] == [
        {k: a[k] for k in AREA_KEYS} for a in given["service_areas"]
    ]
    (schedule,) = exported["schedules"]
    original = given["schedules"][0]
    for key in ("id", "valid_from", "valid_to", "byday", "description", "freq"):
        assert schedule[key] == original[key], key
    assert (schedule["opens_at"], schedule["closes_at"]) == ("10:00", "18:00")
    assert exported["phones"][0]["description"] == given["phones"][0]["description"]
    for key in ("name", "eligibility_description", "fees_description", "application_process"):
        assert exported[key] == given[key], key
    # And back again, from JSON and from the datapackage: the same service.
    organizations = [organization_object(organization)]
    write_json(tmp_path / "json", [exported], organizations)
    write_package(tmp_path / "csv", [exported], organizations)
    for source in (tmp_path / "json" / "services.json", tmp_path / "csv"):
        assert read_catalogue(source, "en").services == {service.id: service}, source


@pytest.mark.parametrize("name", ["service_full.json", "organization_full.json", "csv"])
def test_the_cli_imports_each_example(name: str, tmp_path: Path, capsys) -> None:
    database = str(tmp_path / "desk.sqlite")
    code, out, err = run(capsys, "import", "--database", database, str(EXAMPLES / name))
    assert code == 0, err
    assert "services: new 1, updated 0, unchanged 0" in out
    assert "language ur" in err  # the desk has no Urdu: said, not silently dropped
    code, out, _ = run(capsys, "export", "--database", database, str(tmp_path / "out"))
    (service,) = json.loads((tmp_path / "out" / "services.json").read_text(encoding="utf-8"))
    assert service["service_areas"][0]["id"] == "381c64f1-a724-4884-9c21-ac96c21cca3e"
    assert service["schedules"][0]["valid_from"] == "2005-01-01"
    assert service["phones"][0]["number"] == "+441234234567"


HELSINKI = {
    "id": "7c0c6f55-3a4b-4bb4-9d8e-1f6f4bd1a0aa",
    "name": "Helsinki",
    "description": "Helsingin asukkaat",
    "extent": '{"type": "Point", "coordinates": [24.94, 60.17]}',
    "extent_type": "geojson",
    "uri": "http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/091",
}


def test_a_record_mixing_our_municipalities_and_others_keeps_both() -> None:
    services, _ = exported()
    record = next(s for s in services if s["service_areas"])
    record["service_areas"].append({**HELSINKI, "service_id": record["id"]})
    reading = Reading()
    reading.read(record)
    service = reading.services[record["id"]]
    assert service.service_areas == (record["service_areas"][0]["extent"],)
    assert [a.name for a in service.other_areas] == ["Helsinki"]
    assert service.available_in(service.service_areas[0]) and not service.available_in("853")
    organization = reading.organizations[service.organization_id]
    written = service_object(service, organization)["service_areas"]
    assert written[1] == {**HELSINKI, "service_id": record["id"]}
    assert not list(validator("service").iter_errors(service_object(service, organization)))


def test_exceptional_hours_closed_and_on_weekdays_travel_both_ways() -> None:
    services, _ = exported()
    record = services[0]
    sid = record["id"]
    closed = {
        "id": "0b8a4f7e-7d83-4b8e-9d4c-2b1f3e6a1c01",
        "service_id": sid,
        "valid_from": "2026-12-24",
        "valid_to": "2026-12-26",
        "description": "Joulu",
    }
    summer = {"id": "0b8a4f7e-7d83-4b8e-9d4c-2b1f3e6a1c02", "service_id": sid,
              "valid_from": "2026-07-01", "valid_to": "2026-07-31", "freq": "WEEKLY",
              "wkst": "MO", "byday": "MO,WE",
              "opens_at": "09:00", "closes_at": "12:00"}  # fmt: skip
    record["schedules"] += [closed, summer]
    reading = Reading()
    reading.read(record)
    service = reading.services[sid]
    first, second = service.exceptional_hours
    assert first.closed and (first.valid_from, first.valid_to) == (
        date(2026, 12, 24),
        date(2026, 12, 26),
    )
    assert first.days == () and first.description == {"fi": "Joulu"}
    assert second.days == (0, 2) and f"{second.opens}-{second.closes}" == "09:00:00-12:00:00"
    assert service.hours.describe(date(2026, 12, 24)) == ""  # a Thursday, closed
    organization = reading.organizations[service.organization_id]
    obj = service_object(service, organization)
    assert obj["schedules"][-2:] == [closed, summer]
    assert not list(validator("service").iter_errors(obj))


def test_a_page_an_array_and_a_single_object(tmp_path: Path) -> None:
    services, organizations = exported()
    shapes = {
        "one.json": services[0],
        "page.json": {"total_items": 2, "page_number": 1, "contents": services[:2]},
        "array.json": services[:3],
        "organizations.json": organizations,
    }
    counts = {}
    for name, document in shapes.items():
        path = tmp_path / name
        path.write_text(json.dumps(document), encoding="utf-8")
        reading = read_catalogue(path, "fi")
        counts[name] = (len(reading.services), len(reading.organizations))
    assert counts == {
        "one.json": (1, 1),
        "page.json": (2, 1),
        "array.json": (3, 1),
        "organizations.json": (0, 13),
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s.update(id="kotihoito-1"), "id: not a UUID"),
        (lambda s: s.update(name="", attributes=[]), "name: required"),
        (lambda s: s["phones"].append({"id": s["id"], "number": "040 12"}), "phones[0].number"),
        (lambda s: s["schedules"][0].update(opens_at="8.00"), "schedules[0].opens_at"),
        (lambda s: s["schedules"][0].update(byday="MO,XX"), "schedules[0].byday"),
        (
            lambda s: s["service_areas"][0].update(extent="", uri="", name=""),
            "service_areas[0]: neither a municipality of the region nor a named area",
        ),
        (
            lambda s: s["service_areas"][0].update(extent="999", name=5),
            "service_areas[0].name: must be a string",
        ),
        (
            lambda s: s["service_areas"][0].update(
                extent="x", uri="", name="Oslo", extent_type="shapefile"
            ),
            "service_areas[0].extent_type: one of geojson",
        ),
        (lambda s: s["schedules"][0].update(valid_to="2026-01-01"), "schedules[0].valid_from"),
        (
            lambda s: s["schedules"][0].update(valid_from="2026-02-01", valid_to="2026-01-01"),
            "schedules[0].valid_to: before valid_from",
        ),
        (
            lambda s: s["schedules"][0].update(
                valid_from="2026-01-01", valid_to="2026-01-02", closes_at=None
            ),
            "schedules[0].closes_at: required",
        ),
        (lambda s: s.update(assured_date="1.9.2026"), "assured_date: not a date"),
        (lambda s: s.update(phones="0401234567"), "phones: must be a list"),
        (lambda s: s.pop("organization") and s.pop("organization_id"), "organization_id: required"),
    ],
)
def test_a_broken_record_is_named_with_its_field(change: Any, field: str) -> None:
    services, _ = exported()
    record = json.loads(json.dumps(services[0]))
    record["phones"] = []
    change(record)
    with pytest.raises(RecordError) as raised:
        Reading().read(record)
    assert field in str(raised.value)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["catalogue", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_importing_again_updates_instead_of_duplicating(tmp_path: Path, capsys) -> None:
    services, _ = exported()
    path = tmp_path / "services.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    database = str(tmp_path / "desk.sqlite")
    code, out, _ = run(capsys, "import", "--database", database, str(path))
    assert code == 0 and "new 173, updated 0, unchanged 0" in out
    services[0]["name"] = "Kotihoito – uusi nimi"
    services[0]["attributes"] = [
        a
        for a in services[0]["attributes"]
        if a["taxonomy_term"]["taxonomy"] != "ohjaaja:translation"
    ]
    path.write_text(json.dumps(services), encoding="utf-8")
    code, out, _ = run(capsys, "import", "--database", database, str(path))
    assert code == 0 and "new 0, updated 1, unchanged 172" in out
    code, out, _ = run(capsys, "export", "--database", database, str(tmp_path / "out"))
    again = json.loads((tmp_path / "out" / "services.json").read_text(encoding="utf-8"))
    assert len(again) == 173 and "Kotihoito – uusi nimi" in {s["name"] for s in again}


def test_one_broken_record_imports_nothing(tmp_path: Path, capsys) -> None:
    services, _ = exported()
    services[5]["schedules"][0]["closes_at"] = "late"
    path = tmp_path / "services.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    database = tmp_path / "desk.sqlite"
    code, _, err = run(capsys, "import", "--database", str(database), str(path))
    assert code == 1
    assert "services.json: record 6: schedules[0].closes_at: not a time" in err
    assert not database.exists()  # checked before the database was even opened


def test_a_record_the_catalogue_refuses_imports_nothing(tmp_path: Path, capsys) -> None:
    services, _ = exported()
    services[3]["attributes"].append(
        {**services[3]["attributes"][-1], "id": services[3]["id"], "taxonomy_term": {
            "id": services[3]["id"], "name": "x", "description": "x",
            "taxonomy": "ohjaaja:client_group", "code": "nobody"}}
    )  # fmt: skip
    path = tmp_path / "services.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    database = tmp_path / "desk.sqlite"
    code, _, err = run(capsys, "import", "--database", str(database), str(path))
    assert code == 1 and "client_groups: unknown client group 'nobody'" in err
    code, out, _ = run(capsys, "export", "--database", str(database), str(tmp_path / "out"))
    assert "exported 0 services" in out


def test_a_malformed_area_imports_nothing_and_is_named(tmp_path: Path, capsys) -> None:
    document = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    del document["service_areas"][0]["name"]
    del document["service_areas"][0]["extent"]
    path = tmp_path / "service.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    database = tmp_path / "desk.sqlite"
    code, out, err = run(capsys, "import", "--database", str(database), str(path))
    assert code == 1 and not out
    assert "service.json: record 1: service_areas[0]: neither a municipality" in err
    assert "nothing was imported" in err and not database.exists()


def test_files_that_cannot_be_read(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": 1},\n  oops]', encoding="utf-8")
    with pytest.raises(HsdsFileError, match=r"broken\.json:2: not JSON"):
        read_catalogue(broken, "fi")
    with pytest.raises(HsdsFileError, match=r"no datapackage\.json"):
        read_catalogue(tmp_path, "fi")
    code, _, err = run(
        capsys, "import", "--database", str(tmp_path / "d.sqlite"), str(tmp_path / "none.json")
    )
    assert code == 2 and "cannot read" in err


def test_what_the_desk_cannot_store_is_named_and_nothing_imported(tmp_path: Path, capsys) -> None:
    document = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    points = ",".join(f"[24.{i:05d},60.1]" for i in range(20_000))  # a real border is long
    document["service_areas"][0]["extent"] = f'{{"type":"Polygon","coordinates":[[{points}]]}}'
    path = tmp_path / "service.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    database = tmp_path / "desk.sqlite"
    code, _, err = run(capsys, "import", "--database", str(database), str(path))
    assert code == 1 and not database.exists()
    assert "service.json: record 1: service_areas: areas outside the region: at most" in err
    # Any other value too long for the desk: named, no traceback, nothing stored.
    document = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    document["description"] = "x" * 40_000
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run(capsys, "import", "--database", str(database), str(path))
    assert code == 1 and "description: at most" in err and "nothing was imported" in err
    code, out, _ = run(capsys, "export", "--database", str(database), str(tmp_path / "out"))
    assert "exported 0 services" in out
