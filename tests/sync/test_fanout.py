"""The event stream's pages, shared (ohjaaja.sync.server.fanout): many streams at
one cursor and reach are served one reading; a failed reading is not kept; the
disclosures of the streams waiting at once are written in one transaction."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from ohjaaja.db.server.store import Store, TokenInfo

from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync.server.fanout import STREAM_PAGE, FanOut, Sent, ServedPage
from ohjaaja.sync.server.models import ChangesOut

DESK = TokenInfo("desk-1", "desk", frozenset())
TURKU = TokenInfo("desk-2", "desk", frozenset(), munis="|853|")


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = Store(f"sqlite:///{tmp_path / 'server.sqlite'}")
    yield opened
    opened.close()


def counting(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    reads: list[tuple[Any, ...]] = []
    real = store.changes

    def changes(*args: Any) -> Any:
        reads.append(args)
        return real(*args)

    monkeypatch.setattr(store, "changes", changes)
    return reads


def test_streams_at_one_cursor_and_reach_share_one_reading(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = counting(store, monkeypatch)
    fanout = FanOut(store, clock)

    async def many() -> list[Sent]:
        return await asyncio.gather(
            *(fanout.page(DESK, 0, 0) for _ in range(50)),
            *(fanout.page(TURKU, 0, 0) for _ in range(50)),
        )

    sent = asyncio.run(many())
    assert len(reads) == 2  # one a reach, not one a stream
    assert {reads[0][2], reads[1][2]} == {None, frozenset({"853"})}
    assert all(s is sent[0] for s in sent[:50]) and all(s is sent[50] for s in sent[50:])
    assert sent[0].text.startswith("event: changes\ndata: {") and sent[0].text.endswith("\n\n")
    assert reads[0][1] == STREAM_PAGE


def test_a_failed_reading_is_not_kept(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fanout = FanOut(store, clock)
    real = store.changes
    monkeypatch.setattr(store, "changes", lambda *a: (_ for _ in ()).throw(OSError("down")))
    with pytest.raises(OSError):
        asyncio.run(fanout.page(DESK, 0, 0))
    monkeypatch.setattr(store, "changes", real)
    assert asyncio.run(fanout.page(DESK, 0, 0)).head == 0


def test_the_disclosures_of_streams_waiting_at_once_are_one_transaction(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    monkeypatch.setattr(store, "record", lambda entries: batches.append(len(entries)))
    fanout = FanOut(store, clock)
    rows = [{"seq": 1, "table": "client", "id": "c1", "version": 1, "subject": "c1"}]
    answer = ChangesOut(epoch="e", head=1, changes=[], next_cursor=1)
    sent = Sent("", 1, 1, ServedPage(answer, rows, {}))
    desks = [TokenInfo(f"desk-{n}", "desk", frozenset()) for n in range(30)]

    async def all_at_once() -> None:
        await asyncio.gather(*(fanout.disclose(who, sent) for who in desks))

    asyncio.run(all_at_once())
    assert batches == [30]
    no_client_data = Sent("", 1, 1, ServedPage(answer, rows, None))
    asyncio.run(fanout.disclose(DESK, no_client_data))
    assert batches == [30]


def test_pages_kept_for_one_head_are_bounded(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = counting(store, monkeypatch)
    fanout = FanOut(store, clock)
    monkeypatch.setattr(fanout, "KEPT", 3)

    async def catch_up() -> None:
        for cursor in range(10):  # streams at ten cursors while the head stands
            await fanout.page(DESK, cursor, 0)
        await fanout.page(DESK, 9, 0)  # kept: read once
        await fanout.page(DESK, 0, 0)  # dropped: read again

    asyncio.run(catch_up())
    assert len(reads) == 11
