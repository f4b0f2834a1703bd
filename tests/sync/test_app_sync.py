"""The desk app syncing in the background: online and offline in the status line."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from ohjaaja.domain.clock import FixedClock
from ohjaaja.shell.app import make_app
from ohjaaja.shell.settings import Settings
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import settle
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
