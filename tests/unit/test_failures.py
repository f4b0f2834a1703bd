"""The desk's error log: beside the database, private, one entry per failure and
not one per second when the same thing keeps failing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases import failures
from ohjaaja.usecases.failures import ERROR_LOG, FailureLog, error_log_path


def fail(message: str) -> Exception:
    try:
        raise OSError(message)
    except OSError as error:
        return error


def test_a_failure_is_written_beside_the_database_for_its_owner_only(
    tmp_path: Path, clock: FixedClock
) -> None:
    database = tmp_path / "desk" / "desk.sqlite"
    log = FailureLog(database, clock)
    failure = log.record("queue", "Testi", fail("disk I/O error"))
    assert failure is not None and failure.log == database.parent / ERROR_LOG
    text = failure.log.read_text(encoding="utf-8")
    assert text.startswith("2026-11-23T08:00:00")
    assert "Testi" in text and "queue" in text
    assert "Traceback" in text and "OSError: disk I/O error" in text
    assert stat.S_IMODE(failure.log.stat().st_mode) == 0o600


def test_the_same_failure_again_is_counted_then_written_with_its_count(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    seconds = [1000.0]
    monkeypatch.setattr(failures.time, "monotonic", lambda: seconds[0])
    log = FailureLog(tmp_path / "desk.sqlite", clock)
    assert log.record("queue", "Testi", fail("locked")) is not None
    seconds[0] += 1
    assert log.record("queue", "Testi", fail("locked")) is None
    assert log.record("queue", "Testi", fail("locked")) is None
    assert log.record("take", "Testi", fail("locked")) is not None  # another action
    assert log.record("queue", "Testi", fail("damaged")) is not None  # another fault
    seconds[0] += failures.QUIET_SECONDS
    assert log.record("queue", "Testi", fail("locked")) is not None
    text = (tmp_path / ERROR_LOG).read_text(encoding="utf-8")
    assert text.count("Traceback") == 4
    assert "2 more times" in text


def test_a_database_in_memory_has_no_log_and_an_unwritable_log_only_tells(
    tmp_path: Path, clock: FixedClock
) -> None:
    assert error_log_path(":memory:") is None
    failure = FailureLog(":memory:", clock).record("queue", "Testi", fail("x"))
    assert failure is not None and failure.log is None
    (tmp_path / ERROR_LOG).mkdir()  # something in its place the desk cannot write to
    failure = FailureLog(tmp_path / "desk.sqlite", clock).record("queue", "Testi", fail("x"))
    assert failure is not None and failure.log is None
