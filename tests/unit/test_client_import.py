"""`ohjaaja clients import FILE`: good rows in, every bad row named, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ohjaaja.exchange.client_import import ImportFileError, import_clients, read_register
from ohjaaja.shell.cli import main
from ohjaaja.usecases.desk import Desk

HEADER = "last_name,first_names,hetu,birth_date,phone,email,municipality_code,language,address"
GOOD = [
    "Mäkinen,Aino Maria,131052-308T,1952-10-13,040 548 5906,aino@example.fi,853,fi,Kauppatori 1",
    "Lindqvist,Åsa,,1948-03-02,+358 2 262 6000,,445,sv,",
    'Virtanen,Eino,010150-123A,,,,,,"Aurakatu 2, Turku"',
    "Koski,Väinö,131052-900W,,,,,,",  # a temporary identity code
]
BROKEN = {
    "Nieminen,,,1960-01-01,,,,,": ("first_names", "required"),
    ",Kalle,,1960-01-01,,,,,": ("last_name", "required"),
    "Nieminen,Kalle,,,,,,,": ("hetu", "identity code or a birth date"),
    "Nieminen,Kalle,131052-308X,,,,,,": ("hetu", "check character"),
    "Nieminen,Kalle,311352-308T,,,,,,": ("hetu", "impossible"),
    "Nieminen,Kalle,131052-308T,1952-10-14,,,,,": ("birth_date", "does not match"),
    "Nieminen,Kalle,,13.10.1960,,,,,": ("birth_date", "YYYY-MM-DD"),
    "Nieminen,Kalle,,1960-02-30,,,,,": ("birth_date", "YYYY-MM-DD"),
    "Nieminen,Kalle,,1960-01-01,040,,,,": ("phone", "not a valid number"),
    "Nieminen,Kalle,,1960-01-01,,kalle@,,,": ("email", "after the @"),
    "Nieminen,Kalle,,1960-01-01,,,999,,": ("municipality_code", "unknown"),
    "Nieminen,Kalle,,1960-01-01,,,,de,": ("language", "fi, sv or en"),
    "Nieminen,Kalle,,1960-01-01": ("row", "4 fields, the header has 9"),
    "Nieminen,Kalle,,1960-01-01,,,,,,extra": ("row", "10 fields"),
    "Koski,Anna,131052-308T,,,,,,": ("hetu", "another name"),  # Aino's code
    "Nieminen,Kal\x00le,,1960-01-01,,,,,": ("first_names", "control character"),
}


def write(path: Path, lines: list[str], delimiter: str = ",", bom: bool = False) -> Path:
    text = "\n".join(line.replace(",", delimiter) for line in lines) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def run(capsys, database: Path, path: Path) -> tuple[int, list[str]]:
    code = main(["clients", "import", "--database", str(database), str(path)])
    return code, capsys.readouterr().out.splitlines()


def test_good_rows_are_imported_and_again_change_nothing(tmp_path: Path, capsys) -> None:
    database = tmp_path / "desk.sqlite"
    path = write(tmp_path / "register.csv", [HEADER, *GOOD])
    assert run(capsys, database, path) == (0, ["imported 4, unchanged 0, rejected 0"])
    assert run(capsys, database, path) == (0, ["imported 0, unchanged 4, rejected 0"])
    assert main(["clients", "find", "--database", str(database), "lindqvist", "--json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)["clients"]
    assert found["municipality_code"] == "445" and found["birth_date"] == "1948-03-02"


def test_the_imported_rows(tmp_path: Path, desk: Desk) -> None:
    report = import_clients(desk, read_register(write(tmp_path / "r.csv", [HEADER, *GOOD])))
    assert report.imported == 4 and report.problems == []
    temporary = desk.conn.execute(
        "SELECT hetu_temporary FROM client WHERE hetu = '131052-900W'"
    ).fetchone()[0]
    assert temporary == 1
    (aino,) = desk.clients.find_clients("0405485906")
    card = desk.clients.client_card(aino.id, "test")
    assert (card.email, card.address, card.language) == ("aino@example.fi", "Kauppatori 1", "fi")
    names = [r[0] for r in desk.conn.execute("SELECT name FROM outbox ORDER BY seq")]
    assert names.count("client.create") == 4 and names.count("audit.append") == 4 + 1
    actions = [
        r[0] for r in desk.conn.execute("SELECT action FROM audit WHERE client_id = ?", (aino.id,))
    ]
    assert actions[0] == "import"


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [False, True])
def test_delimiter_and_byte_order_mark(
    tmp_path: Path, desk: Desk, delimiter: str, bom: bool
) -> None:
    path = write(tmp_path / "r.csv", [HEADER, GOOD[0], GOOD[1]], delimiter, bom)
    assert import_clients(desk, read_register(path)).imported == 2


def test_every_kind_of_broken_row_is_named_by_line_field_and_reason(tmp_path: Path, capsys) -> None:
    database = tmp_path / "desk.sqlite"
    rows = list(BROKEN)
    path = write(tmp_path / "register.csv", [HEADER, GOOD[0], *rows, GOOD[1]])
    code, out = run(capsys, database, path)
    assert code == 1
    assert out[-1] == f"imported 2, unchanged 0, rejected {len(rows)}"
    for line_number, row in enumerate(rows, start=3):
        field, reason = BROKEN[row]
        matching = [o for o in out if o.startswith(f"{path}:{line_number}: {field}: ")]
        assert matching and reason in matching[0], (row, out)


def test_a_quoted_field_may_hold_the_delimiter_and_a_blank_line_is_no_row(
    tmp_path: Path, desk: Desk
) -> None:
    path = write(tmp_path / "r.csv", [HEADER, "", GOOD[2], ""])
    report = import_clients(desk, read_register(path))
    assert (report.imported, report.rejected_rows) == (1, 0)
    assert desk.conn.execute("SELECT address FROM client").fetchone()[0] == "Aurakatu 2, Turku"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no header"),
        (b"\n\n", "no header"),
        (b"name,phone\nA,1\n", "missing column last_name"),
        (b"last_name,first_names,phone\nA,B,1\n", "missing column hetu or birth_date"),
        (b"last_name,first_names,hetu,hetu\n", "column hetu twice"),
        (HEADER.encode() + b"\nM\xe4kinen,Aino,,1952-10-13,,,,,\n", ":2: not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_changes_nothing(
    tmp_path: Path, capsys, content: bytes, message: str
) -> None:
    database = tmp_path / "desk.sqlite"
    path = tmp_path / "register.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read_register(path)
    code, out = run(capsys, database, path)
    assert code == 2 and out == ["imported 0, unchanged 0, rejected 0"]
    assert not database.exists()  # not even opened


def test_a_missing_file_is_named(tmp_path: Path, capsys) -> None:
    code, out = run(capsys, tmp_path / "desk.sqlite", tmp_path / "nope.csv")
    assert code == 2 and out[-1] == "imported 0, unchanged 0, rejected 0"


def test_unknown_columns_are_ignored_with_a_warning(tmp_path: Path, desk: Desk) -> None:
    path = write(tmp_path / "r.csv", [HEADER + ",shoe_size", GOOD[0] + ",42"])
    report = import_clients(desk, read_register(path))
    assert report.imported == 1 and "shoe_size" in report.warnings[0]
