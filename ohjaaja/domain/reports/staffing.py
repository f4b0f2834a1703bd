"""Staffing: for the chosen line(s) and period, by hour of day (Finnish time), the
measured arrival rate and the workers a queue model needs for the target service
level, beside the workers who were on duty. A line here is the one whose workers
answer (a contact routed after hours is the emergency's), unlike the contact figures,
which count it in the line it was made to.

- Arrival rate: contacts that came through the queue in that hour of the day, over
  the period's days (per hour).
- Handling time: the mean of taken -> closed of the period's closed contacts (one
  figure for every hour: an hour's own few contacts would make it jump).
- Patience (Erlang A only): the maximum-likelihood mean of an exponential patience,
  all the queued contacts' waiting time (to answer or to hang up) over the number
  that hung up. The model is Erlang A when the period has abandoned contacts, else
  Erlang C; `extra["model"]` (erlang_c, erlang_a) chooses.
- Workers needed: the fewest meeting Settings.service_level_target answered within
  Settings.service_level_seconds (ohjaaja.domain.erlang.workers_needed).
- On duty: the distinct workers handling a contact of the line at some moment of that
  hour (taken -> closed; a contact still open counts in the hour it was taken),
  averaged over the period's days; or Facts.workers_on_duty where a store filled it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ohjaaja.domain.erlang import workers_needed
from ohjaaja.domain.reports.common import HOURS, in_scope, mean, seconds
from ohjaaja.domain.reports.facts import ContactFact, Facts
from ohjaaja.domain.reports.model import HELSINKI, Request, Row, Section
from ohjaaja.domain.reports.registry import report

MODELS = ("erlang_c", "erlang_a")


def hour_key(moment: datetime) -> str:
    """The local hour a moment falls in, as Facts.workers_on_duty keys it."""
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%dT%H")


def on_duty(contacts: Sequence[ContactFact]) -> dict[str, int]:
    """Local hour ("YYYY-MM-DDTHH") -> distinct workers handling a contact in it."""
    workers: dict[str, set[str]] = defaultdict(set)
    for contact in contacts:
        if contact.taken_by is None or contact.taken_at is None:
            continue
        start = contact.taken_at.astimezone(HELSINKI).replace(minute=0, second=0, microsecond=0)
        end = contact.closed_at or contact.taken_at
        hour = start
        while hour == start or hour < end:
            workers[hour_key(hour)].add(contact.taken_by)
            # Add in UTC: an hour on, also over the change to and from summer time.
            hour = (hour.astimezone(UTC) + timedelta(hours=1)).astimezone(HELSINKI)
    return {key: len(names) for key, names in workers.items()}


def patience(contacts: Sequence[ContactFact]) -> float | None:
    """Mean patience (seconds) by maximum likelihood, None with nobody hanging up."""
    gave_up = [c for c in contacts if c.abandoned_at is not None]
    if not gave_up:
        return None
    waited = [seconds(c.received_at, c.abandoned_at) for c in gave_up if c.abandoned_at]
    waited += [seconds(c.received_at, c.taken_at) for c in contacts if c.taken_at and c.via_queue]
    return max(sum(waited), 1.0) / len(gave_up)


@report("staffing")
def staffing(facts: Facts, request: Request) -> tuple[Section, ...]:
    settings = request.settings
    period = request.period
    # The line whose workers answer: after hours a routed contact is the emergency's.
    lines = request.filters.lines
    others = replace(request.filters, lines=())
    chosen = [
        c
        for c in facts.contacts
        if in_scope(c, period, others) and (not lines or c.answered_line in lines)
    ]
    queued = [c for c in chosen if c.via_queue]
    days = (period.end - period.start).days + 1
    handled = [seconds(c.taken_at, c.closed_at) for c in chosen if c.taken_at and c.closed_at]
    handling = mean(handled)
    model = request.extra.get("model") or (
        "erlang_a" if any(c.abandoned_at for c in queued) else "erlang_c"
    )
    if model not in MODELS:
        raise ValueError(f"model: {model!r} is not one of {', '.join(MODELS)}")
    mean_patience = patience(queued) if model == "erlang_a" else None
    if mean_patience is None:
        model = "erlang_c"  # nobody hung up: patience is not measured
    duty = facts.workers_on_duty or on_duty(chosen)
    arrivals: dict[str, int] = defaultdict(int)
    for contact in queued:
        arrivals[contact.received_at.astimezone(HELSINKI).strftime("%H")] += 1
    duty_by_hour: dict[str, list[int]] = defaultdict(list)
    for key, workers in duty.items():
        if period.start.isoformat() <= key[:10] <= period.end.isoformat():
            duty_by_hour[key[11:13]].append(workers)
    rows: list[Row] = [
        Row("handling_mean", handling, "seconds", len(handled)),
        Row(
            "patience_mean",
            mean_patience,
            "seconds",
            sum(c.abandoned_at is not None for c in queued),
        ),
    ]
    for hour in HOURS:
        n = arrivals[hour]
        rate = n / days
        needed = (
            None
            if handling is None and n
            else workers_needed(
                rate,
                handling or 1.0,
                mean_patience,
                service_level=settings.service_level_target,
                within=settings.service_level_seconds,
            )
        )
        rows += [
            Row("arrival_rate", rate, "per_hour", n, interval=hour),
            Row("workers_needed", needed, "workers", n, interval=hour),
            Row("workers_on_duty", sum(duty_by_hour[hour]) / days, "workers", n, interval=hour),
        ]
    notes = (
        f"model={model}",
        f"service_level_target={settings.service_level_target:g}",
        f"service_level_seconds={settings.service_level_seconds}",
        f"days={days}",
    )
    return (Section("staffing", tuple(rows), chart="bars", notes=notes),)
