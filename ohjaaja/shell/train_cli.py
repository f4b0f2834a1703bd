"""`ohjaaja train ...`: training from the shell.

`check FILE|NAME` reads a scenario as a shift would and prints its summary, or
every problem as FILE:LINE: field: reason (exit 1); `list` names the scenarios that
come with ohjaaja. Other training commands add their own subparsers to the ones
`add_train_parser` returns.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

from ohjaaja.domain.clock import HELSINKI
from ohjaaja.i18n import DEFAULT_LANGUAGE, LANGUAGES, t_in

if TYPE_CHECKING:  # the scenario files' readers (YAML, JSON Schema) load on first use
    from ohjaaja.training.scenario import Scenario


def add_train_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction[argparse.ArgumentParser]]:
    """`train` and its subcommands (`check`, `list`); more are added by the caller."""
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument(  # SUPPRESS: the top level fills it in (cli._Command)
        "--language", choices=LANGUAGES, default=argparse.SUPPRESS,
        help="language of the messages (default fi)",
    )  # fmt: skip
    train = subparsers.add_parser("train", help="training: simulated shifts (scenarios)")
    commands = train.add_subparsers(dest="train_command")
    check = commands.add_parser(
        "check", parents=[language], help="check a scenario file (or a bundled one by name)"
    )
    check.add_argument("scenario", help="a .yaml/.json file, or a bundled scenario's name")
    commands.add_parser("list", parents=[language], help="the scenarios that come with ohjaaja")
    return train, commands


def run_train(args: argparse.Namespace) -> int:
    language = getattr(args, "language", None) or DEFAULT_LANGUAGE
    if args.train_command == "check":
        return check(args.scenario, language)
    if args.train_command == "list":
        return list_bundled(language)
    print("ohjaaja: train: choose a command (ohjaaja train --help)", file=sys.stderr)
    return 2


def check(name_or_path: str, language: str) -> int:
    from ohjaaja.training.files import ScenarioError, find_scenario

    try:
        scenario, _text, _fmt = find_scenario(name_or_path)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem.text(language), file=sys.stderr)
        count = len(exc.problems)
        print(t_in(language, "training.cli.problems", count=count), file=sys.stderr)
        return 1
    print(summary(scenario, language))
    return 0


def list_bundled(language: str) -> int:
    from ohjaaja.training.files import bundled_names, find_scenario

    for name in bundled_names():
        scenario, _text, _fmt = find_scenario(name)
        print(f"{name:24} {_when(scenario, language):28} {scenario.title}")
    return 0


def _when(scenario: Scenario, language: str) -> str:
    start = scenario.start.astimezone(HELSINKI)
    day = t_in(
        language, f"day.{('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')[start.weekday()]}"
    )
    return f"{day} {start:%d.%m.%Y %H:%M} +{_length(scenario.duration)}"


def _length(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}" if hours else f"{rest}min"


def expected_arrivals(scenario: Scenario) -> float:
    """Background contacts the streams bring in the shift on average: each stream's
    rate of the local hour, minute by minute."""
    total = 0.0
    minutes = int(scenario.duration.total_seconds() // 60)
    for stream in scenario.streams:
        for minute in range(minutes):
            hour = (scenario.start + timedelta(minutes=minute)).astimezone(HELSINKI).hour
            total += stream.per_hour.get(hour, stream.base_per_hour) / 60
    return total


def summary(scenario: Scenario, language: str) -> str:
    expects = [e for s in scenario.scripts for e in s.expect]
    lines = [
        f"{scenario.name}: {scenario.title}",
        t_in(
            language,
            "training.cli.when",
            when=_when(scenario, language),
            speed=f"{scenario.speed:g}",
            seed=scenario.seed,
        ),
        t_in(
            language,
            "training.cli.streams",
            count=len(scenario.streams),
            arrivals=round(expected_arrivals(scenario)),
        ),
        t_in(
            language,
            "training.cli.scripts",
            count=len(scenario.scripts),
            points=sum(e.points for e in expects),
            critical=sum(1 for e in expects if e.critical),
        ),
    ]
    lines += [f"  - {goal}" for goal in scenario.goals]
    for script in scenario.scripts:
        at = _length(script.at)
        lines.append(f"  +{at:>6} {script.id} ({script.channel}, {script.line}, {script.language})")
    return "\n".join(lines)
