"""Pilot tests: a worker marks a caller who hung up, from the queue (p, then F10); the
demo's callers hang up when their patience runs out."""

from __future__ import annotations

from datetime import datetime, timedelta

from ohjaaja.screens.queue.abandon import AbandonScreen
from ohjaaja.screens.queue.queue import QueueScreen
from textual.widgets import DataTable

from ohjaaja.demo.simulator import Arrival, ArrivalSimulator
from ohjaaja.domain.clock import FixedClock
from ohjaaja.shell.app import make_app
from ohjaaja.shell.settings import Settings
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle


def figures(app) -> str:
    return str(app.screen.query_one("#figures").render())


async def test_p_asks_then_marks_the_row_abandoned_and_the_figures_follow(
    desk: Desk, clock: FixedClock
) -> None:
    first = desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    clock.advance(seconds=30)
    second = desk.contacts.receive("phone", "ikaihmiset", "853")
    colleague = Desk(desk.database, clock, "Kollega")  # another desk process on this host
    assert colleague.contacts.take(desk.contacts.receive("chat", "mipa", "853"))  # answered
    colleague.close()
    clock.advance(seconds=45)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Odottaa 2" in figures(app) and "vastattu 1" in figures(app)
        # Esc: asked, not marked.
        await keys(pilot, "p")
        dialog = app.screen
        assert isinstance(dialog, AbandonScreen) and dialog.entry.id == first
        shown = " ".join(str(w.render()) for w in dialog.query("#dialog *"))
        assert "Turku" in shown and "040 5485906" in shown and "1:15" in shown
        await keys(pilot, "escape")
        assert isinstance(app.screen, QueueScreen)
        assert desk.contacts.contact(first).status == "waiting"
        # p, F10: marked, gone from the queue, the figures still adding up.
        await keys(pilot, "p")
        await keys(pilot, "f10")
        assert isinstance(app.screen, QueueScreen)
        assert desk.contacts.contact(first).status == "abandoned"
        table = app.screen.query_one("#queue", DataTable)
        assert [row.value for row in table.rows] == [second]
        assert "Odottaa 1" in figures(app) and "vastattu 1" in figures(app)
        assert any("soittaja luopui" in n.message for n in app._notifications)


async def test_a_row_a_colleague_took_meanwhile_is_not_marked(db_path, clock: FixedClock) -> None:
    desk = Desk(db_path, clock, "Eka")
    other = Desk(db_path, clock, "Toka")
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "p")
        assert isinstance(app.screen, AbandonScreen)
        other.contacts.take(contact_id)  # another desk process on the same host, meanwhile
        await keys(pilot, "f10")
        assert any("ei enää odota" in n.message for n in app._notifications)
        assert desk.contacts.contact(contact_id).status == "taken"
        assert app.screen.query_one("#queue", DataTable).row_count == 0
    desk.close()
    other.close()


async def test_p_on_an_empty_queue_asks_nothing(desk: Desk) -> None:
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "p")
        assert isinstance(app.screen, QueueScreen)


class TwoCallers(ArrivalSimulator):
    """Arrivals only when asked (the next one a day away), each with two minutes' patience."""

    def gap_after(self, at: datetime) -> timedelta:
        return timedelta(days=1)

    def arrival(self, at: datetime) -> Arrival:
        return Arrival(at, "phone", "ikaihmiset", "853", "fi", None, timedelta(minutes=2))


async def test_the_demos_caller_hangs_up_when_their_patience_runs_out(
    desk: Desk, clock: FixedClock
) -> None:
    settings = Settings(database=desk.database, worker_name=desk.worker_name)
    app = make_app(desk, settings, TwoCallers(seed=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app._arrive()
        await settle(pilot)
        clock.advance(seconds=30)
        app._arrive()
        await settle(pilot)
        gone, answered = (e.id for e in desk.contacts.queue())
        await keys(pilot, "down", "t")  # the second caller is answered in time
        clock.advance(seconds=100)  # 2:10 and 1:40 on the line
        app.heartbeat()
        await settle(pilot)
        assert desk.contacts.contact(gone).status == "abandoned"
        clock.advance(seconds=60)
        app.heartbeat()
        await settle(pilot)
        assert desk.contacts.contact(answered).status == "taken"
    at = desk.conn.execute(
        "SELECT at FROM contact_event WHERE contact_id = ? AND kind = 'abandoned'", (gone,)
    ).fetchone()[0]
    assert at == "2026-11-23T08:02:00.000000Z"  # when the patience ran out, not when seen


async def test_on_a_training_desk_only_the_trainer_hangs_up_a_caller(db_path, clock) -> None:
    trainee = Desk(db_path, clock, "Harjoittelija", training=True)
    contact_id = trainee.contacts.receive("phone", "ikaihmiset", "853")
    app = app_for(trainee)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "p")
        assert isinstance(app.screen, QueueScreen)
        assert any("kouluttajan" in n.message for n in app._notifications)
    assert trainee.contacts.contact(contact_id).status == "waiting"
    trainee.close()
