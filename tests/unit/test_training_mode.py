"""A desk file is for training or for client data from its first write on, whoever
writes first; the demo is a demo in its meta, and `demo --training` a training one."""

from __future__ import annotations

from pathlib import Path

import pytest
from ohjaaja.db.engine import connect
from ohjaaja.db.reference import get_meta

from ohjaaja.demo.build import build_demo
from ohjaaja.domain.clock import FixedClock
from ohjaaja.shell.cli import build_parser, main
from ohjaaja.shell.settings import default_database
from ohjaaja.usecases.desk import Desk, DeskModeError


def meta(path: Path, key: str) -> str | None:
    conn = connect(path)
    try:
        return get_meta(conn, key)
    finally:
        conn.close()


def test_demo_training_builds_a_training_demo_in_a_file_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ohjaaja.shell import app as app_module

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("OHJAAJA_DATABASE", raising=False)
    started = []
    monkeypatch.setattr(
        app_module.OhjaajaApp, "run", lambda self: started.append(self.desk.training)
    )
    assert main(["demo", "--training", "--clients", "20", "--no-arrivals"]) == 0
    training = default_database(demo=True, training=True)
    assert training.name == "demo-training.sqlite" and training.exists()
    assert not default_database(demo=True).exists()
    assert started == [True]
    assert meta(training, "mode") == "training" and meta(training, "demo") == "1"
    assert main(["--training", "demo", "--clients", "20", "--no-arrivals"]) == 0  # either place
    assert started == [True, True]


def test_a_demo_is_marked_and_keeps_its_mode(tmp_path: Path, clock: FixedClock) -> None:
    production, training = tmp_path / "demo.sqlite", tmp_path / "demo-training.sqlite"
    assert build_demo(production, clock, clients=20)
    assert build_demo(training, clock, clients=20, training=True)
    assert meta(production, "mode") == "production" and meta(production, "demo") == "1"
    assert meta(training, "mode") == "training" and meta(training, "demo") == "1"
    with pytest.raises(DeskModeError, match=str(training)):
        Desk(training, clock, "Demo")
    with pytest.raises(DeskModeError, match=str(production)):
        build_demo(production, clock, clients=20, training=True)
    Desk(training, clock, "Demo", training=True).close()


@pytest.mark.parametrize("command", [["clients", "find", "x"], ["catalogue", "export", "out"]])
def test_training_before_or_after_a_subcommand_is_kept(command: list[str]) -> None:
    assert build_parser().parse_args(["--training", *command]).training
    assert build_parser().parse_args([*command, "--training"]).training
    assert not build_parser().parse_args(command).training


@pytest.mark.parametrize(
    "argv",
    [
        ["server", "--training", "--database", "x.sqlite", "token", "create", "--role", "desk",
         "--name", "d"],
        ["server", "token", "create", "--role", "desk", "--name", "d", "--training",
         "--database", "x.sqlite"],
        ["server", "--database", "x.sqlite", "token", "--training", "list"],
        ["server", "--training", "worker", "add", "anna", "--database", "x.sqlite"],
        ["server", "new-epoch", "--training", "--database", "x.sqlite"],
    ],
)  # fmt: skip
def test_a_server_subcommand_keeps_the_store_given_anywhere(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert args.database == Path("x.sqlite") and args.training


def test_an_import_fixes_a_new_files_mode(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text("last_name,first_names,hetu\nMäkinen,Aino,131052-308T\n", encoding="utf-8")
    database = tmp_path / "imported.sqlite"
    assert (
        main(["--training", "clients", "import", str(register), "--database", str(database)]) == 0
    )
    assert meta(database, "mode") == "training"
    assert main(["clients", "import", str(register), "--database", str(database)]) == 2


def test_the_desk_tells_its_worker_why_it_does_not_sync() -> None:
    from ohjaaja.shell.app import mode_notice
    from ohjaaja.sync.client import SyncModeError

    path = Path("/srv/desk.sqlite")
    training = SyncModeError(path, "http://s", "training", "production", demo=False)
    assert str(path) in str(training) and "training and client data never mix" in str(training)
    assert mode_notice(training).startswith("Ei synkronoitu: tämä on harjoitustietokanta")
    demo = SyncModeError(path, "http://s", "production", "production", demo=True)
    assert "demo" in str(demo) and "esittelytietokanta" in mode_notice(demo)
    client = SyncModeError(path, "http://s", "production", "training", demo=False)
    assert str(path) in mode_notice(client) and "harjoituskäytössä" in mode_notice(client)
