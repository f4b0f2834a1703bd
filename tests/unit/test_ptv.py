"""`ohjaaja catalogue import-ptv`: the national Service Catalogue's (PTV) open API v11
JSON mapped to the catalogue. The fixtures in tests/ptv/fetch are our own, written
from PTV's published v11 models (services, channels and organisations as pages of
itemList), covering every mapped field and every kind of service hours."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from ohjaaja.db.catalogue import Filters

from ohjaaja.exchange.fields import RecordError
from ohjaaja.exchange.hsds_files import HsdsFileError
from ohjaaja.exchange.ptv import PtvReading
from ohjaaja.exchange.ptv_files import read_ptv
from ohjaaja.shell.cli import main
from tests.conftest import open_desk

FETCH = Path(__file__).resolve().parents[1] / "ptv" / "fetch"
TURKU_ORG, ASSOC_ORG, COMPANY_ORG = (f"4c2b0f1e-6c1a-4a53-9b8e-0a9d3c1e7a0{n}" for n in (1, 2, 3))
ADVICE, CRISIS, NIGHT, GONE, HELSINKI = (
    f"7d1e2f30-1a2b-4c3d-8e9f-00000000000{n}" for n in (1, 2, 3, 4, 5)
)
PHONE_CHANNEL = "9a8b7c6d-0000-4000-8000-000000000001"
KUNTA = "http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/"


def helsinki(day: date, hour: int, minute: int = 0) -> datetime:
    """A Finnish wall-clock time as UTC (EET in winter, EEST in summer)."""
    offset = 3 if 4 <= day.month <= 10 else 2
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).replace(
        hour=(hour - offset) % 24
    )


@pytest.fixture(scope="module")
def reading() -> PtvReading:
    return read_ptv(FETCH)


def test_texts_charges_languages_and_groups(reading: PtvReading) -> None:
    advice = reading.services[ADVICE]
    assert advice.name == {
        "fi": "Aikuissosiaalityön neuvonta",
        "sv": "Rådgivning i socialt arbete för vuxna",
        "en": "Adult social work advice",
    }  # the Name, not the AlternativeName
    assert advice.description["fi"] == (
        "Neuvontaa arjen pulmiin.\n\nSosiaaliohjaaja neuvoo toimeentulossa ja asumisessa."
    )  # Summary, then Description
    assert advice.description["en"] == "Advice on everyday problems."
    assert advice.application["sv"] == "Ring rådgivningen eller kom på besök."  # UserInstruction
    assert advice.fees == {"fi": "Neuvonta on maksutonta."}  # ChargeTypeAdditionalInfo
    assert advice.eligibility == {"fi": "Asut Turussa.", "sv": "Du bor i Åbo."}  # requirements
    assert advice.free and not reading.services[NIGHT].free  # FreeOfCharge, Chargeable
    assert advice.languages == ("fi", "sv", "ru")  # an unknown code is left out, counted
    assert reading.ignored["language xx"] == 1
    assert advice.client_groups == ("tyoikaiset",)  # "Kansalaiset" maps to none
    assert reading.services[CRISIS].client_groups == ("mipa",)
    assert reading.services[NIGHT].client_groups == ("ikaihmiset",)
    assert advice.organization_id == TURKU_ORG  # mainOrganization
    assert reading.services[CRISIS].organization_id == ASSOC_ORG  # the Responsible one
    assert advice.source_modified == "2026-10-05T07:00:00.000000Z"  # its latest channel's change


def test_areas_in_the_region_elsewhere_and_nationwide(reading: PtvReading) -> None:
    advice = reading.services[ADVICE]
    assert advice.service_areas == ("853",)
    (elsewhere,) = advice.other_areas
    assert (elsewhere.name, elsewhere.uri) == ("Helsinki", KUNTA + "091")
    assert elsewhere.description == {"fi": "Helsinki", "sv": "Helsingfors"}
    crisis = reading.services[CRISIS]  # Nationwide: everywhere
    assert crisis.service_areas == () and crisis.other_areas == ()
    assert crisis.available_in("853") and crisis.available_in("202")
    night = reading.services[NIGHT]  # a region: its municipalities of ours
    assert night.service_areas == ("853", "202")
    assert [a.extent for a in night.other_areas] == ["HospitalDistrict 15"]
    assert not reading.services[HELSINKI].available_in("853")


def test_organisations_and_their_sectors(reading: PtvReading) -> None:
    turku = reading.organizations[TURKU_ORG]
    assert turku.name["sv"] == "Åbo stad" and turku.sector == "public"
    assert turku.website == "https://www.turku.fi"
    assert turku.email == "kirjaamo@turku.fi"  # liisa.lehtonen@ is a person's: left out
    assert [(p.number, p.description) for p in turku.phones] == [
        ("+35822625000", {"fi": "Vaihde, pvm/mpm"})
    ]
    assert reading.organizations[ASSOC_ORG].sector == "third"
    assert reading.organizations[COMPANY_ORG].sector == "private"
    assert turku.source_modified == "2026-10-01T08:00:00.000000Z"


def test_channels_phones_mail_web_and_places(reading: PtvReading) -> None:
    advice = reading.services[ADVICE]
    assert advice.channels == ("phone", "visit")  # the printable form offers nothing here
    assert [(p.number, p.description) for p in advice.phones] == [
        ("+35822626000", {"fi": "Neuvonta, pvm/mpm", "sv": "Rådgivning, avgiftsbelagd"})
    ]  # prefix and number to E.164, one per number, each language's info and charge
    assert advice.email == "sosiaalineuvonta@turku.fi"
    assert advice.url == "https://www.turku.fi/sosiaalineuvonta"
    (place,) = advice.locations  # the postal address is not a place to visit
    assert (place.address, place.postal_code, place.city, place.municipality_code) == (
        "Puolalankatu 5",
        "20100",
        "Turku",
        "853",
    )
    crisis = reading.services[CRISIS]
    assert [p.number for p in crisis.phones] == ["+358800123456", "116123"]  # service numbers
    night = reading.services[NIGHT]
    assert night.channels == ("phone", "web") and night.url == "https://yokoti.example.fi"


def test_a_named_persons_details_are_not_imported_and_are_counted(reading: PtvReading) -> None:
    text = json.dumps(
        [
            [p.number for s in reading.services.values() for p in s.phones],
            [s.email for s in reading.services.values()],
            [o.email for o in reading.organizations.values()],
        ]
    )
    assert "+358401234567" not in text and "virtanen" not in text and "lehtonen" not in text
    assert reading.personal == {"e-mail": 2, "phone": 1}


def test_service_hours_without_flattening(reading: PtvReading) -> None:
    hours = reading.services[ADVICE].hours
    # Weekdays: the phone line 08-16, the office Monday to Thursday 09-15.
    assert [(r.days, r.opens, r.closes) for r in reading.services[ADVICE].schedules] == [
        ((0, 1, 2, 3, 4), time(8), time(16)),
        ((0, 1, 2, 3), time(9), time(15)),
    ]
    assert hours.is_open(helsinki(date(2026, 11, 27), 15))  # a Friday: the phone line
    assert not hours.is_open(helsinki(date(2026, 11, 28), 10))  # Saturday
    # A closed holiday (24.-26.12.), other hours on New Year's Eve, a training day.
    assert hours.describe(date(2026, 12, 24)) == ""
    assert hours.describe(date(2026, 12, 31)) == "08:00-12:00"
    assert hours.describe(date(2027, 1, 7)) == "12:00-15:00"  # the link's own hours
    # Summer: the phone line's break; the office's summer hours Monday to Thursday.
    assert hours.describe(date(2026, 7, 8)) == "10:00-14:00"
    assert hours.describe(date(2026, 7, 10)) == ""  # a Friday of the break
    # After the break, a Friday: the phone line's week (the office's summer hours
    # are for Monday to Thursday only).
    assert hours.describe(date(2026, 8, 7)) == "08:00-16:00"
    # Always open, public holidays too.
    crisis = reading.services[CRISIS].hours
    assert crisis.is_open(helsinki(date(2026, 12, 25), 3))
    assert reading.services[CRISIS].holidays == "open"
    # Over midnight: Monday 22-06, and Friday 16:00 to Monday 08:00.
    night = reading.services[NIGHT].hours
    assert night.is_open(helsinki(date(2026, 11, 24), 5))  # Tuesday 05:00
    assert not night.is_open(helsinki(date(2026, 11, 24), 7))
    assert night.is_open(helsinki(date(2026, 11, 28), 12))  # Saturday noon
    assert night.is_open(helsinki(date(2026, 11, 30), 7, 59))  # Monday morning
    assert not night.is_open(helsinki(date(2026, 11, 30), 8, 1))


def test_deleted_and_archived_are_removed(reading: PtvReading) -> None:
    assert reading.removed == {GONE} and GONE not in reading.services
    assert "9a8b7c6d-0000-4000-8000-000000000006" in reading.removed_channels


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["catalogue", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def edit(folder: Path, name: str, item_id: str, **changes: Any) -> None:
    path = folder / name
    page = json.loads(path.read_text(encoding="utf-8"))
    for item in page["itemList"]:
        if item["id"] == item_id:
            item.update(changes)
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")


def test_importing_again_changes_nothing_and_modified_drives_updates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "fetch"
    shutil.copytree(FETCH, folder)
    database = str(tmp_path / "desk.sqlite")
    code, out, _ = run(capsys, "import-ptv", "--database", database, str(folder))
    assert code == 0
    assert "organizations 3 changed; services: new 4, updated 0, unchanged 0, removed 0" in out
    assert "a named person's contact details not imported: 3 (e-mail ×2, phone ×1)" in out
    code, out, _ = run(capsys, "import-ptv", "--database", database, str(folder))
    assert "organizations 0 changed; services: new 0, updated 0, unchanged 4, removed 0" in out
    # An older copy of a service does not overwrite the newer one stored.
    name = [{"type": "Name", "language": "fi", "value": "Vanha nimi"}]
    edit(folder, "services.json", CRISIS, serviceNames=name, modified="2026-01-01T00:00:00")
    code, out, _ = run(capsys, "import-ptv", "--database", database, str(folder))
    assert "updated 0, unchanged 4" in out
    # Stamps are compared as times, not as text: 08:00 at +03:00 is 05:00 UTC, older
    # than the stored 07:00 UTC, though "08" sorts after "07".
    edit(folder, "services.json", CRISIS, serviceNames=name, modified="2026-09-03T08:00:00+03:00")
    code, out, _ = run(capsys, "import-ptv", "--database", database, str(folder))
    assert "updated 0, unchanged 4" in out
    # A newer one does.
    edit(folder, "services.json", CRISIS, modified="2026-11-01T00:00:00")
    code, out, _ = run(capsys, "import-ptv", "--database", database, str(folder))
    assert "updated 1, unchanged 3" in out
    # A channel PTV deleted since: the service loses its phone.
    edit(folder, "channels.json", PHONE_CHANNEL, publishingStatus="Deleted",
         modified="2026-11-02T00:00:00")  # fmt: skip
    code, out, _ = run(capsys, "import-ptv", "--database", database, str(folder))
    assert "updated 1, unchanged 3" in out
    desk = open_desk(tmp_path / "desk.sqlite", _clock())
    try:
        found = desk.catalogue.service(ADVICE)
        assert found is not None and found[0].phones == () and found[0].channels == ("visit",)
        assert desk.catalogue.service(CRISIS)[0].name == {"fi": "Vanha nimi"}  # type: ignore[index]
        # Only in Helsinki: not offered under Turku, found with all areas.
        turku = {h.id for h in desk.catalogue.search_services("sosiaalineuvonta", Filters("853"))}
        everywhere = {h.id for h in desk.catalogue.search_services("sosiaalineuvonta")}
        assert HELSINKI in everywhere and HELSINKI not in turku
    finally:
        desk.close()
    # A fetch of the services changed since, without their channels: a service keeps
    # the phones, places and hours its channels gave it.
    only = tmp_path / "changed"
    only.mkdir()
    shutil.copy(folder / "services.json", only / "services.json")
    edit(
        only,
        "services.json",
        NIGHT,
        modified="2026-11-03T00:00:00",
        serviceChargeType="FreeOfCharge",
    )
    code, out, _ = run(capsys, "import-ptv", "--database", database, str(only))
    assert "new 0, updated 1, unchanged 3" in out
    desk = open_desk(tmp_path / "desk.sqlite", _clock())
    try:
        night = desk.catalogue.service(NIGHT)[0]  # type: ignore[index]
        assert night.free and [p.number for p in night.phones] == ["+358505551234"]
        assert len(night.schedules) == 4 and night.url == "https://yokoti.example.fi"
    finally:
        desk.close()
    # The service PTV deleted goes.
    edit(folder, "services.json", ADVICE, publishingStatus="Archived")
    code, out, _ = run(capsys, "import-ptv", "--database", database, str(folder))
    assert "new 0, updated 0, unchanged 3, removed 1" in out
    desk = open_desk(tmp_path / "desk.sqlite", _clock())
    try:
        assert desk.catalogue.service(ADVICE) is None
    finally:
        desk.close()


def _clock() -> Any:
    from ohjaaja.domain.clock import FixedClock
    from tests.conftest import MONDAY_MORNING

    return FixedClock(MONDAY_MORNING)


@pytest.mark.parametrize(
    ("name", "item_id", "changes", "message"),
    [
        ("channels.json", PHONE_CHANNEL, {"serviceHours": [{"serviceHourType": "Exceptional",
          "validFrom": "2026-12-24", "validTo": "2026-12-20", "isClosed": True}]},
         "channels.json: itemList[0]: serviceHours[0].validTo: before validFrom"),
        ("channels.json", PHONE_CHANNEL, {"phoneNumbers": [{"type": "Phone", "number": "12",
          "prefixNumber": "+358", "language": "fi"}]},
         "channels.json: itemList[0]: phoneNumbers[0].number: '+358 12'"),
        ("channels.json", PHONE_CHANNEL, {"serviceHours": [{"serviceHourType": "DaysOfTheWeek",
          "openingHour": [{"dayFrom": "Maanantai", "from": "08:00", "to": "16:00"}]}]},
         "channels.json: itemList[0]: serviceHours[0].openingHour[0].dayFrom: 'Maanantai'"),
        ("services.json", ADVICE, {"serviceChargeType": "Sometimes"},
         "services.json: itemList[0]: serviceChargeType: 'Sometimes'"),
        ("services.json", CRISIS, {"mainOrganization": None, "organizations": []},
         "services.json: itemList[1]: mainOrganization: required"),
        ("organizations.json", TURKU_ORG, {"organizationType": "Club"},
         "organizations.json: itemList[0]: organizationType: unknown 'Club'"),
        ("services.json", NIGHT, {"id": "not-a-uuid"},
         "services.json: itemList[2]: id: not a UUID"),
        ("services.json", NIGHT, {"modified": "eilen"},
         "services.json: itemList[2]: modified: 'eilen' is not an ISO 8601 time"),
    ],
)  # fmt: skip
def test_a_broken_record_is_named_and_nothing_is_imported(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    item_id: str,
    changes: dict[str, Any],
    message: str,
) -> None:
    folder = tmp_path / "fetch"
    shutil.copytree(FETCH, folder)
    edit(folder, name, item_id, **changes)
    database = tmp_path / "desk.sqlite"
    code, _, err = run(capsys, "import-ptv", "--database", str(database), str(folder))
    assert code == 1 and message in err and "nothing was imported" in err
    assert not database.exists()  # checked before the database was opened


def test_a_record_the_catalogue_refuses_is_named_by_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "fetch"
    shutil.copytree(FETCH, folder)
    (folder / "organizations.json").unlink()  # the services' organisations are unknown
    database = tmp_path / "desk.sqlite"
    code, _, err = run(capsys, "import-ptv", "--database", str(database), str(folder))
    assert code == 1
    assert f"services.json: itemList[0]: organization_id: no such organisation: {TURKU_ORG}" in err
    assert "nothing was imported" in err


def test_one_object_an_array_and_files_that_cannot_be_read(tmp_path: Path) -> None:
    page = json.loads((FETCH / "organizations.json").read_text(encoding="utf-8"))
    single = tmp_path / "one.json"
    single.write_text(json.dumps(page["itemList"][1]), encoding="utf-8")
    assert list(read_ptv(single).organizations) == [ASSOC_ORG]
    array = tmp_path / "many.json"
    array.write_text(json.dumps(page["itemList"]), encoding="utf-8")
    assert len(read_ptv(array).organizations) == 3
    array.write_text(json.dumps([*page["itemList"], {"id": TURKU_ORG}]), encoding="utf-8")
    with pytest.raises(RecordError, match=r"many\.json: \[3\]: \(record\): not a PTV service"):
        read_ptv(array)
    broken = tmp_path / "broken.json"
    broken.write_text('{"itemList": [\n oops]}', encoding="utf-8")
    with pytest.raises(HsdsFileError, match=r"broken\.json:2: not JSON"):
        read_ptv(broken)
    (tmp_path / "empty").mkdir()
    with pytest.raises(HsdsFileError, match=r"no \.json files"):
        read_ptv(tmp_path / "empty")
