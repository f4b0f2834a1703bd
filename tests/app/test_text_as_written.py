"""Pilot: text from another desk is shown as written. Square brackets once read as
markup: a name 'Virtanen[/b]' ended the app in the search results, a shift note
'[/bold] lopetettu' on the shift screen."""

from __future__ import annotations

import json

from ohjaaja.screens.clients.client_search import ClientSearchScreen
from ohjaaja.screens.handovers.shift import ShiftScreen
from ohjaaja.screens.kit.plain import DataTable, Static

from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle
from tests.conftest import AINO


async def test_brackets_in_names_and_notes_are_only_text(desk: Desk) -> None:
    desk.clients.create_client({**AINO, "last_name": "Virtanen[/b]", "alerts": "[@click=app.quit]"})
    with desk.conn:  # a colleague's shift handover, as a pull writes it
        desk.conn.execute(
            "INSERT INTO worker (id, name, created_at, updated_at) "
            "VALUES ('wb', 'Bertta [red]', 'x', 'x')"
        )
        desk.conn.execute(
            "INSERT INTO shift_handover (id, from_worker_id, note, items, created_at, updated_at) "
            "VALUES ('s1', 'wb', '[/bold] lopetettu', ?, '2026-11-23T07:00:00Z', "
            "'2026-11-23T07:00:00Z')",
            (json.dumps([{"kind": "handover", "id": "h", "state": "sent", "note": "[/i]"}]),),
        )
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f5", *"virtanen")
        await settle(pilot)
        search = app.screen
        assert isinstance(search, ClientSearchScreen)
        found = search.query_one("#found", DataTable)
        assert str(found.get_row_at(0)[0]).startswith("Virtanen[/b]")
        await keys(pilot, "escape", "s")
        await settle(pilot)
        shift = app.screen
        assert isinstance(shift, ShiftScreen)
        pending = shift.query_one("#pending", DataTable)
        pending.focus()
        await keys(pilot, "enter")
        await settle(pilot)
        status = str(shift.query_one("#status", Static).render())
        assert "[/bold] lopetettu" in status and "[/i]" in status
