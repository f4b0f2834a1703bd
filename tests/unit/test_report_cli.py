"""`ohjaaja report` end to end on a small desk database: the figures of a report
registered here (the real ones are tested with their families), every format, and
errors that name the option."""

import re
import stat
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import HELSINKI, Period, Report, Request, Row, Section
from ohjaaja.domain.reports.registry import REPORTS
from ohjaaja.exchange.reports import (
    report_from_json,
    section_label,
    sections_from_csv,
    sections_from_xlsx,
)
from ohjaaja.i18n import LANGUAGES, messages
from ohjaaja.shell import report_cli
from ohjaaja.shell.cli import main
from ohjaaja.usecases.desk import Desk

from .test_cli import ohjaaja

NAME = "test-counted"


def counted(facts: Facts, request: Request) -> tuple[Section, ...]:
    """Contacts in the period, by channel and by Helsinki hour; the settings and the
    extra options in the notes, so a test sees what reached the report."""
    contacts = facts.contacts
    channels = sorted({c.channel for c in contacts})
    hours = [c.received_at.astimezone(HELSINKI).hour for c in contacts]
    settings = request.settings
    return (
        Section(
            "counted",
            (
                Row("contacts", len(contacts), "count", len(contacts)),
                *(
                    Row("contacts", n, "count", n, group=(("channel", channel),))
                    for channel in channels
                    for n in [sum(c.channel == channel for c in contacts)]
                ),
            ),
            notes=(
                f"within {settings.service_level_seconds} s, "
                f"abandoned {settings.abandoned_in_service_level}, "
                f"extra {dict(request.extra)}",
            ),
        ),
        Section(
            "by_hour",
            tuple(
                Row("contacts", hours.count(h), "count", hours.count(h), f"{h:02d}")
                for h in range(24)
            ),
            chart="bars",
        ),
    )


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    REPORTS[NAME] = counted
    yield
    del REPORTS[NAME]


@pytest.fixture
def database(db_path: Path, clock: FixedClock) -> Path:
    """Three contacts on Monday 23 November (10:00, 11:30 and 11:45 in Helsinki), one
    the day before: the period 2026-11-23 holds three."""
    desk = Desk(db_path, clock, "Testi")
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    desk.contacts.receive("phone", "ikaihmiset", "853", received_at=monday)
    desk.contacts.receive("chat", "mipa", "202", received_at=monday + timedelta(minutes=90))
    desk.contacts.receive("phone", "tyoikaiset", "853", received_at=monday + timedelta(minutes=105))
    desk.contacts.receive("email", "mipa", "853", received_at=monday - timedelta(days=1))
    desk.close()
    return db_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def monday(database: Path, *args: str) -> list[str]:
    return [NAME, "--database", str(database), "--from", "2026-11-23", "--to", "2026-11-23",
            "--language", "en", *args]  # fmt: skip


def test_the_table_on_a_desk_database(capsys, database: Path) -> None:
    code, out, err = run(capsys, *monday(database))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"Report {NAME}, 2026-11-23 (from desk)"
    assert [line.split()[-3:] for line in lines if line.lower().startswith("  contacts")][:3] == [
        ["3", "n", "3"],
        ["1", "n", "1"],  # Chat
        ["2", "n", "2"],  # Phone
    ]
    assert "  Contacts Phone" in out and "  within 60 s, abandoned True, extra {}" in lines
    chart = lines[lines.index(section_label("by_hour")) :]
    assert any(line.strip().startswith("2 │") for line in chart)  # 11 o'clock: two
    assert all(len(line) <= 80 for line in lines)


def test_every_format_gives_the_same_numbers(capsys, database: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, *monday(database, "--format", "json"))
    assert code == 0
    report = report_from_json(out)
    assert report.request.period == Period(date(2026, 11, 23), date(2026, 11, 23))
    assert report.sections[0].rows[0].value == 3
    rows = tuple(Section(s.key, s.rows) for s in report.sections)
    for form in ("csv", "xlsx"):
        path = tmp_path / f"out.{form}"
        code, out, err = run(capsys, *monday(database, "--format", form, "--output", str(path)))
        assert code == 0 and out == "" and str(path) in err
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # figures of a desk: its owner's
        read = (
            sections_from_csv(path.read_text(encoding="utf-8"))
            if form == "csv"
            else sections_from_xlsx(path.read_bytes())
        )
        assert read == rows, form


