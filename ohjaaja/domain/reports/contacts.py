"""The contact figures: volumes, answers, outcomes, handling, and the overview with
the pilot's figures beside ours.

Definitions (each figure's own is the message report.define.<figure>):
- A contact belongs to the local (Finnish) day, hour and weekday it was received,
  and to the line it was made to: one routed after hours to the social emergency
  counts in its original line.
- Answer times, service level and abandonment count the contacts of a live channel
  (phone, chat, walk-in: someone there now) that came through the queue. Answered is
  the *first* time a worker took it; abandoned is a caller who hung up before anyone
  answered (status abandoned, never taken). Abandoned ones sooner than
  Settings.short_abandon_seconds are left out of everything.
- Referred to a service-need assessment: closed with the outcome "assessment" (the
  reason code "arvio" is what the caller asked about, not where they were sent).
- First-contact resolution: of the contacts closed, the share closed with the outcome
  "resolved" (the caller got what they needed) that never went back to the queue (not
  released, no callback scheduled): one contact, one answer, done.
- Handling time: from the take the contact was closed from to its close.
- A callback is made when a worker takes the contact again after scheduling it; on
  time when that is at most Settings.callback_on_time_minutes after its time; missed
  when the worker records that the client did not answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ohjaaja.domain.clock import local
from ohjaaja.domain.queue import CHANNELS, LINES, LIVE_CHANNELS, OUTCOMES
from ohjaaja.domain.reports.common import (
    HOURS,
    WEEKDAYS,
    in_scope,
    interval_of,
    intervals,
    local_hour,
    local_weekday,
    mean,
    median,
    percentile,
    seconds,
    share,
)
from ohjaaja.domain.reports.facts import CallbackFact, ContactFact, Facts
from ohjaaja.domain.reports.model import Period, Request, Row, Section, Settings, Unit, Value
from ohjaaja.domain.reports.registry import report

ELDERLY_LINE = "ikaihmiset"
LANGUAGES = ("fi", "sv", "en")
NO_MUNICIPALITY = "-"
# Answer-time distribution: the buckets' lower bounds in seconds (the last is open).
ANSWER_BUCKETS = (0, 10, 20, 30, 60, 120, 300)
DAYS_PER_MONTH = 365.25 / 12

# The source documents' pilot (KomPAssi, older people's line): 89 % helped at the first
# contact (n = 1581), 11 % to a service-need assessment, 9 s average answer on the
# phone, about 2000 calls a month.
PILOT_FCR = 0.89
PILOT_ASSESSMENT = 0.11
PILOT_ASA_SECONDS = 9
PILOT_CALLS_PER_MONTH = 2000


# -- what counts -----------------------------------------------------------------
def in_period(facts: Facts, request: Request) -> list[ContactFact]:
    return [c for c in facts.contacts if in_scope(c, request.period, request.filters)]


def is_abandoned(contact: ContactFact, settings: Settings) -> bool:
    """Hung up before anyone answered, and not sooner than the short-abandon limit."""
    if contact.status != "abandoned" or contact.taken_at is not None:
        return False
    wait = seconds(contact.received_at, contact.abandoned_at or contact.received_at)
    return wait >= settings.short_abandon_seconds


def is_short_abandon(contact: ContactFact, settings: Settings) -> bool:
    return (
        contact.status == "abandoned"
        and contact.taken_at is None
        and not is_abandoned(contact, settings)
    )


def queued_live(contacts: Iterable[ContactFact], settings: Settings) -> list[ContactFact]:
    """The contacts answer times and abandonment are about."""
    return [
        c
        for c in contacts
        if c.via_queue and c.channel in LIVE_CHANNELS and not is_short_abandon(c, settings)
    ]


def waited(contact: ContactFact) -> float | None:
    """Seconds from arrival to the first take; None if never taken."""
    return None if contact.taken_at is None else seconds(contact.received_at, contact.taken_at)


def is_closed(contact: ContactFact) -> bool:
    return contact.status == "closed" and contact.closed_at is not None


def first_contact_resolved(contact: ContactFact) -> bool:
    return contact.outcome == "resolved" and not contact.reopened


def handling_seconds(contact: ContactFact) -> float | None:
    start = contact.last_taken_at or contact.taken_at
    if not is_closed(contact) or start is None or contact.closed_at is None:
        return None
    return seconds(start, contact.closed_at)


def on_time(callback: CallbackFact, settings: Settings) -> bool:
    limit = callback.due_at + timedelta(minutes=settings.callback_on_time_minutes)
    return callback.called_at is not None and callback.called_at <= limit


# -- measures: a figure computed on any set of contacts ----------------------------
@dataclass(frozen=True)
class Measure:
    figure: str
    unit: Unit
    compute: Callable[[Sequence[ContactFact]], tuple[Value, int]]  # (value, n)


def _count(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
    return len(contacts), len(contacts)


def measures(request: Request, as_of: datetime | None = None) -> dict[str, Measure]:
    """Every contact figure by its key, for the request's settings and period; a pace
    (calls a month) over the days of the period up to `as_of`, not the ones to come."""
    settings = request.settings
    last = request.period.end
    if as_of is not None:
        last = max(request.period.start, min(last, local(as_of).date()))
    days = (last - request.period.start).days + 1
    known: dict[int, float | None] = {}  # id(contact) -> answer seconds, once per report

    def answer_seconds(contact: ContactFact) -> float | None:
        key = id(contact)
        if key not in known:
            known[key] = waited(contact)
        return known[key]

    def asa(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
        waits = [s for c in contacts if (s := answer_seconds(c)) is not None]
        return mean(waits), len(waits)

    def answered(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
        n = sum(1 for c in contacts if c.taken_at is not None)
        return n, n

    def service_level(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
        live = queued_live(contacts, settings)
        waits = [s for c in live if (s := answer_seconds(c)) is not None]
        within = sum(1 for s in waits if s <= settings.service_level_seconds)
        abandoned = sum(1 for c in live if is_abandoned(c, settings))
        whole = len(waits) + (abandoned if settings.abandoned_in_service_level else 0)
        return share(within, whole), whole

    def offered(contacts: Sequence[ContactFact]) -> tuple[int, int]:
        """(abandoned, answered or abandoned) of the live queue contacts."""
        live = queued_live(contacts, settings)
        abandoned = sum(1 for c in live if is_abandoned(c, settings))
        return abandoned, abandoned + sum(1 for c in live if c.taken_at is not None)

    def abandoned(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
        count, whole = offered(contacts)
        return count, whole

    def abandonment_rate(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
        count, whole = offered(contacts)
        return share(count, whole), whole

    def time_to_abandon(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
        waits = [
            seconds(c.received_at, c.abandoned_at or c.received_at)
            for c in queued_live(contacts, settings)
            if is_abandoned(c, settings)
        ]
        return mean(waits), len(waits)

    def closed_share(test: Callable[[ContactFact], bool]) -> Callable[..., tuple[Value, int]]:
        def compute(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
            closed = [c for c in contacts if is_closed(c)]
            return share(sum(1 for c in closed if test(c)), len(closed)), len(closed)

        return compute

    def reopened(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
        taken = [c for c in contacts if c.taken_at is not None or c.last_taken_at is not None]
        return sum(1 for c in taken if c.reopened), len(taken)

    def handling(p: float | None) -> Callable[..., tuple[Value, int]]:
        def compute(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
            times = [s for c in contacts if (s := handling_seconds(c)) is not None]
            return (median(times) if p is None else percentile(times, p)), len(times)

        return compute

    def callbacks(
        test: Callable[[CallbackFact], bool], as_share: bool = False
    ) -> Callable[..., tuple[Value, int]]:
        def compute(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
            every = [b for c in contacts for b in c.callbacks]
            if as_share:
                made = [b for b in every if b.called_at is not None]
                return share(sum(1 for b in made if test(b)), len(made)), len(made)
            n = sum(1 for b in every if test(b))
            return n, n

        return compute

    def calls_per_month(contacts: Sequence[ContactFact]) -> tuple[Value, int]:
        calls = [c for c in contacts if c.channel == "phone"]
        return len(calls) / days * DAYS_PER_MONTH, len(calls)

    found = [
        Measure("contacts", "count", _count),
        Measure("answered", "count", answered),
        Measure("asa", "seconds", asa),
        Measure("service_level", "share", service_level),
        Measure("abandoned", "count", abandoned),
        Measure("abandonment_rate", "share", abandonment_rate),
        Measure("time_to_abandon", "seconds", time_to_abandon),
        Measure("fcr", "share", closed_share(first_contact_resolved)),
        Measure("assessment_share", "share", closed_share(lambda c: c.outcome == "assessment")),
        Measure("reopened", "count", reopened),
        Measure("handling_median", "seconds", handling(None)),
        Measure("handling_p90", "seconds", handling(90)),
        Measure("callbacks_scheduled", "count", callbacks(lambda b: b.scheduled_at is not None)),
        Measure("callbacks_made", "count", callbacks(lambda b: b.called_at is not None)),
        Measure("callbacks_missed", "count", callbacks(lambda b: b.missed)),
        Measure("callbacks_on_time", "count", callbacks(lambda b: on_time(b, settings))),
        Measure(
            "callbacks_on_time_share", "share", callbacks(lambda b: on_time(b, settings), True)
        ),
        Measure("calls_per_month", "count", calls_per_month),
    ]
    return {m.figure: m for m in found}


# -- rows -----------------------------------------------------------------------
def total(
    measure: Measure,
    contacts: Sequence[ContactFact],
    group: tuple[tuple[str, str], ...] = (),
    reference: Value = None,
) -> Row:
    value, n = measure.compute(contacts)
    return Row(measure.figure, _rounded(value), measure.unit, n, "", group, reference)


class Intervals:
    """The period's intervals, and each contact's, worked out once per report (a
    report splits the same contacts by interval for several figures)."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.keys = intervals(period)
        self._of: dict[int, str] = {}

    def of(self, contact: ContactFact) -> str:
        key = self._of.get(id(contact))
        if key is None:
            key = self._of[id(contact)] = interval_of(contact.received_at, self.period)
        return key


