"""Exports a spreadsheet opens safely: no cell runs as a formula (OWASP CSV
injection), our own HSDS tables read back exactly, and a name made of data never
puts a file outside exports/."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ohjaaja.demo.catalogue import demo_catalogue
from ohjaaja.domain.clock import FixedClock
from ohjaaja.exchange.exports import (
    csv_text,
    export_path,
    inside,
    read_cell,
    safe_cell,
    safe_file_name,
    write_private,
)
from ohjaaja.exchange.hsds import organization_object, service_object
from ohjaaja.exchange.hsds_files import read_catalogue, write_package
from ohjaaja.usecases.desk import Desk
from tests.conftest import AINO

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_is_made_text(value: str) -> None:
    assert safe_cell(value) == "'" + value
    assert read_cell(safe_cell(value)) == value


@pytest.mark.parametrize(
    "value", ["", "'", "'x", "'=x", "''=x", "''", "a=b", "Kotihoito – Aura", "x-1", " =x"]
)
def test_reading_back_removes_exactly_the_quote_writing_added(value: str) -> None:
    """A value that already starts with quotes before a dangerous character gets
    one more, so the reader can tell the two apart."""
    assert read_cell(safe_cell(value)) == value
    written = safe_cell(value)
    assert written.lstrip("'")[:1] not in set("=+-@\t\r") or written.startswith("'")


def test_numbers_are_written_as_they_are() -> None:
    assert safe_cell(-2) == -2 and safe_cell(-61.5) == -61.5 and safe_cell(None) is None
    assert csv_text([["a", -2, None, "-2"]]) == "a,-2,,'-2\r\n"


def test_an_access_log_export_is_inert(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "desk.sqlite"
    first = Desk(path, clock, "Testi")
    client_id = first.clients.create_client(AINO).client_id
    assert client_id
    first.close()
    for hostile in HOSTILE:  # a worker of that name looks with that reason
        desk = Desk(path, clock, hostile)
        desk.clients.client_card(client_id, hostile)
        desk.close()
    desk = Desk(path, clock, "Testi")
    text = desk.clients.export_access_log(client_id, "=cmd|' /C calc'!A0")
    desk.close()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["at", "worker", "action", "reason", "detail"]
    looks = [row for row in rows[1:] if row[2] == "view"]
    assert [row[1] for row in looks] == ["'" + h for h in HOSTILE]
    assert [row[3] for row in looks] == ["'" + h for h in HOSTILE]
    assert rows[-1][3] == "'=cmd|' /C calc'!A0"
    for row in rows:
        for cell in row:
            assert cell[:1] not in set("=+-@\t\r"), cell


def test_an_hsds_csv_export_is_inert_and_reads_back_exactly(tmp_path: Path) -> None:
    organizations, services = demo_catalogue()
    names = ['=HYPERLINK("http://x","Kotihoito")', "'=already quoted", "-2", "@SUM(1)"]
    renamed = [replace(s, name={**s.name, "fi": n}) for s, n in zip(services, names, strict=False)]
    services = renamed + list(services[len(names) :])
    by_id = {o.id: o for o in organizations}
    write_package(
        tmp_path / "csv",
        [service_object(s, by_id[s.organization_id]) for s in services],
        [organization_object(o) for o in organizations],
    )
    for table in (tmp_path / "csv").glob("*.csv"):
        with table.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert cell[:1] not in set("=+-@\t\r"), (table.name, cell)
    text = (tmp_path / "csv" / "services.csv").read_text(encoding="utf-8")
    assert '\'=HYPERLINK(""http://x"",""Kotihoito"")' in text
    reading = read_catalogue(tmp_path / "csv", "fi")
    assert reading.services == {s.id: s for s in services}
    assert [reading.services[s.id].name["fi"] for s in services[: len(names)]] == names


def test_a_file_name_made_of_data_stays_in_exports(tmp_path: Path) -> None:
    database = tmp_path / "desk" / "desk.sqlite"
    hostile = "/../../../../tmp/x/pwned"
    path = export_path(database, f"access-log-{hostile}", "csv", datetime.now(UTC))
    assert path.parent == (tmp_path / "desk" / "exports").resolve()
    write_private(path, "at,worker\n")
    assert path.is_file() and path.parent.name == "exports"
    assert list(path.parent.iterdir()) == [path]
    assert not Path("/tmp/x/pwned").exists()


def test_safe_file_names() -> None:
    assert safe_file_name("access-log-/../../../../tmp/x/pwned") == (
        "access-log-_.._.._.._.._tmp_x_pwned"
    )
    assert safe_file_name("..hidden") == "hidden"
    assert safe_file_name("") == "export" and safe_file_name("...") == "export"
    assert safe_file_name("Mäkinen Aino") == "M_kinen_Aino"
    assert len(safe_file_name("x" * 1000)) <= 100


def test_a_path_outside_its_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    assert inside(folder, "a.csv") == (folder / "a.csv").resolve()
    for name in ("../a.csv", "/tmp/a.csv", "sub/../../a.csv"):
        with pytest.raises(ValueError, match="outside"):
            inside(folder, name)
    folder.mkdir()
    (folder / "link.csv").symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(ValueError, match="outside"):
        inside(folder, "link.csv")
