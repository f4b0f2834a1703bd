"""`ohjaaja report costs` end to end on a small desk database: the shares from the
desk's contacts and municipalities, from files, in every format, and errors that name
the option (and a file's line and field) before the database is opened."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.domain.reports.model import Report
from ohjaaja.exchange.reports import report_from_json, sections_from_xlsx
from ohjaaja.shell.cli import main
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk

from .test_cli import ohjaaja

TURKU, SALO, UUSIKAUPUNKI = "853", "734", "895"


@pytest.fixture
def database(db_path: Path, clock: FixedClock) -> Path:
    """In November 2026: Turku 3 performed contacts, Salo 1; besides them one of
    Uusikaupunki (outside the agreement), one without a municipality, one Turku
    contact abandoned, one still waiting, and one Salo contact of October."""
    desk = Desk(db_path, clock, "Testi")
    weekdays = [2, 3, 4, 5, 6, 9, 10, 11]  # at 10:00 in Helsinki: the line is open
    places = [TURKU, TURKU, TURKU, SALO, UUSIKAUPUNKI, None, TURKU, TURKU]
    made = [
        desk.contacts.receive("phone", "ikaihmiset", place,
                              received_at=datetime(2026, 11, day, 8, 0, tzinfo=UTC))
        for day, place in zip(weekdays, places, strict=True)
    ]  # fmt: skip
    october = desk.contacts.receive(
        "chat", "ikaihmiset", SALO, received_at=datetime(2026, 10, 23, 8, tzinfo=UTC)
    )
    for contact_id in [*made[:6], october]:
        desk.contacts.take(contact_id)
        form = ContactForm("client", None, ["kotihoito"], "resolved")
        assert desk.contacts.close_contact(contact_id, "Neuvottu.", form) == []
    with desk.ctx.writing() as conn:  # a caller who hung up (item 4 records it)
        conn.execute("UPDATE contact SET status = 'abandoned' WHERE id = ?", (made[6],))
    desk.close()
    return db_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["report", "costs", *args])
    out, err = capsys.readouterr()
    return code, out, err


def november(database: Path, *args: str) -> list[str]:
    return ["--database", str(database), "--from", "2026-11-01", "--to", "2026-11-30",
            "--language", "en", *args]  # fmt: skip


def shares(report: Report) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for row in report.sections[0].rows:
        code = dict(row.group).get("municipality", "all")
        found.setdefault(code, {})[row.figure] = row.value
    return found


def test_the_shares_from_the_desk_contacts_and_municipalities(capsys, database: Path) -> None:
    code, out, err = run(capsys, *november(database, "--total", "10 000", "--format", "json"))
    assert code == 0, err
    report = report_from_json(out)
    assert report.request.extra["total"] == "10 000"
    got = shares(report)
    assert UUSIKAUPUNKI not in got and len(got) == 27  # 26 in the agreement, and the sums
    assert got[TURKU]["performed_contacts"] == 3 and got[SALO]["performed_contacts"] == 1
    assert got["all"]["performed_contacts"] == 4
    assert got["all"]["population_75plus"] == 46505
    # 30 % of 10 000 € by contacts 3:1; 70 % by population 75+ (Turku 17 865 of 46 505)
    assert got[TURKU]["contacts_part"] == 2250.0 and got[SALO]["contacts_part"] == 750.0
    assert got[TURKU]["population_part"] == 2689.07  # 7000 * 17865 / 46505 = 2689.066...
    assert got[TURKU]["cost_share"] == 4939.07
    paid = [Decimal(f"{v['cost_share']:.2f}") for c, v in got.items() if c != "all"]
    assert sum(paid) == Decimal("10000.00")
    basis = {row.figure: row.value for row in report.sections[1].rows}
    assert basis == {
        "population_share": 0.7,
        "contacts_outside_agreement": 1,
        "contacts_without_municipality": 1,
    }


def test_the_table_fits_80_columns_and_notes_what_the_shares_rest_on(
    capsys, database: Path
) -> None:
    code, out, err = run(capsys, *november(database, "--total", "10000", "--line", "ikaihmiset"))
    assert code == 0, err
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any(line.startswith("  Pays Turku ") and "4,939.07" in line for line in lines), out
    code, out, _ = run(capsys, *november(database, "--total", "10000", "--format", "json"))
    notes = report_from_json(out).sections[0].notes
    assert notes == (
        "total=10000.00", "population_share=70", "population_year=2019", "contacts_all_lines=",
    )  # fmt: skip


def test_contacts_from_a_file_for_a_period_before_the_system(
    capsys,
    database: Path,
    tmp_path: Path,
) -> None:
    """The seeds' 2021: 284 602 €, contacts in proportion to population 75+ (see
    test_report_costs.test_the_seeds_2021_euros_for_raisio_and_rusko)."""
    fixture = Path(__file__).resolve().parents[2] / "fixtures/varsinais-suomi-municipalities.csv"
    rows = [line.split(",") for line in fixture.read_text(encoding="utf-8").splitlines()[1:]]
    contacts = tmp_path / "suoritteet-2021.csv"
    contacts.write_text("municipality_code,contacts\n"
                        + "".join(f"{r[0]},{r[4]}\n" for r in rows), encoding="utf-8")  # fmt: skip
    out_file = tmp_path / "costs.xlsx"
    code, _, err = run(capsys, "--database", str(database), "--from", "2021-01-01", "--to",
                       "2021-11-30", "--total", "284602", "--contacts", str(contacts),
                       "--population", str(fixture), "--format", "xlsx", "--output",
                       str(out_file))  # fmt: skip
    assert code == 0, err
    sections = sections_from_xlsx(out_file.read_bytes())
    paid = {
        dict(row.group)["municipality"]: row.value
        for row in sections[0].rows
        if row.figure == "cost_share" and row.group
    }
    assert (paid["680"], paid["704"]) == (14540.68, 2906.91)  # Raisio, Rusko
    basis = {row.figure: row.value for row in sections[1].rows}
    assert basis["contacts_outside_agreement"] == 1864  # Uusikaupunki's row of the file


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], "--total: give the total cost in euros"),
        (["--total", "12.345"], "--total: '12.345' is not an amount of euros"),
        (["--total", "9", "--population-share", "75 %%"], "--population-share: '75 %%' is not"),
        (
            ["--total", "9", "--population-year", "2021"],
            "--population-year: no population "
            "figures for 2021: this database holds 2019; give --population FILE",
        ),
        (["--total", "9", "--municipality", "853"], "--municipality: the shares are of every"),
    ],
)
def test_errors_name_the_option(capsys, database: Path, args: list[str], words: str) -> None:
    code, out, err = run(capsys, *november(database, *args))
    assert code == 2 and out == ""
    assert err.startswith(f"ohjaaja report: {words}"), err


def test_a_period_without_contacts_asks_for_a_file(capsys, database: Path) -> None:
    code, _, err = run(capsys, *november(database, "--total", "9"), "--from", "2026-10-01",
                       "--to", "2026-10-05")  # fmt: skip
    assert code == 2
    assert err.startswith("ohjaaja report: --contacts: no performed contacts in the period")


def test_a_bad_file_is_told_by_line_and_field_before_the_database_opens(
    capsys,
    tmp_path: Path,
) -> None:
    contacts = tmp_path / "suoritteet.csv"
    contacts.write_text("municipality_code,contacts\n853,12\n680,kaksi\n", encoding="utf-8")
    missing = tmp_path / "none.sqlite"
    code, _, err = run(capsys, *november(missing, "--total", "9", "--contacts", str(contacts)))
    assert code == 2
    assert err == (
        f"ohjaaja report: --contacts: {contacts}:3: contacts: 'kaksi' is not a whole number "
        "of 0 or more\n"
    )
    assert not missing.exists()


def test_files_are_read_on_the_desk_not_sent_to_the_server(capsys, tmp_path: Path) -> None:
    contacts = tmp_path / "suoritteet.csv"
    contacts.write_text("municipality_code,contacts\n853,12\n", encoding="utf-8")
    args = ["--total", "9", "--contacts", str(contacts), "--server", "https://server.example"]
    code, _, err = run(capsys, *november(tmp_path / "none.sqlite", *args))
    assert code == 2
    assert err.startswith("ohjaaja report: --contacts: a file is read on this desk, not with")


def test_the_cost_options_belong_to_report_costs_only(capsys, database: Path) -> None:
    code = main(["report", "volumes", "--database", str(database), "--total", "9",
                 "--language", "en"])  # fmt: skip
    _, err = capsys.readouterr()
    assert code == 2 and "--total: an option of `report costs` only" in err


def test_the_installed_command(database: Path) -> None:
    result = ohjaaja("report", "costs", *november(database, "--total", "100", "--format", "csv"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "costs,cost_share,Pays,,municipality=853,49.39,eur,3," in lines  # 26.89 + 22.50
