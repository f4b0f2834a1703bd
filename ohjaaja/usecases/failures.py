"""When the desk's own work fails: what is kept for whoever looks after the desk.

A screen's database work that raises (screens/kit/base.py, `db_work`) does not end
the desk: the worker is told what failed, and the failure is written here to
`ohjaaja-errors.log` beside the database: the time, the worker, what they were
doing and the traceback. The file is made as the database's own files are
(ohjaaja.db.files: 0600, or 0660 in a desk's group folder); it holds what an
exception says, which may name data, so it is no more readable than the database.

The same failure again within a minute (a disk gone bad fails the queue's refresh
every second) is counted, not written or told again; the next entry for it says
how many times it was passed over.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from ohjaaja.db.files import create_file
from ohjaaja.domain.clock import Clock, to_iso

ERROR_LOG = "ohjaaja-errors.log"
QUIET_SECONDS = 60.0


@dataclass(frozen=True)
class Failure:
    what: str  # the kind of work, told as the message work.<what>
    log: Path | None  # where it was written; None if it could not be


def error_log_path(database: str | Path) -> Path | None:
    """The log beside the database file; none for a database in memory."""
    if str(database) in ("", ":memory:"):
        return None
    return Path(database).parent / ERROR_LOG


class FailureLog:
    """One desk's error log; safe to use from any worker thread."""

    def __init__(self, database: str | Path, clock: Clock) -> None:
        self.path = error_log_path(database)
        self.clock = clock
        self._lock = threading.Lock()
        # (what, the error as text) -> (when last written, in monotonic seconds; passed over since)
        self._last: dict[tuple[str, str], tuple[float, int]] = {}

    def record(self, what: str, worker: str, error: BaseException) -> Failure | None:
        """Write the failure down; None for a repeat within the quiet minute."""
        key = (what, f"{type(error).__name__}: {error}")
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last[0] < QUIET_SECONDS:
                self._last[key] = (last[0], last[1] + 1)
                return None
            self._last[key] = (now, 0)
            written = self._write(what, worker, error, last[1] if last else 0)
        return Failure(what, written)

    def _write(self, what: str, worker: str, error: BaseException, passed_over: int) -> Path | None:
        if self.path is None:
            return None
        head = f"{to_iso(self.clock.now())} {worker}: {what} failed"
        if passed_over:
            head += f" (and {passed_over} more times since the entry before)"
        entry = head + "\n" + "".join(traceback.format_exception(error)) + "\n"
        try:
            create_file(self.path)
            with self.path.open("a", encoding="utf-8") as log:
                log.write(entry)
        except OSError:
            return None  # a folder the desk cannot write: the worker is still told
        return self.path