def per_interval(measure: Measure, contacts: Sequence[ContactFact], split: Intervals) -> list[Row]:
    """The measure per interval of the period (days of a month, ...), empty ones too."""
    parts: dict[str, list[ContactFact]] = {key: [] for key in split.keys}
    for contact in contacts:
        parts.setdefault(split.of(contact), []).append(contact)
    rows = []
    for key, part in parts.items():
        value, n = measure.compute(part)
        rows.append(Row(measure.figure, _rounded(value), measure.unit, n, key))
    return rows


def per_group(
    measure: Measure,
    contacts: Sequence[ContactFact],
    dimension: str,
    key: Callable[[ContactFact], str],
    known: Sequence[str] = (),
    references: Mapping[str, Value] | None = None,
) -> list[Row]:
    """The measure for each value of a dimension: the known values in their order
    (empty ones too), then any other value found, sorted."""
    split: dict[str, list[ContactFact]] = {value: [] for value in known}
    for contact in contacts:
        split.setdefault(key(contact), []).append(contact)
    ordered = [*known, *sorted(set(split) - set(known))]
    refs = references or {}
    return [
        total(measure, split[value], ((dimension, value),), refs.get(value)) for value in ordered
    ]


def _rounded(value: Value) -> Value:
    """Seconds and shares to a sensible precision, so every rendering agrees."""
    return round(value, 4) if isinstance(value, float) else value


