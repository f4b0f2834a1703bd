"""`ohjaaja train debrief [SHIFT_ID|latest] [--html FILE] [--csv FILE]`: a training
shift's after-action report for the class. Reads the training database without
writing to it; the scenario comes from the shift's own row (its file's text), so
no scenario file is needed. Without files, prints the scores and what was missed.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ohjaaja.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language, t

if TYPE_CHECKING:  # the debrief loads on first use, not at every start of the shell
    from ohjaaja.training.debrief import Debrief

CONSOLE_FILE = "training-console.sqlite"  # the trainer's console's default database


def add_debrief_command(
    train_subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    debrief = train_subparsers.add_parser(
        "debrief", parents=list(parents),
        help="a shift's debrief: scores, expected against done, timeline (HTML, CSV)",
    )  # fmt: skip
    debrief.add_argument(
        "shift", nargs="?", default="latest", help="the shift's id, or latest (default)"
    )
    debrief.add_argument("--html", type=Path, help="write the debrief as one HTML page")
    debrief.add_argument("--csv", type=Path, help="write the debrief as one CSV file")
    debrief.add_argument(  # not the desk's --language: given before `train`, that is refused
        "--in", dest="report_language", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
        help="the language of the report (default fi)",
    )  # fmt: skip
    return debrief


def run_debrief(args: argparse.Namespace) -> int:
    from ohjaaja.shell.settings import data_file

    set_language(args.report_language)
    database: Path = args.database or data_file().with_name(CONSOLE_FILE)
    if not database.exists():
        print(f"ohjaaja: {database}: no such database (--database names one)", file=sys.stderr)
        return 2
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return _debrief(conn, database, args)
    except sqlite3.Error as exc:
        print(f"ohjaaja: {database}: {exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()


def _debrief(conn: sqlite3.Connection, database: Path, args: argparse.Namespace) -> int:
    from ohjaaja.db import training as rows
    from ohjaaja.db.reference import get_meta
    from ohjaaja.training.debrief import build_debrief, write_files
    from ohjaaja.training.files import ScenarioError, parse_scenario

    if get_meta(conn, "mode") != "training":
        print(f"ohjaaja: {database}: not a training database", file=sys.stderr)
        return 2
    if args.shift == "latest":
        found = rows.shifts(conn)
        shift = found[0] if found else None
    else:
        shift = rows.shift(conn, args.shift)
    if shift is None:
        print(f"ohjaaja: {database}: {t('debrief.no_shift', shift=args.shift)}", file=sys.stderr)
        return 1
    try:
        scenario = parse_scenario(shift.source, shift.format, shift.scenario, shift_text=True)
    except ScenarioError as exc:  # a shift's text was checked when it started
        for problem in exc.problems:
            print(problem.text(args.report_language), file=sys.stderr)
        return 1
    debrief = build_debrief(conn, scenario, shift.id)
    for path in write_files(debrief, args.html, args.csv):
        print(path)
    if args.html is None and args.csv is None:
        print(report_text(debrief))
    return 0


def report_text(debrief: Debrief) -> str:
    """The debrief in a terminal: the scores, then every expected action, the
    critical misses first."""
    from ohjaaja.training.debrief import (
        check_cells,
        figure_header,
        figure_rows,
        shift_text,
        summary_text,
    )

    lines = [f"{t('title.debrief')}: {debrief.scenario.title}", shift_text(debrief),
             summary_text(debrief), ""]  # fmt: skip
    table = [figure_header(short=True), *figure_rows(debrief.score)]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
              for row in table]  # fmt: skip
    lines.append("")
    for check in debrief.score.checks:
        mark, script, expected, actual, points = check_cells(check)
        lines.append(f"{mark} {script:10} {points:>5}  {expected}: {actual}")
    return "\n".join(lines)
