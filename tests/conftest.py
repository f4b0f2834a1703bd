"""Shared fixtures: a fixed clock on an ordinary Monday morning and a desk on a temp file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.i18n import set_language
from ohjaaja.usecases.desk import Desk

MONDAY_MORNING = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 10:00 in Helsinki


@pytest.fixture(autouse=True)
def finnish() -> Iterator[None]:
    set_language("fi")
    yield
    set_language("fi")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_MORNING)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.sqlite"


@pytest.fixture
def desk(db_path: Path, clock: FixedClock) -> Iterator[Desk]:
    desk = open_desk(db_path, clock)
    yield desk
    desk.close()


def open_desk(path: Path, clock: FixedClock) -> Desk:
    return Desk(path, clock, "Testi Työntekijä")


AINO = {
    "last_name": "Mäkinen",
    "first_names": "Aino Maria",
    "hetu": "131052-308T",
    "phone": "040 548 5906",
    "municipality_code": "853",
    "language": "fi",
}


@pytest.fixture
def admin(db_path: Path, clock: FixedClock) -> Iterator[Desk]:
    desk = open_admin(db_path, clock)
    yield desk
    desk.close()


def open_admin(path: Path, clock: FixedClock) -> Desk:
    """A desk with the admin role on a database holding the demo catalogue."""
    from ohjaaja.db.engine import transaction

    from ohjaaja.demo.catalogue import load_demo_catalogue
    from ohjaaja.domain.clock import to_iso

    desk = Desk(path, clock, "Ylläpitäjä", roles=("guidance", "admin"))
    with transaction(desk.conn) as conn:
        load_demo_catalogue(conn, to_iso(clock.now()))
    return desk