def _line(c: ContactFact) -> str:
    return c.line


def _channel(c: ContactFact) -> str:
    return c.channel


def _municipality(c: ContactFact) -> str:
    return c.municipality or NO_MUNICIPALITY


def _language(c: ContactFact) -> str:
    return c.language


def _answer_bucket(wait: float) -> str:
    lower = max(b for b in ANSWER_BUCKETS if b <= wait)
    following = [b for b in ANSWER_BUCKETS if b > lower]
    return f"{lower}-{following[0]}" if following else f"{lower}-"


def _notes(settings: Settings, *names: str) -> tuple[str, ...]:
    """The settings a section's figures depend on, as name=value."""
    values = {
        "service_level_seconds": str(settings.service_level_seconds),
        "abandoned_in_service_level": "yes" if settings.abandoned_in_service_level else "no",
        "short_abandon_seconds": str(settings.short_abandon_seconds),
        "callback_on_time_minutes": str(settings.callback_on_time_minutes),
        "live_channels": ",".join(LIVE_CHANNELS),
    }
    return tuple(f"{name}={values[name]}" for name in names)


# -- the reports -------------------------------------------------------------------
@report("volumes")
def volumes(facts: Facts, request: Request) -> tuple[Section, ...]:
    contacts = in_period(facts, request)
    count = measures(request)["contacts"]
    heat: Counter[tuple[str, str]] = Counter(
        (local_weekday(c.received_at), local_hour(c.received_at)) for c in contacts
    )
    return (
        Section(
            "contacts",
            (total(count, contacts), *per_interval(count, contacts, Intervals(request.period))),
            chart="bars",
        ),
        Section(
            "by_channel",
            tuple(per_group(count, contacts, "channel", _channel, CHANNELS)),
            chart="bars",
        ),
        Section("by_line", tuple(per_group(count, contacts, "line", _line, LINES)), chart="bars"),
        Section(
            "by_municipality",
            tuple(per_group(count, contacts, "municipality", _municipality)),
            chart="bars",
        ),
        Section(
            "by_language",
            tuple(per_group(count, contacts, "language", _language, LANGUAGES)),
            chart="bars",
        ),
        Section(
            "by_hour",
            tuple(
                Row("contacts", n, "count", n, hour)
                for hour, n in _tally((local_hour(c.received_at) for c in contacts), HOURS)
            ),
            chart="bars",
        ),
        Section(
            "by_weekday",
            tuple(
                Row("contacts", n, "count", n, day)
                for day, n in _tally((local_weekday(c.received_at) for c in contacts), WEEKDAYS)
            ),
            chart="bars",
        ),
        Section(
            "heatmap",
            tuple(
                Row(
                    "contacts", heat[day, hour], "count", heat[day, hour], hour, (("weekday", day),)
                )
                for day in WEEKDAYS
                for hour in HOURS
            ),
            chart="heatmap",
        ),
    )


