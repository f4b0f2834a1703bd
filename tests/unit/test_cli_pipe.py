"""A command whose reader goes away (`ohjaaja queue --json | head`) ends quietly
(issue 15, item 25): no traceback, exit status 141 as a process ended by SIGPIPE
reports it in the shell (what `cat` or `grep` give there)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from tests.conftest import AINO


def into_a_closed_pipe(*args: str, unbuffered: bool) -> subprocess.CompletedProcess[str]:
    """Run the console script with its standard output a pipe nobody reads: the
    reading end is closed before it starts, so its first write (or flush) fails."""
    script = shutil.which("ohjaaja", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "ohjaaja.shell.cli"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [*command, *args], stdout=write, stderr=subprocess.PIPE, text=True, env=env,
            timeout=60,
        )  # fmt: skip
    finally:
        os.close(write)


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize(
    "argv",
    [
        ["queue", "--json"],
        ["queue"],
        ["clients", "find", "makinen", "--json"],
        ["clients", "find", "makinen"],
        ["catalogue", "export", "@"],
    ],
)
def test_no_traceback_into_a_closed_pipe(
    argv: list[str], unbuffered: bool, db_path: Path, clock: FixedClock, tmp_path: Path
) -> None:
    desk = Desk(db_path, clock, "Testi")
    desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.clients.create_client(AINO)
    desk.close()
    argv = [str(tmp_path / "out") if a == "@" else a for a in argv]
    result = into_a_closed_pipe(*argv, "--database", str(db_path), unbuffered=unbuffered)
    assert result.stderr == ""  # no traceback, no "Exception ignored"
    assert result.returncode == 141


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
def test_help_into_a_closed_pipe(unbuffered: bool) -> None:
    """argparse itself drops a failed write of the help (then exits 0); what is still
    buffered fails at the end and is 141 like the rest."""
    result = into_a_closed_pipe("--help", unbuffered=unbuffered)
    assert result.stderr == "" and result.returncode == (0 if unbuffered else 141)
