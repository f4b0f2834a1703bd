"""The desk app syncing in the background: online and offline in the status line."""

from __future__ import annotations

from pathlib import Path

import pytest
from ohjaaja.screens.handovers.handovers import HandoverDetailScreen
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from ohjaaja.domain.clock import FixedClock
from ohjaaja.shell import app as app_module
from ohjaaja.shell.app import make_app
from ohjaaja.shell.settings import Settings
from ohjaaja.sync.client import SyncClient
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import HandoverForm
from tests.app.helpers import settle
from tests.app.test_client_screens import rendered
from tests.sync.conftest import Server, stop


async def test_status_line_online_then_offline(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "desk.sqlite"
    desk = Desk(path, clock, "Anna")
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    settings = Settings(
        path, "Anna", server=server.url, token=server.token("desk", "desk-a", ("Anna",))
    )
    app = make_app(desk, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("#status", Static).render())
        assert "verkossa" in status and "lähettämättä 0" in status
        pulled = server.client(settings.token).get("/v1/changes").json()["changes"]
        assert contact_id in [c["id"] for c in pulled]
        stop(server)  # the network goes down
        desk.contacts.receive("chat", "mipa", "853")  # work goes on
        app.sync_round()
        await settle(pilot)
        status = str(app.screen.query_one("#status", Static).render())
        assert "ei yhteyttä" in status and "lähettämättä 1" in status
    desk.close()


async def test_a_sync_round_that_brings_changes_refreshes_the_screens(
    server: Server, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colleague's work arrives by a sync round: the queue's figures and list, the
    handover inbox and the handover detail in view show it when the round ends. The
    heartbeat (which would see the file change within a second) does not run here:
    the round itself tells the screens (sync_changed)."""
    monkeypatch.setattr(app_module, "HEARTBEAT_SECONDS", 3600.0)
    mine = Desk(tmp_path / "a.sqlite", clock, "Anna", teams=("assessment:853",))
    theirs = Desk(tmp_path / "b.sqlite", clock, "Bertta", teams=("assessment:853",))
    their_sync = SyncClient(
        theirs.database, server.url, server.token("desk", "desk-b", ("Bertta",)), clock
    )
    settings = Settings(
        mine.database, "Anna", server=server.url, token=server.token("desk", "desk-a", ("Anna",))
    )
    app = make_app(mine, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#queue", DataTable)
        assert table.row_count == 0
        theirs.contacts.receive("phone", "ikaihmiset", "853")
        their_sync.sync_once()
        app.sync_round()
        await settle(pilot)
        assert table.row_count == 1
        assert "Odottaa 1" in str(app.screen.query_one("#figures", Static).render())
        await pilot.press("h")
        await settle(pilot)
        inbox = app.screen.query_one("#handovers", DataTable)
        theirs.handovers.create_handover(HandoverForm(to_team="assessment:853", note="Kiire"))
        their_sync.sync_once()
        app.sync_round()
        await settle(pilot)
        assert inbox.row_count == 1
        # Anna's own handover to Bertta, open in her outbox's detail, taken by Bertta.
        to_bertta, _ = mine.handovers.create_handover(
            HandoverForm(to_worker_id=theirs.worker_id, note="Soita")
        )
        await pilot.press("u", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HandoverDetailScreen)
        app.sync_round()  # Anna's handover goes to the server
        await settle(pilot)
        their_sync.sync_once()
        assert theirs.handovers.move_handover(to_bertta, "accept") is None  # type: ignore[arg-type]
        their_sync.sync_once()
        app.sync_round()
        await settle(pilot)
        assert "otettu (Bertta)" in rendered(app.screen, "#card")
    their_sync.close()
    theirs.close()
    mine.close()


async def test_a_desk_sends_its_own_write_at_once(
    server: Server, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write of the desk's own starts a round: colleagues (and a training shift's
    trainees) see it without waiting for the periodic round, which does not run here."""
    monkeypatch.setattr(app_module, "SYNC_EVERY_SECONDS", 3600.0)
    monkeypatch.setattr(app_module, "HEARTBEAT_SECONDS", 3600.0)
    desk = Desk(tmp_path / "desk.sqlite", clock, "Anna")
    token = server.token("desk", "desk-a", ("Anna",))
    app = make_app(desk, Settings(desk.database, "Anna", server=server.url, token=token))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
        await settle(pilot)
        pulled = server.client(token).get("/v1/changes").json()["changes"]
        assert contact_id in [c["id"] for c in pulled]
    desk.close()


async def test_a_head_the_desk_file_has_pulled_already_makes_no_round(
    server: Server, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Desks on one file (a thin-terminal host's) share its pull cursor. When the
    server's head moves, each desk hears it; one whose file another desk has already
    pulled up to that head makes no round of its own (with 100 desks on a file,
    every arrival made 100 rounds). A head beyond the cursor still makes one."""
    import asyncio

    desk, settings = desk_of_anna(server, tmp_path, clock)
    stream = ScriptedStream(monkeypatch)
    rounds = count_rounds(monkeypatch)
    app = make_app(desk, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert len(rounds) == 1  # the first round pulled the file up to the head
        store = server.admin()
        head = store.head()
        store.close()
        for moved, more in ((head, 0), (head + 1, 1)):
            stream.heads.put(moved)
            assert await asyncio.to_thread(stream.heard.get, True, 30) == moved
            await settle(pilot)
            assert len(rounds) == 1 + more, moved
        stream.heads.put(-1)
    desk.close()


async def test_while_the_stream_is_live_the_periodic_round_waits_a_minute(
    server: Server, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stream brings the changes, so the round every 10 s (two requests from
    every desk: 200 a second from a region's 1,000) runs once a minute while it is
    live, and every 10 s again once it breaks."""
    import asyncio

    desk, settings = desk_of_anna(server, tmp_path, clock)
    stream = ScriptedStream(monkeypatch)
    monkeypatch.setattr(app_module, "SYNC_EVERY_SECONDS", 3600)  # ticks by hand below
    rounds = count_rounds(monkeypatch)
    app = make_app(desk, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await stream.opened_after_first_round(pilot, rounds, server)
        app.periodic_round()
        await settle(pilot)
        assert len(rounds) == 1  # the stream is live and the last round is recent
        app._last_round -= app_module.SYNC_WHILE_FOLLOWING_SECONDS + 1
        app.periodic_round()
        await settle(pilot)
        assert len(rounds) == 2  # a minute on: the safety round runs
        stream.heads.put(-1)  # the stream breaks
        assert await asyncio.to_thread(stream.closed.wait, 30)
        app.periodic_round()
        await settle(pilot)
        assert len(rounds) == 3  # no stream: every tick makes a round again
    desk.close()


async def test_a_failed_round_is_tried_again_at_the_next_tick_while_the_stream_is_live(
    server: Server, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stream says nothing of the desk's own changes: when a round fails (the
    server takes no pushes while reads and the stream go on), the next tick tries
    again, as without a stream, not a minute later (a hostile review found it)."""
    import threading

    from ohjaaja.sync.client import SyncError

    desk, settings = desk_of_anna(server, tmp_path, clock)
    stream = ScriptedStream(monkeypatch)
    monkeypatch.setattr(app_module, "SYNC_EVERY_SECONDS", 3600)  # ticks by hand below
    refusing = threading.Event()
    sync_once = SyncClient.sync_once

    def pushing(self: SyncClient) -> object:
        if refusing.is_set():
            raise SyncError("503 from POST /v1/push: the store takes no writes")
        return sync_once(self)

    monkeypatch.setattr(SyncClient, "sync_once", pushing)
    rounds = count_rounds(monkeypatch)
    app = make_app(desk, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await stream.opened_after_first_round(pilot, rounds, server)
        refusing.set()
        desk.contacts.receive("chat", "mipa", "853")  # the worker's change: a round
        await settle(pilot)
        assert len(rounds) == 2
        assert app.sync_status is not None and not app.sync_status.online
        assert app.sync_status.pending == 1
        refusing.clear()
        app.periodic_round()  # the next tick, 10 s on
        await settle(pilot)
        assert len(rounds) == 3
        status = str(app.screen.query_one("#status", Static).render())
        assert "verkossa" in status and "lähettämättä 0" in status
        stream.heads.put(-1)
    desk.close()


async def test_a_change_the_stream_carries_reaches_the_desk_without_a_round(
    server: Server, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event stream carries the changed rows: a colleague's new contact is on
    this desk's queue with no sync round of its own after the first."""
    import asyncio

    from ohjaaja.shell.app import OhjaajaApp

    desk, settings = desk_of_anna(server, tmp_path, clock)
    rounds = count_rounds(monkeypatch)
    monkeypatch.setattr(app_module, "SYNC_EVERY_SECONDS", 3600)  # no periodic round
    changed = asyncio.Event()
    monkeypatch.setattr(OhjaajaApp, "sync_changed", lambda self: changed.set())
    colleague = Desk(tmp_path / "colleague.sqlite", clock, "Bea")
    token = server.token("desk", "desk-b", ("Bea",))
    other = SyncClient(tmp_path / "colleague.sqlite", server.url, token, clock)
    app = make_app(desk, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert len(rounds) == 1
        clock.advance(seconds=30)
        changed.clear()  # (the first round may have told of rows of its own)
        new = colleague.contacts.receive("chat", "mipa", "853")
        await asyncio.to_thread(other.sync_once)

        async def held() -> None:
            query = "SELECT 1 FROM contact WHERE id = ?"
            while desk.conn.execute(query, (new,)).fetchone() is None:
                await changed.wait()  # each page taken that brought rows
                changed.clear()

        await asyncio.wait_for(held(), 30)
        assert len(rounds) == 1
        # The status line's "online HH.MM.SS" is the page's time, not the last round's.
        assert app.sync_status is not None and app.sync_status.last_ok == clock.now()
    other.close()
    colleague.close()
    desk.close()


def desk_of_anna(server: Server, tmp_path: Path, clock: FixedClock) -> tuple[Desk, Settings]:
    path = tmp_path / "desk.sqlite"
    desk = Desk(path, clock, "Anna")
    token = server.token("desk", "desk-a", ("Anna",))
    return desk, Settings(path, "Anna", server=server.url, token=token)


def count_rounds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one with each sync round the app makes."""
    from ohjaaja.shell.app import OhjaajaApp

    rounds: list[int] = []
    sync_once = OhjaajaApp._sync_once
    monkeypatch.setattr(
        OhjaajaApp, "_sync_once", lambda self: (rounds.append(1), sync_once(self))[1]
    )
    return rounds


class ScriptedStream:
    """The server's event stream, as the test says: each number put on `heads` is a
    head event (a negative one ends the stream), put on `heard` once the desk has
    had it; `closed` is set when the desk's follow thread has let the stream go."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import queue
        import threading

        self.heads: queue.Queue[int] = queue.Queue()
        self.heard: queue.Queue[int] = queue.Queue()
        self.closed = threading.Event()
        close = SyncClient.close
        stream = self

        def follow(client: SyncClient, on_head: object, stopped: object, on_page: object) -> None:
            while (head := stream.heads.get()) >= 0:
                on_head(head)  # type: ignore[operator]
                stream.heard.put(head)

        def closing(client: SyncClient) -> None:
            close(client)
            if threading.current_thread().name == "ohjaaja-follow":
                stream.closed.set()

        monkeypatch.setattr(SyncClient, "follow", follow)
        monkeypatch.setattr(SyncClient, "close", closing)

    async def opened_after_first_round(
        self, pilot: Pilot[None], rounds: list[int], server: Server
    ) -> None:
        """The desk has made its first round (and only that); then the stream opens."""
        await settle(pilot)
        assert len(rounds) == 1
        await self.opened(server)

    async def opened(self, server: Server) -> None:
        """The stream opens with its first head (the server's), and the desk has it."""
        import asyncio

        store = server.admin()
        self.heads.put(store.head())
        store.close()
        await asyncio.to_thread(self.heard.get, True, 30)