def _tally(values: Iterable[str], known: Sequence[str]) -> list[tuple[str, int]]:
    counts = Counter(values)
    return [(key, counts[key]) for key in known]


@report("answers")
def answers(facts: Facts, request: Request) -> tuple[Section, ...]:
    settings = request.settings
    every = measures(request)
    contacts = in_period(facts, request)
    live = queued_live(contacts, settings)
    queued = [c for c in contacts if c.via_queue]
    asa, answered = every["asa"], every["answered"]
    waits = [s for c in live if (s := waited(c)) is not None]
    buckets = Counter(_answer_bucket(w) for w in waits)
    labels = [_answer_bucket(b) for b in ANSWER_BUCKETS]
    level, rate = every["service_level"], every["abandonment_rate"]
    split = Intervals(request.period)
    return (
        Section(
            "answer_speed",
            (
                total(answered, live),
                total(asa, live),
                *per_group(
                    asa, queued, "channel", _channel, [c for c in CHANNELS if c != "callback"]
                ),
                *per_group(asa, live, "line", _line, LINES),
                *per_interval(asa, live, split),
            ),
            notes=_notes(settings, "live_channels"),
        ),
        Section(
            "answer_distribution",
            tuple(Row("answered", buckets[k], "count", buckets[k], k) for k in labels),
            chart="histogram",
            notes=_notes(settings, "live_channels"),
        ),
        Section(
            "service_level",
            (
                total(level, contacts),
                *per_group(level, contacts, "line", _line, LINES),
                *per_interval(level, contacts, split),
            ),
            notes=_notes(
                settings,
                "service_level_seconds",
                "abandoned_in_service_level",
                "short_abandon_seconds",
                "live_channels",
            ),
        ),
        Section(
            "abandonment",
            (
                total(every["abandoned"], contacts),
                total(rate, contacts),
                total(every["time_to_abandon"], contacts),
                *per_group(rate, contacts, "line", _line, LINES),
                *per_interval(rate, contacts, split),
            ),
            notes=_notes(settings, "short_abandon_seconds", "live_channels"),
        ),
    )


