"""HSDS 3.0 exchange: the mapping both ways, the published schemas, the shapes a
file may take, broken records, and importing the same file again."""

from __future__ import annotations

import json
import shutil
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


def finnish(example: dict[str, Any]) -> dict[str, Any]:
    """An HSDS example made local: its service areas put in Turku."""
    text = json.dumps(example)
    for area in example.get("service_areas", []):
        text = text.replace(json.dumps(area["name"]), json.dumps("Turku"))
    return json.loads(text)


def test_the_specifications_own_examples_are_read_with_unknown_fields_counted() -> None:
    example = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    reading = Reading()
    with pytest.raises(RecordError, match="service_areas"):
        reading.read(example)  # a service area outside the region cannot be routed
    reading = Reading()
    reading.read(finnish(example))
    (service,) = reading.services.values()
    assert service.id == example["id"] and service.name == {"fi": example["name"]}
    assert service.service_areas == ("853",)
    assert service.phones[0].number.startswith("+44")
    assert reading.organizations[example["organization"]["id"]]
    assert reading.ignored["service.wait_time"] == 1
    assert reading.ignored["service.accreditations"] == 1


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
            lambda s: s["service_areas"][0].update(extent="999", uri="", name="Oslo"),
            "service_areas[0]",
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


def test_the_specifications_tabular_example(tmp_path: Path) -> None:
    package = tmp_path / "csv"
    shutil.copytree(EXAMPLES / "csv", package)
    areas = package / "service_areas.csv"
    lines = areas.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]
    assert rows  # the example has service areas outside the region: put them in Turku
    areas.write_text(
        "id,service_id,name\n" + "".join(f"{r['id']},{r['service_id']},Turku\n" for r in rows),
        encoding="utf-8",
    )
    reading = read_catalogue(package, "en")
    assert len(reading.services) == 1
    (service,) = reading.services.values()
    assert service.service_areas == ("853",) and "en" in service.name
