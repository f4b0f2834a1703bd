"""Queue rules: channels, priorities, order, routing by hours and the day's figures.

Plain functions over plain values, so they are tested without a database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ohjaaja.domain.clock import HELSINKI, local
from ohjaaja.domain.hours import OpeningHours

CHANNELS = ("phone", "callback", "chat", "email", "walk_in", "eform")
CALLER_KINDS = ("client", "relative", "professional", "anonymous")
OUTCOMES = ("resolved", "assessment", "handover", "notification", "no_action")
# abandoned: the caller hung up unanswered (reported by an integration, marked by a
# worker from the queue, or a training shift's caller). Nothing changes it after.
CONTACT_STATUSES = ("waiting", "taken", "closed", "abandoned")
LINES = ("lapsiperheet", "tyoikaiset", "ikaihmiset", "mipa", "sosiaalipaivystys")
EMERGENCY_LINE = "sosiaalipaivystys"

# Lower is more urgent. A person standing at the desk comes before a call, a call
# before written channels that are answered within the day.
_CHANNEL_PRIORITY = {"walk_in": 2, "phone": 3, "chat": 3, "callback": 4, "email": 5, "eform": 5}
# Someone there now: on the line, in the chat, at the door.
LIVE_CHANNELS = ("phone", "chat", "walk_in")
URGENT = 1
SERVICE_LEVEL_SECONDS = 60
_ABANDONED_NAMESPACE = uuid.UUID("3c0b6f1e-7a52-5c1d-8e44-61626e646f6e")


def abandoned_event_id(contact_id: str) -> str:
    """The id of a contact's 'abandoned' event: one per contact (abandoned is final),
    so the desk that marks it and the server that records it name it alike."""
    return str(uuid.uuid5(_ABANDONED_NAMESPACE, contact_id))


# The events that tell how a contact was answered (reports: the first answer, a
# release, a callback) are written by the desk that acted and recorded by the
# server from the same mutation, under one id derived from the contact, the kind
# and the moment: the server's copy, pulled back, is the desk's own row.
ANSWER_EVENT_KINDS = ("taken", "logged", "released", "callback_scheduled")


def answer_event_id(contact_id: str, kind: str, at: str, worker_id: str | None) -> str:
    """The id of a contact's taken/logged/released/callback_scheduled event by a worker
    at `at` (an ISO time as stored); the same act at the same moment (a paused
    training clock) is one event."""
    if kind not in ANSWER_EVENT_KINDS:
        raise ValueError(f"not an answer event: {kind!r}")
    return str(uuid.uuid5(_ABANDONED_NAMESPACE, f"{contact_id}|{kind}|{at}|{worker_id or ''}"))


def default_priority(channel: str, line: str) -> int:
    """On the emergency line a person there now is urgent; an email, an e-form or a
    callback keeps its daytime place behind them (after hours, when every closed
    line routes there, they would otherwise all come first)."""
    if line == EMERGENCY_LINE and channel in LIVE_CHANNELS:
        return URGENT
    return _CHANNEL_PRIORITY[channel]


def route_line(line: str, at: datetime, hours: Mapping[str, OpeningHours]) -> str:
    """Where a new contact to `line` goes at `at`: the line itself if it is open,
    else the after-hours social emergency (the contact keeps its original line)."""
    if line == EMERGENCY_LINE or hours[line].is_open(at):
        return line
    return EMERGENCY_LINE


@dataclass(frozen=True)
class QueueEntry:
    id: str
    channel: str
    line_code: str
    municipality_code: str | None
    language: str
    received_at: datetime
    priority: int
    caller_phone: str | None = None
    original_line_code: str | None = None


def order_key(entry: QueueEntry) -> tuple[int, datetime, str]:
    """Priority first, then the longest waiting; the id breaks exact ties."""
    return (entry.priority, entry.received_at, entry.id)


def ordered(entries: Iterable[QueueEntry]) -> list[QueueEntry]:
    return sorted(entries, key=order_key)


def wait_seconds(received_at: datetime, now: datetime) -> int:
    return max(0, int((now - received_at).total_seconds()))


def format_duration(seconds: float | None) -> str:
    """m:ss below an hour, h:mm:ss above; an em dash when there is nothing."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# The figures' "today" is the 12-hour shift now running, in local time: the day
# shift from 08:00, the night shift from 20:00 (so at 00:30 the night shift still
# sees its own evening). The queue's figures line says from when.
SHIFT_STARTS = (time(8, 0), time(20, 0))


def shift_start(now: datetime) -> datetime:
    """When the shift running at `now` began: the latest 08:00 or 20:00 (local)."""
    here = local(now)
    starts = [
        datetime.combine(here.date() + timedelta(days=days), at, tzinfo=HELSINKI)
        for days in (-1, 0)
        for at in SHIFT_STARTS
    ]
    return max(start for start in starts if start <= here)


@dataclass(frozen=True)
class DayFigures:
    waiting: int
    longest_wait: int | None  # seconds, at the moment the figures were made
    answered: int
    average_speed_of_answer: float | None  # seconds
    service_level: float | None  # share answered within SERVICE_LEVEL_SECONDS
    closed: int
    first_contact_resolution: float | None  # share of closed resolved at first contact
    oldest_waiting: datetime | None = None  # since when the longest-waiting one waits
    since: datetime | None = None  # where the answered and closed ones are counted from

    def longest_wait_at(self, now: datetime) -> int | None:
        """The longest wait as the clock moves, as the queue's rows show theirs."""
        if self.oldest_waiting is None:
            return self.longest_wait
        return wait_seconds(self.oldest_waiting, now)


def day_figures(
    now: datetime,
    waiting_since: Iterable[datetime],
    answered: Iterable[tuple[datetime, datetime]],
    outcomes: Iterable[str],
    since: datetime | None = None,
    service_level_seconds: float = SERVICE_LEVEL_SECONDS,
) -> DayFigures:
    """Today's figures from the waiting contacts' arrival times, the (received,
    taken) pairs of contacts answered today and the outcomes of those closed today.
    Only contacts that came through the queue count towards answer times. A training
    scenario sets its own service-level threshold (ohjaaja.training.scoring)."""
    arrivals = list(waiting_since)
    waits = [wait_seconds(at, now) for at in arrivals]
    answer_times = [max(0.0, (taken - received).total_seconds()) for received, taken in answered]
    closed = list(outcomes)
    return DayFigures(
        waiting=len(waits),
        longest_wait=max(waits) if waits else None,
        answered=len(answer_times),
        average_speed_of_answer=sum(answer_times) / len(answer_times) if answer_times else None,
        service_level=(
            sum(1 for s in answer_times if s <= service_level_seconds) / len(answer_times)
            if answer_times
            else None
        ),
        closed=len(closed),
        first_contact_resolution=(
            sum(1 for o in closed if o == "resolved") / len(closed) if closed else None
        ),
        oldest_waiting=min(arrivals) if arrivals else None,
        since=since,
    )
