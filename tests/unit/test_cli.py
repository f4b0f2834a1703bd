"""The console script, run as a user runs it."""

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ohjaaja.demo.build import build_demo
from ohjaaja.domain.clock import HELSINKI, FixedClock
from ohjaaja.shell.cli import _settings, build_parser, main
from ohjaaja.shell.settings import default_worker
from ohjaaja.usecases.desk import Desk

ROOT = Path(__file__).resolve().parents[2]


def ohjaaja(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = shutil.which("ohjaaja", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "ohjaaja.shell.cli"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def test_queue_json_for_wallboards(db_path: Path, clock: FixedClock) -> None:
    desk = Desk(db_path, clock, "Testi")
    first = desk.contacts.receive("phone", "ikaihmiset", "853", "sv", "+358405485906")
    urgent = desk.contacts.receive("chat", "sosiaalipaivystys", "202")
    desk.close()
    result = ohjaaja("queue", "--json", "--database", str(db_path))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [urgent, first]
    assert set(rows[0]) == {
        "id", "channel", "line", "municipality_code", "language", "received_at", "priority",
    }  # fmt: skip
    assert rows[1]["language"] == "sv" and rows[1]["line"] == "ikaihmiset"
    assert rows[1]["received_at"] == "2026-11-23T08:00:00.000000Z"


def test_database_from_the_environment_and_line_filter(db_path: Path, clock: FixedClock) -> None:
    desk = Desk(db_path, clock, "Testi")
    desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.receive("phone", "mipa", "853")
    desk.close()
    result = ohjaaja("queue", "--json", "--lines", "mipa", env={"OHJAAJA_DATABASE": str(db_path)})
    assert [r["line"] for r in json.loads(result.stdout)] == ["mipa"]


def test_bad_arguments_are_named(db_path: Path) -> None:
    result = ohjaaja("queue", "--lines", "nonsense", "--database", str(db_path),
                     env={"OHJAAJA_PREFERENCES": str(db_path.parent / "none.json")})  # fmt: skip
    assert result.returncode == 2
    assert "virhe: argumentti --lines: tuntematon linja nonsense" in result.stderr
    missing = ohjaaja("queue", "--database", str(db_path.parent / "nope.sqlite"),
                      env={"OHJAAJA_PREFERENCES": str(db_path.parent / "none.json")})  # fmt: skip
    assert missing.returncode == 2 and "tietokantaa ei ole" in missing.stderr


def test_the_command_lines_errors_speak_the_workers_language(tmp_path: Path) -> None:
    """argparse's own messages and the options' reasons: --language where given, else
    the language F2 last chose for the worker, else Finnish."""
    preferences = tmp_path / "preferences.json"
    env = {"OHJAAJA_PREFERENCES": str(preferences), "OHJAAJA_WORKER": "Anna"}
    finnish = ohjaaja("queue", "--bogus", env=env)
    assert (
        finnish.returncode == 2 and "virhe: tuntemattomia argumentteja: --bogus" in finnish.stderr
    )
    assert finnish.stderr.startswith("käyttö: ")
    swedish = ohjaaja("demo", "--language", "sv", "--teams", "nowhere", env=env)
    assert "fel: argument --teams: okänt team 'nowhere'" in swedish.stderr
    preferences.write_text(json.dumps({"language": {"Anna": "en"}}), encoding="utf-8")
    english = ohjaaja("report", "overview", "--format", "pdf", env=env)
    assert "error: argument --format: invalid choice: 'pdf'" in english.stderr


def test_demo_database_is_built_once(db_path: Path, clock: FixedClock) -> None:
    assert build_demo(db_path, clock, clients=300)
    assert not build_demo(db_path, clock, clients=300)
    desk = Desk(db_path, clock, "Demo")
    assert desk.conn.execute("SELECT count(*) FROM client").fetchone()[0] == 300
    assert desk.conn.execute("SELECT count(*) FROM municipality").fetchone()[0] == 27
    assert len(desk.contacts.queue()) == 9
    figures = desk.contacts.figures()
    assert figures.answered > 10 and figures.first_contact_resolution is not None
    desk.close()


def test_the_demo_has_weeks_of_history_for_the_reports(db_path: Path, clock: FixedClock) -> None:
    """Eight weeks before today, all answered or given up: last month's reports have
    figures, a few clients call again and again, and none of it waits in the queue."""
    build_demo(db_path, clock, clients=300)
    desk = Desk(db_path, clock, "Demo")
    earlier = desk.conn.execute(
        "SELECT count(*), count(DISTINCT substr(received_at, 1, 10)), "
        "sum(status NOT IN ('closed', 'abandoned')), sum(status = 'abandoned') "
        "FROM contact WHERE received_at < '2026-11-23'"
    ).fetchone()
    assert earlier[0] > 5_000 and earlier[1] >= 54  # every day of the eight weeks
    assert earlier[2] == 0 and 0 < earlier[3] < earlier[0] * 0.2
    assert len(desk.contacts.queue()) == 9
    desk.close()
    october = ohjaaja("report", "frequent", "--period", "2026-11", "--format", "json",
                      "--database", str(db_path))  # fmt: skip
    assert october.returncode == 0, october.stderr
    found = {
        row["figure"]: row["value"] for row in json.loads(october.stdout)["sections"][0]["rows"]
    }
    assert found["frequent_contacters"] >= 3


def test_the_demo_at_night_has_no_caller_waiting_past_their_patience(db_path: Path) -> None:
    """At 00:30 the last contacts came over hours (two an hour): a phone caller from
    then has hung up (abandoned), as the simulator's callers do; those left waiting
    are recent callers or written contacts. Patience is exponential with a mean of
    3 minutes: one of over 30 minutes is a chance of e^-10."""
    night = FixedClock(datetime(2026, 11, 24, 0, 30, tzinfo=HELSINKI))
    build_demo(db_path, night, clients=300)
    desk = Desk(db_path, night, "Demo")
    waiting = desk.contacts.queue()
    desk.close()
    assert 1 <= len(waiting) <= 9  # at night few came, and the callers among them hung up
    phones = [c for c in waiting if c.channel == "phone"]
    assert all(night.now() - c.received_at < timedelta(minutes=30) for c in phones), phones


@pytest.mark.parametrize(
    "argv",
    [[], ["demo"], ["--training", "--worker", "Anna"], ["demo", "--no-arrivals", "--ansi"]],
)
def test_every_desk_command_line_makes_settings(argv: list[str], tmp_path: Path) -> None:
    """What `ohjaaja` and `ohjaaja demo` hand to the app (the app itself is Pilot-tested)."""
    args = build_parser().parse_args(argv)
    settings = _settings(args, tmp_path / "x.sqlite")
    assert settings.training == ("--training" in argv)
    assert settings.worker_name == (args.worker or default_worker())


def test_the_demo_command_starts_the_desk(tmp_path: Path, monkeypatch) -> None:
    """`ohjaaja demo` builds the database and runs the app; here the app's run is
    replaced by a check that it was made with a desk on the demo database."""
    from ohjaaja.shell import app as app_module

    started = []

    def fake_run(self) -> None:
        started.append((self.desk.database, self.simulator is not None))

    monkeypatch.setattr(app_module.OhjaajaApp, "run", fake_run)
    database = tmp_path / "demo.sqlite"
    assert main(["demo", "--database", str(database), "--clients", "50"]) == 0
    assert started == [(database, True)]


def test_options_before_the_subcommand_are_kept(tmp_path: Path) -> None:
    """`ohjaaja --database X queue` once read the subcommand's default instead of X."""
    from ohjaaja.shell.cli import build_parser

    args = build_parser().parse_args(["--database", str(tmp_path / "a.sqlite"), "queue"])
    assert args.database == tmp_path / "a.sqlite"
    args = build_parser().parse_args(["queue", "--database", str(tmp_path / "b.sqlite")])
    assert args.database == tmp_path / "b.sqlite"


def test_listing_the_quarantine_writes_nothing_into_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "desk.sqlite"
    empty.write_bytes(b"")
    assert main(["sync", "--quarantine", "--database", str(empty)]) == 2
    assert empty.stat().st_size == 0 and not Path(f"{empty}-wal").exists()


def test_a_desk_that_crashes_exits_non_zero(db_path: Path, clock: FixedClock, monkeypatch) -> None:
    """An exception that escapes ends the app; the process then says so in its exit
    status (a wrapper script or systemd sees a crash, not a worker who quit)."""
    from textual.app import App

    from ohjaaja.shell import app as app_module

    Desk(db_path, clock, "Testi").close()

    def crash(self) -> None:
        raise RuntimeError("an unexpected fault")

    monkeypatch.setattr(app_module.OhjaajaApp, "on_mount", crash)
    monkeypatch.setattr(app_module.OhjaajaApp, "run", lambda self: App.run(self, headless=True))
    assert main(["--database", str(db_path)]) == 1


def test_a_desk_that_is_quit_exits_zero(db_path: Path, clock: FixedClock, monkeypatch) -> None:
    from textual.app import App

    from ohjaaja.shell import app as app_module

    Desk(db_path, clock, "Testi").close()

    def quit_at_once(self) -> None:
        self.exit()

    monkeypatch.setattr(app_module.OhjaajaApp, "on_mount", quit_at_once)
    monkeypatch.setattr(app_module.OhjaajaApp, "run", lambda self: App.run(self, headless=True))
    assert main(["--database", str(db_path)]) == 0


def test_the_language_is_remembered_per_worker(tmp_path: Path, monkeypatch) -> None:
    """F2's choice is kept for the worker (tests/app: the switch writes it); the next
    start takes it, unless --language says otherwise for that session."""
    from ohjaaja.shell.settings import remember_language

    kept = tmp_path / "config" / "preferences.json"
    monkeypatch.setenv("OHJAAJA_PREFERENCES", str(kept))
    database = tmp_path / "x.sqlite"
    args = build_parser().parse_args(["--worker", "Anna"])
    assert _settings(args, database).language == "fi"
    assert _settings(args, database).preferences == kept
    remember_language(kept, "Anna", "sv")
    remember_language(kept, "Bertta", "en")
    assert _settings(args, database).language == "sv"
    bertta = build_parser().parse_args(["demo", "--worker", "Bertta"])
    assert _settings(bertta, database).language == "en"
    given = build_parser().parse_args(["--worker", "Anna", "--language", "en"])
    assert _settings(given, database).language == "en"
    assert kept.stat().st_mode & 0o777 == 0o600
    kept.write_text("not json", encoding="utf-8")  # a broken file: the default
    assert _settings(args, database).language == "fi"
