"""Issue 16 end to end: a trainer's shift of the bundled night, a trainee's desk on
the same training file takes the scripted child-welfare call, asks the caller a
hidden fact (Ctrl+K), identifies the child (F5), makes the child-welfare
notification (Ctrl+N) and closes (F10); the trainer's debrief shows the script's
expectations met and the question in the timeline, the console's status the points."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from ohjaaja.screens.contact.contact import ContactScreen
from ohjaaja.screens.handovers.notification_form import NotificationFormScreen
from ohjaaja.screens.kit.plain import DataTable
from ohjaaja.screens.queue.queue import QueueScreen
from ohjaaja.screens.training.caller_card import CallerCardScreen
from ohjaaja.screens.training.debrief import DebriefScreen
from textual.widgets import Input, Select

from ohjaaja.training.clock import SimClock
from ohjaaja.training.debrief import build_debrief
from ohjaaja.training.engine import Shift, contact_id
from ohjaaja.training.files import find_scenario
from ohjaaja.training.scenario import Scenario
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, choose, keys, settle
from tests.app.training_fakes import SHIFT_ID, RealTime, trainee_beside

FACT = "Onko lapsi vahingoittunut?"


def night() -> Scenario:
    """The bundled night with only its child-welfare call (no background callers, a
    small register): the same script, fewer things to wait for."""
    scenario, _source, _fmt = find_scenario("yo-sosiaalipaivystys")
    child = next(s for s in scenario.scripts if s.id == "lapsi-yksin")
    return replace(
        scenario, scripts=(child,), streams=(), world=replace(scenario.world, clients=20)
    )


def cells(table: DataTable) -> list[str]:
    return [
        " ".join(str(getattr(c, "plain", c)) for c in table.get_row_at(i))
        for i in range(table.row_count)
    ]


async def test_a_trainee_works_a_scripted_call_and_the_debrief_shows_it(tmp_path: Path) -> None:
    real = RealTime()
    scenario = night()
    _, source, fmt = find_scenario("yo-sosiaalipaivystys")
    trainer = Desk(tmp_path / "training.sqlite", SimClock.starting(scenario.start, 1.0, real),
                   "Kouluttaja Kaisa", ("guidance", "trainer"), training=True)  # fmt: skip
    shift = Shift.start(trainer, scenario, source, fmt, shift_id=SHIFT_ID, real=real)
    shift.step(timedelta(hours=1, minutes=10))  # paused: the clock moves only as stepped
    assert shift.advance() == 1  # the child's call
    call = contact_id(SHIFT_ID, "c:lapsi-yksin")
    trainee = trainee_beside(trainer, shift, "Harjoittelija Hanna")
    try:
        app = app_for(trainee)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await keys(pilot, "n")
            contact = app.screen
            assert isinstance(contact, ContactScreen) and contact.contact.id == call
            await keys(pilot, "ctrl+k")
            assert isinstance(app.screen, CallerCardScreen)
            await keys(pilot, "enter", "escape")  # the first topic: is the child hurt?
            assert app.screen is contact
            await keys(pilot, "f5", *"090614", "enter", "ctrl+o")
            assert app.screen is contact and contact.form.client_id is not None
            await keys(pilot, "ctrl+n")
            form = app.screen
            assert isinstance(form, NotificationFormScreen)
            form.query_one("#kind", Select).value = "child_welfare"
            await settle(pilot)
            form.query_one("#subject", Input).value = "Eelis Koskinen"
            form.query_one("#concern", Input).value = "Yksin kotona, äiti kiinniotettu."
            form.query_one("#danger_now").value = True  # type: ignore[attr-defined]
            await keys(pilot, "f10")
            assert app.screen is contact
            await choose(pilot, "#outcome", "notification")
            await keys(pilot, "f10")
            assert isinstance(app.screen, QueueScreen)

        (hanna,) = shift.status().trainees
        assert (
            hanna.name == "Harjoittelija Hanna" and hanna.answered == 1 and hanna.points == 11
        )  # 1+2+4+3+1

        debrief = app_for(trainer)
        async with debrief.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            debrief.open_debrief(SHIFT_ID, scenario)
            await settle(pilot)
            screen = debrief.screen
            assert isinstance(screen, DebriefScreen)
            rows = cells(screen.query_one("#debrief-checks", DataTable))
            assert all("lapsi-yksin" in r for r in rows)
            # Met: the answer, the child identified, the notification with its required
            # fields, the handover it made to the emergency, the outcome; the reason
            # code was not ticked.
            assert [r[0] for r in rows].count("✓") == 5, rows
            (missed,) = [r for r in rows if r[0] != "✓"]
            assert missed.startswith("✗ lapsi-yksin syyt")
            assert any("ilmoitus" in r and "4/4" in r for r in rows)
            timeline = cells(screen.query_one("#debrief-timeline", DataTable))
            assert any("kysyi" in r and "Onko lapsi" in r for r in timeline), timeline
        report = build_debrief(trainer, scenario, SHIFT_ID)
        asked = [(m.kind, m.who, str(m.detail)) for m in report.timeline if m.kind == "fact_asked"]
        assert asked == [("fact_asked", "Harjoittelija Hanna", FACT)]
    finally:
        trainee.close()
        trainer.close()
