"""Handovers (siirto) and their state machine, plain rules shared by the desk and
the server.

sent --accept--> accepted --complete--> completed
sent --return--> returned;  accepted --return--> returned
Every other move is refused. A named worker's handover is accepted by that worker;
a team's by any member; once accepted, only the one who accepted it completes or
returns it. Every move is an event with its time (and, for a return, its reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ohjaaja.domain.clock import HELSINKI, local
from ohjaaja.domain.workdays import add_working_days

STATES = ("sent", "accepted", "returned", "completed")
OPEN_STATES = ("sent", "accepted")
ACTIONS = ("accept", "return", "complete")
URGENCIES = ("immediate", "same_day", "normal")
MOVES = {
    ("sent", "accept"): "accepted",
    ("sent", "return"): "returned",
    ("accepted", "return"): "returned",
    ("accepted", "complete"): "completed",
}
SUMMARY_FIELDS = ("situation", "background", "assessment", "recommendation")


class IllegalMove(ValueError):
    """A move the state machine refuses; `key` names the reason for translation."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Parties:
    """Who may move a handover: its addressee and whoever accepted it."""

    to_worker_id: str | None
    to_team: str | None
    accepted_by: str | None


def next_state(
    state: str, action: str, parties: Parties, actor: str, actor_teams: tuple[str, ...] | None
) -> str:
    """The state after a move, or IllegalMove. actor_teams None: the server, which
    does not know team membership and checks only the state and the acceptor."""
    target = MOVES.get((state, action))
    if target is None:
        raise IllegalMove("handover.illegal")
    if state == "accepted" and parties.accepted_by != actor:
        raise IllegalMove("handover.not_yours")
    if state == "sent" and actor_teams is not None:
        addressed = parties.to_worker_id == actor or (
            parties.to_team is not None and parties.to_team in actor_teams
        )
        if not addressed:
            raise IllegalMove("handover.not_addressed")
    return target


def default_due(urgency: str, now: datetime) -> datetime:
    """immediate: in an hour; same day: 16:00 today (or in two hours if later);
    normal: 16:00 on the third working day."""
    if urgency == "immediate":
        return now + timedelta(hours=1)
    today = local(now)
    if urgency == "same_day":
        four = datetime.combine(today.date(), time(16), tzinfo=HELSINKI)
        return max(four, now + timedelta(hours=2))
    day = add_working_days(today.date(), 3)
    return datetime.combine(day, time(16), tzinfo=HELSINKI)


def is_overdue(state: str, due_at: datetime | None, now: datetime) -> bool:
    return state in OPEN_STATES and due_at is not None and due_at < now
