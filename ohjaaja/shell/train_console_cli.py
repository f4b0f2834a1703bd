"""`ohjaaja train console SCENARIO` and `ohjaaja train solo SCENARIO`: a desk that
plays a training shift, its console on top.

`console` is the trainer's desk: it plays the shift into its training database,
which syncs through a training store (`--server`, `--token-file`) to the trainees'
desks (`ohjaaja --training --server ...`); the trainer's worker needs the trainer
role in the store's register (`ohjaaja server --training worker add NAME --roles
guidance,trainer`). `solo` is a trainee practising alone, without a server: the
same console and the desk in one app (F11 switches between them).

Each keeps its shift in a training database of its own (the user data directory's
training-console.sqlite or training-solo.sqlite, unless --database names one); a
shift left running there is picked up again, with its clock where it was.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ohjaaja.i18n import t

if TYPE_CHECKING:
    from ohjaaja.shell.settings import Settings

COMMANDS = ("console", "solo")


def _speed(text: str) -> float:
    from ohjaaja.training.clock import MAX_SPEED, MIN_SPEED

    try:
        speed = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.type.not_a_number", text=text)) from None
    if not 1 <= speed <= MAX_SPEED or speed < MIN_SPEED:
        raise argparse.ArgumentTypeError(t("cli.type.speed", most=f"{MAX_SPEED:g}", text=text))
    return speed


def add_console_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    desk: argparse.ArgumentParser,
) -> None:
    console = commands.add_parser(
        "console", parents=[common, desk],
        help="the trainer's console: play a scenario's shift (with --server, for a class)",
    )  # fmt: skip
    solo = commands.add_parser(
        "solo", parents=[common, desk], help="practise alone: the console and the desk in one"
    )
    for parser in (console, solo):
        parser.add_argument("scenario", help="a .yaml/.json file, or a bundled scenario's name")
        parser.add_argument(
            "--speed", type=_speed, default=None, help="1 to 60 (default: the scenario's)"
        )


def run_console(
    args: argparse.Namespace, settings_of: Callable[[argparse.Namespace, Path], Settings]
) -> int:
    """`settings_of` is the desk's (cli._settings): the same keymap, language and
    server options as any desk."""
    from ohjaaja.i18n import DEFAULT_LANGUAGE
    from ohjaaja.shell.settings import TokenError, data_file, resolve_token
    from ohjaaja.training.files import ScenarioError, find_scenario

    solo = args.train_command == "solo"
    language = args.language or DEFAULT_LANGUAGE
    try:
        scenario, source, fmt = find_scenario(args.scenario)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem.text(language), file=sys.stderr)
        return 1
    if solo and args.server:
        print("ohjaaja: train solo practises without a server: no --server", file=sys.stderr)
        return 2
    try:
        args.token, args.token_file = resolve_token(args), None
    except TokenError as exc:
        print(f"ohjaaja: {exc}", file=sys.stderr)
        return 2
    name = "training-solo.sqlite" if solo else "training-console.sqlite"
    database: Path = args.database or data_file().with_name(name)
    database.parent.mkdir(parents=True, exist_ok=True)
    return _play(args, database, scenario, source, fmt, solo, settings_of)


def _play(
    args: argparse.Namespace,
    database: Path,
    scenario: object,
    source: str,
    fmt: str,
    solo: bool,
    settings_of: Callable[[argparse.Namespace, Path], Settings],
) -> int:
    from dataclasses import replace

    from ohjaaja.db import training as rows
    from ohjaaja.shell.app import make_app
    from ohjaaja.shell.settings import default_teams, default_worker
    from ohjaaja.training.clock import SimClock
    from ohjaaja.training.engine import Shift
    from ohjaaja.training.scenario import Scenario
    from ohjaaja.usecases.desk import Desk, DeskOpenError

    assert isinstance(scenario, Scenario)
    args.training = True
    if args.language is None:
        args.language = scenario.language  # the trainees' language, as the scenario says
    worker = args.worker or default_worker()
    # The trainer role puts the scenario's catalogue to the training store too
    # (ohjaaja.training.engine), so the trainees' offers of its services stand.
    roles: tuple[str, ...] = ("guidance",) if solo else ("guidance", "trainer")
    if args.admin:
        roles += ("admin",)
    try:
        # The desk runs on the shift's clock: its waits, times and hours are the shift's.
        desk = Desk(database, SimClock.starting(scenario.start, scenario.speed), worker, roles,
                    training=True, teams=args.teams or default_teams(args.lines))  # fmt: skip
    except DeskOpenError as exc:
        print(f"ohjaaja: {exc}", file=sys.stderr)
        return 2
    try:
        with desk.ctx.reading() as conn:
            running = rows.running_shift(conn)
        if running is not None and running.scenario != (scenario.name or scenario.title):
            print(
                f"ohjaaja: {database}: a shift of another scenario runs there; end it on its "
                "console, or give this one a file of its own (--database NEW)",
                file=sys.stderr,
            )
            return 2
        shift = Shift.running(desk, scenario) or Shift.start(desk, scenario, source, fmt)
        if args.speed is not None:
            shift.set_speed(args.speed)
        settings = replace(settings_of(args, database), training=True)
        app = make_app(desk, settings, shift=shift)
        app.run()
    finally:
        desk.close()
    return app.return_code or 0