@report("outcomes")
def outcomes(facts: Facts, request: Request) -> tuple[Section, ...]:
    every = measures(request)
    contacts = in_period(facts, request)
    fcr, assessment = every["fcr"], every["assessment_share"]
    split = Intervals(request.period)
    closed = [c for c in contacts if is_closed(c)]
    kinds = Counter(c.outcome or "" for c in closed)
    known = [*OUTCOMES, *sorted(set(kinds) - set(OUTCOMES))]
    return (
        Section(
            "resolution",
            (
                total(fcr, contacts),
                total(every["reopened"], contacts),
                *per_group(fcr, contacts, "line", _line, LINES, {ELDERLY_LINE: PILOT_FCR}),
                *per_group(fcr, contacts, "channel", _channel, CHANNELS),
                *per_interval(fcr, contacts, split),
            ),
        ),
        Section(
            "assessment",
            (
                total(assessment, contacts),
                *per_group(
                    assessment, contacts, "line", _line, LINES, {ELDERLY_LINE: PILOT_ASSESSMENT}
                ),
            ),
        ),
        Section(
            "outcomes",
            tuple(
                row
                for kind in known
                for row in (
                    Row("outcome", kinds[kind], "count", kinds[kind], "", (("outcome", kind),)),
                    Row(
                        "outcome_share",
                        _rounded(share(kinds[kind], len(closed))),
                        "share",
                        len(closed),
                        "",
                        (("outcome", kind),),
                    ),
                )
            ),
            chart="bars",
        ),
        Section("reasons", tuple(_reason_rows(closed)), chart="bars"),
    )


def _reason_rows(closed: Sequence[ContactFact]) -> list[Row]:
    """Closed contacts by the reasons the worker chose (a contact may have several),
    most frequent first; the codes are the line's (reference.reasons())."""
    counts = Counter((c.line, code) for c in closed for code in c.reasons)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        Row("reason", n, "count", n, "", (("line", line), ("reason", code)))
        for (line, code), n in ordered
    ]


@report("handling")
def handling(facts: Facts, request: Request) -> tuple[Section, ...]:
    settings = request.settings
    every = measures(request)
    contacts = in_period(facts, request)
    median_, p90 = every["handling_median"], every["handling_p90"]
    return (
        Section(
            "handling_time",
            (
                total(median_, contacts),
                total(p90, contacts),
                *per_group(median_, contacts, "line", _line, LINES),
                *per_group(p90, contacts, "line", _line, LINES),
                *per_group(median_, contacts, "channel", _channel, CHANNELS),
            ),
        ),
        Section(
            "callbacks",
            tuple(
                total(every[name], contacts)
                for name in (
                    "callbacks_scheduled",
                    "callbacks_made",
                    "callbacks_missed",
                    "callbacks_on_time",
                    "callbacks_on_time_share",
                )
            ),
            notes=_notes(settings, "callback_on_time_minutes"),
        ),
    )


@report("overview")
def overview(facts: Facts, request: Request) -> tuple[Section, ...]:
    """The headline figures, with the pilot's beside the comparable ones (the older
    people's line; the phone for the answer time)."""
    settings = request.settings
    every = measures(request, facts.as_of)
    contacts = in_period(facts, request)
    live = queued_live(contacts, settings)
    elderly = [c for c in contacts if c.line == ELDERLY_LINE]
    line = (("line", ELDERLY_LINE),)
    phone = [c for c in live if c.channel == "phone"]
    rows = (
        total(every["contacts"], contacts),
        total(every["asa"], live),
        total(every["asa"], phone, (("channel", "phone"),), PILOT_ASA_SECONDS),
        total(every["service_level"], contacts),
        total(every["abandonment_rate"], contacts),
        total(every["fcr"], contacts),
        total(every["fcr"], elderly, line, PILOT_FCR),
        total(every["assessment_share"], contacts),
        total(every["assessment_share"], elderly, line, PILOT_ASSESSMENT),
        total(every["handling_median"], contacts),
        total(
            every["calls_per_month"], elderly, (*line, ("channel", "phone")), PILOT_CALLS_PER_MONTH
        ),
    )
    return (
        Section(
            "overview",
            rows,
            notes=_notes(settings, "service_level_seconds", "abandoned_in_service_level"),
        ),
    )
