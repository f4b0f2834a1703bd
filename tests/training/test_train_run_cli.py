"""`ohjaaja train run`: the bundled scenario played headless, text and JSON."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

import pytest

from ohjaaja.shell.train_run_cli import add_run_parser, duration


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ohjaaja train")
    add_run_parser(parser.add_subparsers(dest="train_command"))
    return parser.parse_args(["run", *argv])


def run(*argv: str) -> int:
    args = parse(*argv)
    return int(args.train_handler(args))


def test_json_figures_and_erlang_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("aamu-ikaihmiset", "--seed", "3", "--trainees", "2", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["trainees"] == 2 and data["seed"] == 3
    assert data["answered"] + data["abandoned"] + data["left_waiting"] == data["contacts"]
    assert data["erlang_c"]["model"] == "erlang_c" and data["erlang_a"]["model"] == "erlang_a"
    assert data["needed_a"] >= 1 and data["hours"][0]["hour"] == "08:00"


@pytest.mark.parametrize(
    ("language", "words"),
    [("fi", ("harjoittelijaa", "luopuneet")), ("sv", ("praktikanter", "avbrutna")),
     ("en", ("trainees", "abandoned"))],
)  # fmt: skip
def test_text_in_each_language_fits_80_columns(
    capsys: pytest.CaptureFixture[str], language: str, words: tuple[str, ...]
) -> None:
    assert run("aamu-ikaihmiset", "--trainees", "4", "--language", language) == 0
    out = capsys.readouterr().out
    assert all(word in out for word in words)
    assert "Erlang A" in out and "08:00" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_an_unknown_scenario_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("no-such-scenario", "--language", "en") == 2
    err = capsys.readouterr().err
    assert "no-such-scenario" in err and "aamu-ikaihmiset" in err


def test_bad_options_are_refused_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--handling", "6x"], ["--trainees", "0"], ["--policy", "random"]):
        with pytest.raises(SystemExit):
            parse("aamu-ikaihmiset", *argv)
        assert argv[0] in capsys.readouterr().err


def test_durations() -> None:
    assert duration("6min") == timedelta(minutes=6)
    assert duration("90s") == timedelta(seconds=90)
    assert duration("1.5h") == timedelta(minutes=90)
    assert duration("4") == timedelta(minutes=4)


def test_through_the_console_script(capsys: pytest.CaptureFixture[str]) -> None:
    from ohjaaja.shell.cli import main

    assert main(["--language", "sv", "train", "run", "aamu-ikaihmiset", "--trainees", "3"]) == 0
    assert "praktikanter" in capsys.readouterr().out
