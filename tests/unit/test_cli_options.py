"""The command line's options before and after a subcommand (issue 15, item 23).

`ohjaaja --help` lists the desk's options at the top. Every subcommand that takes
one of them takes it on either side of its name; given on both sides, the one
after the subcommand wins (as a repeated option does). One given before a
subcommand that has no use for it is refused, never silently dropped."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.shell.cli import build_parser, main
from ohjaaja.usecases.desk import Desk

# The least each command needs besides the options under test.
COMMANDS: dict[tuple[str, ...], list[str]] = {
    (): [],
    ("demo",): [],
    ("queue",): [],
    ("sync",): ["--once"],
    ("clients", "import"): ["register.csv"],
    ("clients", "find"): ["makinen"],
    ("clients", "access-log"): ["some-id"],
    ("catalogue", "import"): ["services.json"],
    ("catalogue", "import-ptv"): ["ptv"],
    ("catalogue", "export"): ["out"],
    ("server",): [],
    ("server", "new-epoch"): [],
    ("server", "access-log"): ["some-id", "--by", "ylla", "--reason", "asked"],
    ("server", "token", "create"): ["--role", "desk", "--name", "d"],
    ("server", "token", "revoke"): ["--name", "d"],
    ("server", "token", "list"): [],
    ("server", "token", "workers"): ["--name", "d", "--workers", "anna"],
    ("server", "worker", "add"): ["anna"],
    ("server", "worker", "remove"): ["anna"],
    ("server", "worker", "list"): [],
    ("train",): [],
    ("train", "check"): ["scenario.yaml"],
    ("train", "list"): [],
    ("train", "console"): ["aamu-ikaihmiset"],
    ("train", "solo"): ["aamu-ikaihmiset"],
    ("train", "debrief"): [],
    ("train", "run"): ["aamu-ikaihmiset"],
    ("report",): ["volumes"],
    ("serve",): [],
    ("serve", "passwd"): ["anna"],
}

# Every option of the top level, with a value unlike its default.
TOP_OPTIONS: dict[str, list[str]] = {
    "--database": ["--database", "x.sqlite"],
    "--training": ["--training"],
    "--worker": ["--worker", "Anna"],
    "--language": ["--language", "sv"],
    "--lines": ["--lines", "mipa"],
    "--ansi": ["--ansi"],
    "--server": ["--server", "http://example.invalid:8750"],
    "--token": ["--token", "x"],
    "--token-file": ["--token-file", "token"],
    "--admin": ["--admin"],
    "--teams": ["--teams", "emergency"],
}


def subcommands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every command path and its parser, the top level included."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from subcommands(child, (*path, name))


def own_option(parser: argparse.ArgumentParser, option: str) -> argparse.Action | None:
    return next((a for a in parser._actions if option in a.option_strings), None)


def test_every_command_is_in_the_table() -> None:
    """A new subcommand must be added above, so the rules below cover it."""
    leaves = {
        path
        for path, parser in subcommands(build_parser())
        if not any(
            isinstance(a, argparse._SubParsersAction) and a.required for a in parser._actions
        )
    }
    assert leaves == set(COMMANDS)


def test_the_top_level_lists_every_option_tested() -> None:
    top = build_parser()
    listed = {s for a in top._actions for s in a.option_strings if s.startswith("--")}
    assert listed - {"--help"} == set(TOP_OPTIONS)


def cases():
    top = build_parser()
    parsers = dict(subcommands(top))
    for path, needed in COMMANDS.items():
        if not path:
            continue
        for option, given in TOP_OPTIONS.items():
            theirs = own_option(parsers[path], option)
            ours = own_option(top, option)
            takes = theirs is not None and ours is not None and theirs.dest == ours.dest
            yield pytest.param(path, needed, given, takes, id=f"{' '.join(path)} {option}")


@pytest.mark.parametrize(("path", "needed", "given", "takes"), list(cases()))
def test_a_top_level_option_before_a_subcommand_works_or_is_refused(
    path: tuple[str, ...], needed: list[str], given: list[str], takes: bool, capsys
) -> None:
    """Given before the subcommand, an option the subcommand takes means what it means
    after it; one it does not take is refused with its name (exit 2)."""
    before = [*given, *path, *needed]
    if not takes:
        with pytest.raises(SystemExit) as stopped:
            build_parser().parse_args(before)
        assert stopped.value.code == 2
        assert given[0] in capsys.readouterr().err
        return
    after = [*path, *needed, *given]
    parsed_before, parsed_after = (
        build_parser().parse_args(before),
        build_parser().parse_args(after),
    )
    plain = build_parser().parse_args([*path, *needed])
    dest = own_option(build_parser(), given[0]).dest
    assert getattr(parsed_before, dest) == getattr(parsed_after, dest) != getattr(plain, dest)


@pytest.mark.parametrize(
    ("argv", "dest", "expected"),
    [
        (
            ["--database", "a.sqlite", "queue", "--database", "b.sqlite"],
            "database",
            Path("b.sqlite"),
        ),
        (["--lines", "mipa", "queue", "--lines", "ikaihmiset"], "lines", ("ikaihmiset",)),
        (["--worker", "A", "clients", "find", "x", "--worker", "B"], "worker", "B"),
        (["--database", "a", "server", "--database", "b", "token", "list"], "database", Path("b")),
    ],
)
def test_given_before_and_after_the_one_after_wins(argv: list[str], dest: str, expected) -> None:
    assert getattr(build_parser().parse_args(argv), dest) == expected


def test_lines_before_queue_filter_it(db_path: Path, clock: FixedClock, capsys) -> None:
    desk = Desk(db_path, clock, "Testi")
    desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.receive("phone", "mipa", "853")
    desk.close()
    assert main(["--lines", "mipa", "--database", str(db_path), "queue", "--json"]) == 0
    assert [row["line"] for row in json.loads(capsys.readouterr().out)] == ["mipa"]


def test_a_server_store_given_before_server(tmp_path: Path, monkeypatch, capsys) -> None:
    """`ohjaaja --training --database S server ...` is the training store S, not a
    client-data store in the user's data directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store = tmp_path / "training.sqlite"
    assert main(["--training", "--database", str(store), "server", "worker", "add", "anna"]) == 0
    assert store.exists() and not (tmp_path / "data").exists()
    capsys.readouterr()
    assert main(["--database", str(store), "server", "--training", "worker", "list"]) == 0
    assert "anna" in capsys.readouterr().out
