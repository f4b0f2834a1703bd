"""`ohjaaja train console` and `train solo` refuse what they cannot play, before any
database is made or the terminal taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from ohjaaja.shell.cli import main


def test_a_missing_scenario_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "t.sqlite"
    missing = tmp_path / "ei-ole.yaml"
    assert main(["train", "solo", str(missing), "--database", str(database)]) == 1
    assert str(missing) in capsys.readouterr().err
    assert not database.exists()


def test_solo_practises_without_a_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "t.sqlite"
    argv = ["train", "solo", "aamu-ikaihmiset", "--database", str(database),
            "--server", "http://127.0.0.1:8140"]  # fmt: skip
    assert main(argv) == 2
    assert "without a server" in capsys.readouterr().err
    assert not database.exists()


@pytest.mark.parametrize("speed", ["0.5", "61", "fast"])
def test_the_speed_is_from_1_to_60(speed: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["train", "console", "aamu-ikaihmiset", "--speed", speed])
    assert exited.value.code == 2
    assert "--speed" in capsys.readouterr().err
