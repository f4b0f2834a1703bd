"""Opening the desk's database from the command line, the same way for every command."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ohjaaja.domain.clock import SystemClock
from ohjaaja.usecases.desk import Desk, DeskOpenError


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
        return Desk(database, SystemClock(), worker, roles, training, teams=teams)
    except DeskOpenError as exc:
        print(f"ohjaaja: {exc}", file=sys.stderr)
        return None
