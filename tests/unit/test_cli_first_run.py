"""A newcomer's first commands (issue 15, item 24): the demo, then a look at it
from the shell. No command opens the demo's file unless it is named, and the
demo is never built into a desk's database."""

from __future__ import annotations

from pathlib import Path

import pytest

from ohjaaja.demo.build import build_demo
from ohjaaja.domain.clock import FixedClock
from ohjaaja.shell.cli import main
from ohjaaja.shell.settings import default_database
from ohjaaja.usecases.desk import Desk
from tests.conftest import AINO


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's data directory, here; no database named by the environment."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("OHJAAJA_DATABASE", raising=False)
    monkeypatch.delenv("OHJAAJA_WORKER", raising=False)
    return tmp_path / "data" / "ohjaaja"


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str]]:
    """The desk the app would run, instead of running it: (database, worker)."""
    from ohjaaja.shell import app as app_module

    runs: list[tuple[Path, str]] = []

    def fake_run(self) -> None:
        runs.append((self.desk.database, self.settings.worker_name))

    monkeypatch.setattr(app_module.OhjaajaApp, "run", fake_run)
    return runs


@pytest.mark.parametrize(
    "argv",
    [["queue", "--json"], ["clients", "find", "0401"], ["catalogue", "export", "out"]],
)
def test_a_first_try_after_the_demo_is_told_where_the_demo_is(
    data_dir: Path, clock: FixedClock, argv: list[str], capsys, tmp_path: Path
) -> None:
    demo = default_database(demo=True)
    assert demo.parent == data_dir
    argv = [str(tmp_path / a) if a == "out" else a for a in argv]
    build_demo(demo, clock, clients=20)
    assert main(argv) == 2
    said = capsys.readouterr().err
    assert f"tietokantaa ei ole: {data_dir / 'desk.sqlite'}" in said
    assert f"--database {demo}" in said and "OHJAAJA_DATABASE" in said
    assert not (data_dir / "desk.sqlite").exists()  # nothing made, the demo not opened


@pytest.mark.parametrize(
    "argv",
    [
        ["clients", "find", "makinen"],
        ["clients", "access-log", "some-id"],
        ["catalogue", "export", "out"],
        ["queue"],
        ["sync", "--quarantine"],
    ],
)
def test_a_command_that_reads_makes_no_database(
    tmp_path: Path, argv: list[str], capsys, data_dir: Path
) -> None:
    missing = tmp_path / "typo.sqlite"
    argv = [str(tmp_path / a) if a == "out" else a for a in argv]
    assert main([*argv, "--database", str(missing)]) == 2
    assert f"tietokantaa ei ole: {missing}" in capsys.readouterr().err
    assert not missing.exists()


def test_the_demo_honours_the_environment(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started
) -> None:
    database = tmp_path / "mine.sqlite"
    monkeypatch.setenv("OHJAAJA_DATABASE", str(database))
    monkeypatch.setenv("OHJAAJA_WORKER", "Anna")
    assert main(["demo", "--clients", "20", "--no-arrivals"]) == 0
    assert started == [(database, "Anna")]
    assert not data_dir.exists()
    assert main(["demo", "--worker", "Pekka", "--no-arrivals"]) == 0  # the option wins
    assert started[-1] == (database, "Pekka")


def test_the_demo_without_environment_is_the_demos_file(data_dir: Path, started) -> None:
    assert main(["demo", "--clients", "20", "--no-arrivals"]) == 0
    assert started == [(data_dir / "demo.sqlite", "Demo")]


def test_the_demo_is_never_built_into_a_desks_database(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, capsys, started, data_dir
) -> None:
    production = tmp_path / "desk.sqlite"
    desk = Desk(production, clock, "Testi")
    desk.clients.create_client(AINO)
    desk.close()
    before = production.read_bytes()
    assert main(["demo", "--database", str(production), "--no-arrivals"]) == 2
    assert "not a demo" in capsys.readouterr().err
    monkeypatch.setenv("OHJAAJA_DATABASE", str(production))
    assert main(["demo", "--no-arrivals"]) == 2
    said = capsys.readouterr().err
    assert str(production) in said and "--database" in said
    assert production.read_bytes() == before and started == []


def test_an_empty_file_is_not_made_a_demo(tmp_path: Path, capsys, started, data_dir) -> None:
    empty = tmp_path / "demo.sqlite"
    empty.write_bytes(b"")
    assert main(["demo", "--database", str(empty), "--no-arrivals"]) == 2
    assert "empty" in capsys.readouterr().err and empty.stat().st_size == 0


def test_the_demo_says_in_the_desk_that_it_built_the_database(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Issue 15, item 27: a line printed before the app starts is hidden behind it
    until the worker quits. What the demo did is a notice in the desk, in the worker's
    language; while it builds, one status line says what it is doing."""
    from ohjaaja.shell import app as app_module

    notices = []
    monkeypatch.setattr(
        app_module.OhjaajaApp, "run", lambda self: notices.append(self.settings.notices)
    )
    assert main(["demo", "--clients", "20", "--no-arrivals"]) == 0
    demo = data_dir / "demo.sqlite"
    assert notices == [(("demo.built", {"file": str(demo)}),)]
    assert capsys.readouterr().err == f"ohjaaja: rakennetaan esittelyn tietokantaa {demo} ...\n"
    assert main(["demo", "--no-arrivals"]) == 0  # already built: nothing to say
    assert notices[-1] == () and capsys.readouterr().err == ""


async def test_a_notice_is_shown_when_the_desk_starts(db_path: Path, clock: FixedClock) -> None:
    from ohjaaja.shell.app import make_app
    from ohjaaja.shell.settings import Settings
    from tests.app.helpers import settle

    desk = Desk(db_path, clock, "Demo")
    notice = ("demo.built", {"file": "/tmp/demo.sqlite"})
    app = make_app(desk, Settings(database=db_path, worker_name="Demo", notices=(notice,)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = [n.message for n in app._notifications]
    desk.close()
    assert shown == ["Esittelytietokanta rakennettu: /tmp/demo.sqlite"]


def test_a_new_desk_beside_a_demo_says_which_is_which(
    data_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ohjaaja` after `ohjaaja demo` makes the desk's own database (never opening the
    demo's as a desk's) and says so in the desk, with where the demo is."""
    from ohjaaja.shell import app as app_module

    seen = []
    monkeypatch.setattr(
        app_module.OhjaajaApp,
        "run",
        lambda self: seen.append((self.desk.database, self.settings.notices)),
    )
    demo = data_dir.parent / "ohjaaja" / "demo.sqlite"
    build_demo(demo, clock, clients=20)
    desk = data_dir / "desk.sqlite"
    assert main([]) == 0
    assert seen == [(desk, (("desk.new_beside_demo", {"file": str(desk), "demo": str(demo)}),))]
    assert main([]) == 0  # the second time it is no news
    assert seen[-1] == (desk, ())
