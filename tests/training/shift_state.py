"""A training shift's state built directly, for the scoring, the debrief and their
screens: contacts received, taken and closed through the desk's own use cases,
and the rows the engine writes beside them (training_shift, training_contact,
training_event), without playing the engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ohjaaja.db import training as rows

from ohjaaja.demo.catalogue import load_demo_catalogue
from ohjaaja.domain.clock import FixedClock, to_iso
from ohjaaja.training.clock import ClockState
from ohjaaja.training.scenario import (
    Caller,
    Expect,
    Person,
    Scenario,
    ScriptedContact,
    Stream,
    Targets,
)
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import HandoverForm

START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # Thursday 8:00 in Helsinki
SHIFT_ID = "shift-1"
ELLI = Person("Elli Maria", "Virtanen", "1942-03-15", "150342-0020", "853", "fi", "+358401234567")


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def scenario(targets: Targets | None = None) -> Scenario:
    """Two scripted contacts: a relative worried about Elli (every kind of expected
    action), and a child-welfare concern (answer fast, notify)."""
    elli = ScriptedContact(
        id="elli",
        at=minutes(5),
        channel="phone",
        line="ikaihmiset",
        municipality="853",
        language="fi",
        caller=Caller("relative", "Pekka Virtanen", "+358407654321", person=ELLI),
        opening="Äitini ei ole syönyt viikkoon.",
        expect=(
            Expect("answer", points=1, within=timedelta(seconds=60)),
            Expect("identify", points=2),
            Expect("reasons", points=1, reasons=("muisti",)),
            Expect("offer", points=1, client_group="ikaihmiset", service_channel="home"),
            Expect(
                "notification",
                points=3,
                critical=True,
                notification="elderly_services",
                required=("observed", "concern"),
            ),
            Expect("handover", points=1, team="assessment", urgency="same_day"),
            Expect("outcome", points=1, outcome="notification"),
        ),
    )
    child = ScriptedContact(
        id="lapsi",
        at=minutes(20),
        channel="phone",
        line="lapsiperheet",
        municipality="853",
        language="fi",
        caller=Caller("professional", "Opettaja"),
        opening="Oppilas kertoi, ettei uskalla mennä kotiin.",
        expect=(
            Expect("answer", points=1, within=timedelta(seconds=30)),
            Expect(
                "notification",
                points=3,
                critical=True,
                notification="child_welfare",
                required=("concern", "danger_now"),
            ),
        ),
    )
    return Scenario(
        title="Torstaiaamu",
        language="fi",
        start=START,
        duration=timedelta(hours=1),
        goals=("Tunnista ilmoitusvelvollisuus",),
        targets=targets or Targets(),
        streams=(Stream("tausta", base_per_hour=10),),
        scripts=(elli, child),
        name="torstai",
    )


class ShiftState:
    """A shift on a training desk file: the trainer's desk, trainees' desks on the
    same file, one clock set to the simulated time of each action."""

    def __init__(
        self,
        path: Path,
        scen: Scenario | None = None,
        shift_id: str = SHIFT_ID,
        source: tuple[str, str] = ("{}", "json"),  # the scenario file's text and format
    ) -> None:
        self.scenario = scen or scenario()
        self.clock = FixedClock(START)
        self.trainer = Desk(path, self.clock, "Kouluttaja", training=True)
        self.path = path
        self.shift_id = shift_id
        self.desks: dict[str, Desk] = {}
        now = to_iso(START)
        state = ClockState(START, 0.0, 1.0, True).to_json()
        with self.trainer.writing() as conn:
            rows.insert_shift(conn, shift_id, self.scenario.name, *source, 1, state, now)
            rows.add_event(conn, shift_id, now, "started")
            load_demo_catalogue(conn, now)
        self.elli_id = self._client(ELLI)

    def _client(self, person: Person) -> str:
        result = self.trainer.clients.create_client(
            {"first_names": person.first_names, "last_name": person.last_name,
             "hetu": person.hetu or "", "municipality_code": person.municipality or "",
             "language": person.language, "phone": person.phone or ""}
        )  # fmt: skip
        assert result.client_id, result.errors
        return result.client_id

    def desk(self, name: str) -> Desk:
        if name not in self.desks:
            self.desks[name] = Desk(self.path, self.clock, name, training=True)
        return self.desks[name]

    def at(self, delta: timedelta) -> None:
        self.clock.set(START + delta)

    def arrive(
        self,
        delta: timedelta,
        script_id: str | None = None,
        line: str = "ikaihmiset",
        channel: str = "phone",
        attempt: int = 1,
    ) -> str:
        self.at(delta)
        contact_id = self.trainer.contacts.receive(channel, line, "853", "fi")
        with self.trainer.writing() as conn:
            stream = None if script_id else "tausta"
            rows.add_contact(conn, contact_id, self.shift_id, script_id, stream, 180.0, attempt)
            rows.add_event(conn, self.shift_id, to_iso(START + delta), "arrived", contact_id)
        return contact_id

    def take(self, trainee: str, contact_id: str, delta: timedelta) -> None:
        self.at(delta)
        assert self.desk(trainee).contacts.take(contact_id) is not None

    def close(
        self,
        trainee: str,
        contact_id: str,
        delta: timedelta,
        outcome: str = "resolved",
        reasons: tuple[str, ...] = (),
        client_id: str | None = None,
    ) -> None:
        self.at(delta)
        form = ContactForm("relative", client_id, list(reasons), outcome)
        assert self.desk(trainee).contacts.close_contact(contact_id, "", form) == []

    def abandon(self, contact_id: str, delta: timedelta) -> None:
        """As the engine does when a caller's patience runs out."""
        self.at(delta)
        assert self.trainer.contacts.abandon(contact_id)
        with self.trainer.writing() as conn:
            rows.add_event(conn, self.shift_id, to_iso(START + delta), "abandoned", contact_id)

    def ask(self, trainee: str, contact_id: str, topic: str, delta: timedelta) -> None:
        self.at(delta)
        desk = self.desk(trainee)
        with desk.writing() as conn:
            rows.add_event(conn, self.shift_id, to_iso(START + delta), "fact_asked", contact_id,
                           desk.worker_id, {"topic": topic})  # fmt: skip

    def service(self, group: str, channel: str) -> str:
        found = [s.id for s in self.trainer.catalogue.all_services()
                 if group in s.client_groups and channel in s.channels]  # fmt: skip
        return sorted(found)[0]

    def end(self, delta: timedelta) -> None:
        self.at(delta)
        state = ClockState(START + delta, 0.0, 1.0, True).to_json()
        with self.trainer.writing() as conn:
            rows.set_clock(conn, self.shift_id, state, to_iso(START + delta))
            rows.end_shift(conn, self.shift_id, to_iso(START + delta))
            rows.add_event(conn, self.shift_id, to_iso(START + delta), "ended")

    def close_all(self) -> None:
        for desk in [*self.desks.values(), self.trainer]:
            desk.close()


