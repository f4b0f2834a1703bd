"""A desk's token kept off the command line: `--token-file`, `OHJAAJA_TOKEN`, and a
warning when `--token` puts it where every user of the host can read it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.shell.cli import build_parser, main
from ohjaaja.shell.settings import TokenError, resolve_token
from ohjaaja.usecases.desk import Desk

WARNING = "/proc"
UNREACHABLE = "http://127.0.0.1:18199"  # nothing listens: a round fails fast


@pytest.fixture(autouse=True)
def no_token_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OHJAAJA_TOKEN", raising=False)


def token_file(tmp_path: Path, mode: int, text: str = "ohj_secret\n") -> Path:
    path = tmp_path / "token"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def resolve(argv: list[str]) -> str | None:
    return resolve_token(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["--token-file", "@", "sync", "--once"],
        ["sync", "--once", "--token-file", "@"],
        ["--token-file", "@"],
        ["demo", "--token-file", "@"],
    ],
)
def test_the_token_is_read_from_its_file(tmp_path: Path, argv: list[str], capsys) -> None:
    path = str(token_file(tmp_path, 0o600, "  ohj_secret \n"))
    assert resolve([path if a == "@" else a for a in argv]) == "ohj_secret"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("bad_mode", [0o644, 0o640, 0o604, 0o660])
def test_a_token_file_others_can_read_is_refused(tmp_path: Path, bad_mode: int) -> None:
    path = token_file(tmp_path, bad_mode)
    with pytest.raises(TokenError, match=str(path)) as refused:
        resolve(["--token-file", str(path)])
    assert "chmod 600" in str(refused.value)


def test_the_command_names_the_file_it_refuses(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    path = token_file(tmp_path, 0o644)
    database = tmp_path / "desk.sqlite"
    argv = ["sync", "--once", "--database", str(database), "--server", UNREACHABLE]
    assert main([*argv, "--token-file", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "owner only" in err
    assert not database.exists()  # refused before anything was opened


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_token_file_of_another_user_is_refused(tmp_path: Path) -> None:
    path = token_file(tmp_path, 0o600)
    os.chown(path, 65534, 65534)
    with pytest.raises(TokenError, match=f"{path}.*owned by"):
        resolve(["--token-file", str(path)])


def test_a_missing_or_empty_token_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TokenError, match=str(tmp_path / "nope")):
        resolve(["--token-file", str(tmp_path / "nope")])
    path = token_file(tmp_path, 0o600, " \n")
    with pytest.raises(TokenError, match=f"{path}.*empty"):
        resolve(["--token-file", str(path)])


def test_a_token_on_the_command_line_works_with_a_warning_once(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "desk.sqlite"
    Desk(database, clock, "Testi").close()
    argv = ["sync", "--once", "--database", str(database), "--server", UNREACHABLE]
    assert main([*argv, "--token", "ohj_visible"]) == 1  # tried: the server is not there
    err = capsys.readouterr().err
    assert err.count(WARNING) == 1 and "--token-file" in err and "OHJAAJA_TOKEN" in err
    assert "ei saada yhteyttä" in err
    assert resolve(["--token", "ohj_visible", "sync", "--once"]) == "ohj_visible"
    assert capsys.readouterr().err.count(WARNING) == 1


def test_the_environment_and_the_file_are_silent(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    database = tmp_path / "desk.sqlite"
    Desk(database, clock, "Testi").close()
    argv = ["sync", "--once", "--database", str(database), "--server", UNREACHABLE]
    assert main([*argv, "--token-file", str(token_file(tmp_path, 0o600))]) == 1
    monkeypatch.setenv("OHJAAJA_TOKEN", "ohj_env")
    assert resolve([]) == "ohj_env" and resolve(["sync", "--once"]) == "ohj_env"
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert WARNING not in err and err.count("ei saada yhteyttä") == 2


def test_the_file_and_the_command_line_come_before_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OHJAAJA_TOKEN", "ohj_env")
    assert resolve(["--token-file", str(token_file(tmp_path, 0o600))]) == "ohj_secret"
    assert resolve(["sync", "--once", "--token", "ohj_given"]) == "ohj_given"
    assert resolve(["--token", "ohj_given"]) == "ohj_given"


@pytest.mark.parametrize(
    "argv",
    [
        ["--token", "x", "--token-file", "@"],
        ["--token", "x", "sync", "--once", "--token-file", "@"],
        ["sync", "--once", "--token", "x", "--token-file", "@"],
        ["demo", "--token-file", "@", "--token", "x"],
    ],
)
def test_a_token_and_a_token_file_together_are_refused(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(token_file(tmp_path, 0o600))
    argv = [path if a == "@" else a for a in argv]
    with pytest.raises(TokenError, match="not both"):
        resolve_token(build_parser().parse_args(argv))
    if "sync" in argv:  # the command refuses before it opens anything
        database = tmp_path / "desk.sqlite"
        assert main([*argv, "--database", str(database), "--server", UNREACHABLE]) == 2
        assert "not both" in capsys.readouterr().err and not database.exists()
