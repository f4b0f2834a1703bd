"""A page of client search costs about the rows it shows, at any register size.

The work is counted as SQLite virtual-machine steps (a progress handler), not
time: the same query on a register ten times the size must take about the same
number of steps. Each query below read every matching client before: all who
were born that day, or every client of a last name to find a rare given name.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ohjaaja.demo.build import load_clients
from ohjaaja.demo.synthetic import generate_clients
from ohjaaja.domain.clock import SystemClock
from ohjaaja.usecases.desk import Desk

SMALL, LARGE = 2_000, 20_000


@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Desk]]:
    desks = {}
    for size in (SMALL, LARGE):
        desk = Desk(tmp_path_factory.mktemp(f"r{size}") / "desk.sqlite", SystemClock(), "Test")
        load_clients(desk.conn, generate_clients(size))
        # A tenth born on one day: 2 million real clients have ~55 a day, too few
        # here to tell a page read in order from all of that day's clients sorted.
        desk.conn.execute("UPDATE client SET birth_date = '1950-01-01' WHERE rowid % 10 = 0")
        desk.conn.execute("ANALYZE")
        desks[size] = desk
    yield desks
    for desk in desks.values():
        desk.close()


def steps(desk: Desk, text: str) -> int:
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    desk.conn.set_progress_handler(tick, 10)
    try:
        desk.clients.search_clients(text)
    finally:
        desk.conn.set_progress_handler(None, 0)
    return count[0]


def common(desk: Desk, sql: str) -> str:
    value: str = desk.conn.execute(sql).fetchone()[0]
    return value


@pytest.mark.parametrize(
    "kind",
    ["birth date", "last name and a rare given name", "a rare given name and a last name"],
)
def test_a_page_costs_the_same_on_a_register_ten_times_larger(
    registers: dict[int, Desk], kind: str
) -> None:
    small = registers[SMALL]
    last = common(small, "SELECT last_name FROM client GROUP BY 1 ORDER BY count(*) DESC")
    text = {
        "birth date": "1.1.1950",
        "last name and a rare given name": f"{last} Zyxel",
        "a rare given name and a last name": f"Zyxel {last}",
    }[kind]
    cost = {size: steps(desk, text) for size, desk in registers.items()}
    assert cost[LARGE] <= 2 * cost[SMALL] + 50, cost