def work_well(state: ShiftState) -> dict[str, str]:
    """Aino works Elli's contact as the script expects; Bertil answers the child's in
    time but forgets a required field; one background contact is abandoned, two are
    answered and resolved."""
    s = state
    elli = s.arrive(minutes(5), "elli")
    s.take("Aino", elli, minutes(5) + timedelta(seconds=20))
    aino = s.desk("Aino")
    s.ask("Aino", elli, "Asuuko yksin?", minutes(6))
    s.at(minutes(7))
    aino.contacts.attach_client(elli, s.elli_id)
    s.at(minutes(8))
    aino.catalogue.offer_service(elli, s.service("ikaihmiset", "home"), "fi")
    s.at(minutes(9))
    fields = {"subject": "Elli Virtanen", "observed": ["food"], "concern": "Ei syö."}
    notification, errors = aino.handovers.create_notification(
        "elderly_services", fields, elli, s.elli_id, "853"
    )
    assert notification and not errors
    s.close("Aino", elli, minutes(10), "notification", ("muisti",), s.elli_id)

    child = s.arrive(minutes(20), "lapsi", line="lapsiperheet")
    s.take("Bertil", child, minutes(20) + timedelta(seconds=10))
    s.at(minutes(22))
    bertil = s.desk("Bertil")
    made, errors = bertil.handovers.create_notification(
        "child_welfare", {"subject": "Oppilas", "concern": "Pelkää kotiin menoa."}, child, None,
        "853",
    )  # fmt: skip
    assert made and not errors
    s.close("Bertil", child, minutes(24), "notification")

    one = s.arrive(minutes(30))
    s.take("Aino", one, minutes(30) + timedelta(seconds=5))
    s.close("Aino", one, minutes(33), "resolved")
    two = s.arrive(minutes(31))
    s.take("Bertil", two, minutes(33))
    s.close("Bertil", two, minutes(36), "assessment")
    gone = s.arrive(minutes(40))
    s.abandon(gone, minutes(43))
    s.end(minutes(60))
    return {"elli": elli, "child": child, "one": one, "two": two, "gone": gone}


def handover_to(desk: Desk, contact_id: str, team: str, urgency: str) -> None:
    handover_id, errors = desk.handovers.create_handover(
        HandoverForm(contact_id=contact_id, to_team=team, note="Soita", urgency=urgency)
    )
    assert handover_id and not errors