def test_filters_and_settings_reach_the_report(capsys, database: Path) -> None:
    code, out, _ = run(
        capsys,
        *monday(database, "--line", "mipa,ikaihmiset", "--channel", "phone", "--channel", "chat",
                "--municipality", "853", "--service-level-seconds", "20",
                "--no-abandoned-in-service-level", "--format", "json"),
    )  # fmt: skip
    assert code == 0
    report = report_from_json(out)
    assert report.request.filters.lines == ("mipa", "ikaihmiset")
    assert report.request.filters.channels == ("phone", "chat")
    assert report.sections[0].rows[0].value == 1  # ikaihmiset by phone in 853
    assert report.sections[0].notes == ("within 20 s, abandoned False, extra {}",)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--line", "elderly"],
            "--line: unknown elderly; the valid ones are: lapsiperheet (Families",
        ),
        (["--channel", "fax"], "--channel: unknown fax; the valid ones are: phone (Phone)"),
        (["--municipality", "853,999"], "--municipality: unknown 999; the valid ones are: "),
        (["--service-level-seconds", "0"], "--service-level-seconds: '0' is not a number"),
        (["--service-level-seconds", "ten"], "--service-level-seconds: 'ten' is not a number"),
        (["--period", "2026-11"], "--period: give --period or --from and --to, not both"),
        (["--format", "xlsx"], "--output: XLSX is written to a file"),
    ],
)
def test_errors_name_the_option(capsys, database: Path, args: list[str], words: str) -> None:
    code, out, err = run(capsys, *monday(database, *args))
    assert code == 2 and out == ""
    assert err.startswith(f"ohjaaja report: {words}"), err


def test_an_unknown_report_lists_the_valid_ones(capsys, database: Path) -> None:
    code, _, err = run(capsys, "weather", "--database", str(database), "--language", "en")
    assert code == 2
    assert "NAME: unknown weather; the valid ones are: " in err and NAME in err
    code, _, err = run(capsys, "--database", str(database), "--language", "fi")
    assert code == 2 and "anna raportin nimi" in err and NAME in err


def test_the_period_is_checked_before_the_database_is_opened(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    code, _, err = run(capsys, NAME, "--database", str(missing), "--period", "viikko")
    assert code == 2 and "--period: 'viikko' ei ole jakso" in err
    assert not missing.exists()
    code, _, err = run(capsys, NAME, "--database", str(missing))
    assert code == 2 and "tietokantaa ei ole" in err and not missing.exists()


def test_today_is_the_default_period(capsys, database: Path, monkeypatch) -> None:
    monkeypatch.setattr(report_cli, "_today", lambda: date(2026, 11, 22))
    code, out, _ = run(capsys, NAME, "--database", str(database), "--format", "json")
    assert code == 0
    report = report_from_json(out)
    assert report.request.period.label == "2026-11-22"
    assert report.sections[0].rows[0].value == 1  # the e-mail of Sunday


def test_the_list_gives_every_report(capsys) -> None:
    code, out, _ = run(capsys, "--list", "--language", "en")
    assert code == 0
    assert NAME in [line.split()[0] for line in out.splitlines() if not line.startswith(" ")]
    assert re.search(r"^volumes +contacts by day, channel, line", out, re.MULTILINE)
    assert all(len(line) <= 80 for line in out.splitlines())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_report_says_what_it_gives(language: str) -> None:
    """`report --list` gives each report's one line (report.about.NAME) in fi, sv, en."""
    import ohjaaja.domain.reports.all  # noqa: F401  (every family registers its reports)

    missing = [
        name
        for name in REPORTS
        if name != NAME and language not in messages().get(f"report.about.{name}", {})
    ]
    assert not missing, f"report.about.NAME missing in {language}: {missing}"


def test_a_remote_source_is_asked_instead_of_the_desk(tmp_path: Path) -> None:
    request = Request(NAME, Period(date(2026, 11, 1), date(2026, 11, 30)))
    sent = Report(request, "https://server.example", datetime(2026, 12, 1, tzinfo=UTC), ())
    asked: list[Request] = []

    def remote(wanted: Request) -> Report:
        asked.append(wanted)
        return sent

    missing = tmp_path / "none.sqlite"  # the desk's database is not needed, nor made
    assert report_cli.obtain(request, missing, False, remote) is sent
    assert asked == [request] and not missing.exists()


def test_options_of_one_report_are_refused_for_another(capsys, database: Path, monkeypatch) -> None:
    def add(group) -> None:
        group.add_argument("--total", dest="total", default=None)

    options = report_cli.ReportOptions(NAME, add, lambda args: {"total": args.total}, ("total",))
    monkeypatch.setattr(report_cli, "EXTRA_OPTIONS", [options])
    REPORTS["other"] = counted
    try:
        code, _, err = run(capsys, *monday(database, "--total", "10")[:1], "--total", "10",
                           "--database", str(database), "--language", "en")  # fmt: skip
        assert code == 0, err
        code, out, _ = run(capsys, *monday(database, "--total", "10.50"))
        assert "  within 60 s, abandoned True, extra {'total': '10.50'}" in out
        args = ["other", "--database", str(database), "--language", "en", "--total", "10"]
        code, _, err = run(capsys, *args)
        assert code == 2 and f"--total: an option of `report {NAME}` only" in err
    finally:
        del REPORTS["other"]


def test_the_console_script_runs_it(database: Path) -> None:
    result = ohjaaja("report", "--list")
    assert result.returncode == 0 and "volumes" in result.stdout
    result = ohjaaja("report", "volumes", "--database", str(database), "--period", "2026-11",
                     "--format", "csv")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("section,figure,label,interval,group,value,unit,n,reference")
    totals = [row for section in sections_from_csv(result.stdout) for row in section.rows
              if row.figure == "contacts" and not row.interval and not row.group]  # fmt: skip
    assert totals[0].value == 4  # November's four contacts
