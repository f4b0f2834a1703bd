"""The caller card: what a trainee (or a trainer reading aloud) knows of a scripted
caller, and the facts revealed only when asked.

Any training desk can show it: the contact's script is found through
training_contact (which the shift wrote) and the scenario through the shift's row,
which carries its file's text (parsed once per shift). Asking records a
fact_asked event in the same transaction as its outbox mutation
(ohjaaja.training.sharing), so the trainer's debrief has it.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

from ohjaaja.db import training as rows
from ohjaaja.training import sharing
from ohjaaja.training.files import parse_scenario
from ohjaaja.training.scenario import Scenario, ScriptedContact
from ohjaaja.usecases.desk import Desk


@dataclass(frozen=True)
class CallerCard:
    shift_id: str
    contact_id: str
    caller_kind: str  # scenario.CALLER_KINDS
    caller_name: str | None
    opening: str
    topics: tuple[str, ...]  # what the trainee can ask, in the scenario's order
    answers: dict[str, str]  # topic -> answer, for the topics asked so far
    reactions: tuple[str, ...]  # how the caller reacts, for a trainer reading aloud


class NotScripted(LookupError):
    """The contact is not a scripted caller's (a background or a production contact)."""


class CallerCards:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._scenarios: dict[str, Scenario] = {}
        self._lock = threading.Lock()

    def card(self, contact_id: str, everything: bool = False) -> CallerCard:
        """The card as the trainee sees it: answers to the topics asked; `everything`:
        every answer, for the trainer who plays the caller (nothing is recorded)."""
        with self.desk.ctx.reading() as conn:
            shift_id, script = self._script(conn, contact_id)
            asked = {
                str(data.get("topic"))
                for _at, kind, contact, _worker, data in rows.events(conn, shift_id)
                if kind == "fact_asked" and contact == contact_id
            }
        return CallerCard(
            shift_id=shift_id,
            contact_id=contact_id,
            caller_kind=script.caller.kind,
            caller_name=caller_name(script),
            opening=script.opening,
            topics=tuple(fact.topic for fact in script.facts),
            answers={f.topic: f.answer for f in script.facts if everything or f.topic in asked},
            reactions=script.reactions,
        )

    def ask(self, contact_id: str, topic: str) -> CallerCard:
        """The trainee asks about `topic`: recorded once (asking again only shows the
        answer), at the shift's simulated time."""
        card = self.card(contact_id)
        if topic not in card.topics:
            raise KeyError(f"the caller has nothing to say about {topic!r}")
        if topic not in card.answers:
            ctx = self.desk.ctx
            with ctx.writing() as conn:
                now = ctx.now()
                sharing.fact_asked(conn, card.shift_id, contact_id, topic, now, now, ctx.worker_id)
        return self.card(contact_id)

    def _script(self, conn: sqlite3.Connection, contact_id: str) -> tuple[str, ScriptedContact]:
        found = rows.script_of(conn, contact_id)
        if found is None:
            raise NotScripted(contact_id)
        shift_id, script_id = found
        scenario = self._scenario(conn, shift_id)
        script = scenario.script(script_id)
        if script is None:
            raise NotScripted(contact_id)
        return shift_id, script

    def _scenario(self, conn: sqlite3.Connection, shift_id: str) -> Scenario:
        with self._lock:
            known = self._scenarios.get(shift_id)
        if known is not None:
            return known
        shift = rows.shift(conn, shift_id)
        if shift is None:
            raise NotScripted(shift_id)
        scenario = parse_scenario(shift.source, shift.format, shift.scenario, shift_text=True)
        with self._lock:
            self._scenarios[shift_id] = scenario
        return scenario


def caller_name(script: ScriptedContact) -> str | None:
    """How the caller introduces themselves: their own name, else the person's."""
    caller = script.caller
    if caller.name:
        return caller.name
    if caller.person is not None:
        return f"{caller.person.first_names} {caller.person.last_name}"
    return None
