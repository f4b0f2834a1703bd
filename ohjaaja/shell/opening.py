"""Opening the desk's database from the command line, the same way for every command."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ohjaaja.domain.clock import SystemClock
from ohjaaja.i18n import t
from ohjaaja.shell.settings import data_file
from ohjaaja.usecases.desk import Desk, DeskOpenError


def existing(database: Path) -> bool:
    """Whether the database is there for a command that only reads it (which never
    makes one); if not, says so on standard error. When the missing file is the data
    directory's desk.sqlite and a demo was built beside it, names the demo's file and
    how to open it: a newcomer's first try after `ohjaaja demo` lands here, and a
    demo's file is opened only when named (it is never taken for a desk's)."""
    if database.exists():
        return True
    print(f"ohjaaja: {t('cli.no_database', file=database)}", file=sys.stderr)
    if database == data_file():
        demos = [path for path in (data_file(demo=True), data_file(True, True)) if path.exists()]
        for demo in demos:
            print(f"ohjaaja: {t('cli.demo_is_at', file=demo)}", file=sys.stderr)
        if not demos:
            print(f"ohjaaja: {t('cli.first_start_makes')}", file=sys.stderr)
    return False


def open_desk(
    database: Path,
    worker: str,
    roles: Sequence[str] = ("guidance",),
    training: bool = False,
    teams: Sequence[str] = (),
) -> Desk | None:
    """The desk, or None after saying on standard error why the file cannot be opened
    (empty, corrupt, of the other mode); the command then exits 2."""
    try:
        if not training:
            return Desk(database, SystemClock(), worker, roles, training, teams=teams)
        from ohjaaja.training.follow import desk_clock, follow_shift

        desk = Desk(database, desk_clock(True, SystemClock()), worker, roles, True, teams=teams)
        follow_shift(desk)  # the shift's clock from the start, paused or not
        return desk
    except DeskOpenError as exc:
        print(f"ohjaaja: {exc}", file=sys.stderr)
        return None


def first_run_notices(database: Path) -> tuple[tuple[str, dict[str, str]], ...]:
    """What the desk says when it starts on a database it is about to make: after
    `ohjaaja demo`, a newcomer's `ohjaaja` makes the desk's own (empty) database, and
    is told so and where the demo's is, rather than left wondering where it went."""
    demo = data_file(demo=True)
    if database.exists() or database != data_file() or not demo.exists():
        return ()
    return (("desk.new_beside_demo", {"file": str(database), "demo": str(demo)}),)
