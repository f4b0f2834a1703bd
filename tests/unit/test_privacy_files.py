"""Data minimisation on the desk's own disk: database files, their folders and the
exports are readable by their owner only (by the desk's group in a setgid folder),
whatever the umask."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.exchange.exports import export_path, write_private
from ohjaaja.shell.cli import main
from ohjaaja.usecases.desk import Desk
from tests.conftest import AINO


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000, 0o077], ids=["umask022", "umask000", "umask077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """The desk's modes never depend on the umask of whoever starts it."""
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def write_something(desk: Desk) -> None:
    desk.clients.create_client(AINO)


def test_a_new_desk_database_and_the_folders_it_makes_are_its_owners(
    tmp_path: Path, clock: FixedClock, umask: int
) -> None:
    tmp_path.chmod(0o755)
    path = tmp_path / "made" / "here" / "desk.sqlite"
    desk = Desk(path, clock, "Testi")
    write_something(desk)
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert all(file.exists() for file in files)  # the WAL files exist while a desk is open
    assert {file.name: mode(file) for file in files} == {file.name: 0o600 for file in files}
    assert mode(tmp_path / "made") == mode(tmp_path / "made" / "here") == 0o700
    assert mode(tmp_path) == 0o755  # a folder it did not make is left as it was
    desk.close()


def test_an_existing_folder_keeps_its_mode(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o1777)  # like /tmp
    desk = Desk(folder / "desk.sqlite", clock, "Testi")
    write_something(desk)
    assert mode(folder) == 0o1777
    assert mode(folder / "desk.sqlite") == 0o600
    desk.close()


def test_an_existing_database_keeps_its_mode(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "desk.sqlite"
    Desk(path, clock, "Testi").close()
    path.chmod(0o640)  # the host's admin chose this
    Desk(path, clock, "Testi").close()
    assert mode(path) == 0o640


def test_a_setgid_folder_shares_its_files_with_the_desks_group(
    tmp_path: Path, clock: FixedClock, umask: int
) -> None:
    """A thin-terminal host: several workers' sessions share one desk file."""
    folder = tmp_path / "srv"
    folder.mkdir()
    folder.chmod(0o2770)
    path = folder / "desk.sqlite"
    desk = Desk(path, clock, "Testi")
    client_id = desk.clients.create_client(AINO).client_id
    assert client_id
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        assert mode(file) == 0o660, file.name
    export = export_path(path, f"access-log-{client_id}", "csv", datetime.now(UTC))
    write_private(export, desk.clients.export_access_log(client_id, "tietopyyntö"))
    assert mode(export) == 0o660
    assert mode(export.parent) == 0o2770  # the group's folder, setgid as its parent
    desk.close()
    assert mode(folder) == 0o2770


def test_the_sync_lock_file_is_private(tmp_path: Path, clock: FixedClock) -> None:
    from ohjaaja.sync.client import SyncClient

    path = tmp_path / "desk.sqlite"
    Desk(path, clock, "Testi").close()
    client = SyncClient(path, "http://127.0.0.1:18199", "token", clock)
    with client._turn() as mine:
        assert mine
    client.close()
    assert mode(tmp_path / "desk.sqlite.sync-lock") == 0o600


def test_an_export_and_its_folder_are_private(
    tmp_path: Path, clock: FixedClock, umask: int
) -> None:
    path = tmp_path / "desk.sqlite"
    desk = Desk(path, clock, "Testi")
    client_id = desk.clients.create_client(AINO).client_id
    assert client_id
    export = export_path(path, f"access-log-{client_id}", "csv", datetime.now(UTC))
    assert export.parent == tmp_path / "exports"
    write_private(export, desk.clients.export_access_log(client_id, "tietopyyntö"))
    assert mode(export) == 0o600 and mode(export.parent) == 0o700
    desk.close()


def test_an_export_over_an_older_file_makes_it_private(tmp_path: Path) -> None:
    target = tmp_path / "log.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    write_private(target, "new")
    assert target.read_text(encoding="utf-8") == "new" and mode(target) == 0o600


def test_the_command_lines_exports_are_private(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    old = os.umask(0)
    try:
        database = tmp_path / "desk.sqlite"
        desk = Desk(database, clock, "Testi")
        client_id = desk.clients.create_client(AINO).client_id
        assert client_id
        desk.close()
        output = tmp_path / "out" / "log.csv"
        argv = ["clients", "access-log", client_id, "--database", str(database)]
        assert main([*argv, "--output", str(output)]) == 0
        assert mode(output) == 0o600 and mode(output.parent) == 0o700
        for form in ("json", "csv"):
            folder = tmp_path / f"hsds-{form}"
            argv = ["catalogue", "export", str(folder), "--format", form]
            assert main([*argv, "--database", str(database)]) == 0
            assert mode(folder) == 0o700
            written = list(folder.iterdir())
            assert written and {f.name: mode(f) for f in written} == {
                f.name: 0o600 for f in written
            }
            if form == "json":
                assert json.loads((folder / "services.json").read_text(encoding="utf-8")) == []
    finally:
        os.umask(old)


def test_the_servers_sqlite_store_and_admin_log_are_private(tmp_path: Path, umask: int) -> None:
    """The shared server's store holds every desk's clients: the same rule."""
    from ohjaaja.db.server.journal import Journal
    from ohjaaja.db.server.store import Store

    path = tmp_path / "server" / "server.sqlite"
    store = Store(f"sqlite:///{path}", journal=Journal(tmp_path / "logs" / "admin-log"))
    store.add_worker("anna", ("guidance",), (), "2026-11-23T08:00:00.000000Z")
    assert mode(path) == mode(Path(f"{path}-wal")) == 0o600
    assert mode(path.parent) == mode(tmp_path / "logs") == 0o700
    assert mode(tmp_path / "logs" / "admin-log") == 0o600
    store.close()
