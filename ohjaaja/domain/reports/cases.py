"""What happened after the contacts: handovers, statutory notifications, services
offered and unmet needs, and the frequent contacters.

Definitions (each also a message `report.define.<figure>`, shown beside it):

- A handover counts in the period it was sent in. Accepted, completed, returned: it
  was (its first event of that kind, whenever it came). A returned handover sent on
  again is a new handover, its times measured from its own sending.
- Overdue: it had a due time and was still open (sent or accepted) after it: done
  (completed or returned) later than due, or still open when the store was read
  (Facts.as_of; without it, the end of the period). As the inbox flags it. Every
  figure is as of that moment: what came after it is not yet known.
- A notification's clocks (ohjaaja.domain.notifications.clocks): one due at the
  moment it is received (child welfare: urgency assessed at once; the others: looked
  into) is met when the receiving team accepted the handover made with it by that
  handover's due (immediate: within the hour); the investigation decision (child
  welfare, 7 working days) is met when that handover was completed by the end of
  its day, Finnish time. Missed: not done by then, and then has passed. Pending:
  then is still to come and it is not done; not in the share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from ohjaaja.domain.handovers import default_due
from ohjaaja.domain.notifications import clocks, urgency
from ohjaaja.domain.reports.common import local_day, median, percentile, seconds, share
from ohjaaja.domain.reports.facts import Facts, HandoverFact, NotificationFact, OfferFact
from ohjaaja.domain.reports.model import HELSINKI, Request, Row, Section
from ohjaaja.domain.reports.registry import report

NONE = "-"  # a breakdown's value when the record has none (no team, no municipality)
T = TypeVar("T")
Group = tuple[tuple[str, str], ...]


def as_of(facts: Facts, request: Request) -> datetime:
    return facts.as_of or request.period.until


def as_of_note(now: datetime) -> str:
    """The moment the figures are as of, a note in Finnish local time."""
    return f"as_of={now.astimezone(HELSINKI):%Y-%m-%d %H:%M}"


def in_period(request: Request) -> Callable[[datetime], bool]:
    """Period.contains with its bounds made once (they are computed on each call)."""
    since, until = request.period.since, request.period.until
    return lambda moment: since <= moment < until


def _chosen(municipality: str | None, request: Request) -> bool:
    chosen = request.filters.municipalities
    return not chosen or (municipality or "") in chosen


def breakdowns(
    records: Sequence[T], *keys: tuple[str, Callable[[T], str | None]]
) -> Iterable[tuple[Group, list[T]]]:
    """The whole, then the records by each key in turn, groups in sorted order."""
    yield (), list(records)
    for name, key in keys:
        groups: dict[str, list[T]] = {}
        for record in records:
            groups.setdefault(key(record) or NONE, []).append(record)
        for value in sorted(groups):
            yield ((name, value),), groups[value]


# -- handovers ------------------------------------------------------------------------


def overdue(handover: HandoverFact, now: datetime) -> bool:
    if handover.due_at is None:
        return False
    ends = [at for at in (handover.completed_at, handover.returned_at) if at is not None]
    return min([*ends, now]) > handover.due_at


def _times(
    records: Sequence[HandoverFact], end: Callable[[HandoverFact], datetime | None], name: str
) -> list[Row]:
    spans = [seconds(h.sent_at, at) for h in records if (at := end(h)) is not None]
    return [
        Row(f"{name}_median", median(spans), "seconds", len(spans)),
        Row(f"{name}_p90", percentile(spans, 90), "seconds", len(spans)),
    ]


@report("handovers")
def handovers(facts: Facts, request: Request) -> tuple[Section, ...]:
    now = as_of(facts, request)
    within = in_period(request)
    chosen = [h for h in facts.handovers if within(h.sent_at) and _chosen(h.municipality, request)]
    counts: list[Row] = []
    times: list[Row] = []
    for group, records in breakdowns(
        chosen,
        ("team", lambda h: h.to_team or "worker"),
        ("municipality", lambda h: h.municipality),
    ):
        n = len(records)
        counted = {
            "handovers_sent": n,
            "handovers_accepted": sum(h.accepted_at is not None for h in records),
            "handovers_completed": sum(h.completed_at is not None for h in records),
            "handovers_returned": sum(h.returned_at is not None for h in records),
            "handovers_overdue": sum(overdue(h, now) for h in records),
        }
        counts += [Row(figure, value, "count", n, group=group) for figure, value in counted.items()]
        spans = _times(records, lambda h: h.accepted_at, "to_accept")
        spans += _times(records, lambda h: h.completed_at, "to_complete")
        times += [Row(r.figure, r.value, r.unit, r.n, group=group) for r in spans]
    return (
        Section("handovers", tuple(counts), notes=(as_of_note(now),)),
        Section("handover_times", tuple(times)),
    )


# -- notifications ----------------------------------------------------------------------


def clock_states(notification: NotificationFact, now: datetime) -> list[tuple[str, str]]:
    """(clock, "met" | "missed" | "pending") for each of the notification's clocks."""
    received = notification.received_at or notification.made_at
    found: list[tuple[str, str]] = []
    for clock in clocks(notification.kind, received, {}):
        name = clock.key.rsplit(".", 1)[-1]
        if isinstance(clock.due, datetime):  # due at once: the team accepts by the due
            deadline = notification.due_at or default_due(urgency(notification.kind, {}), received)
            done = notification.accepted_at
        else:  # due on a day: completed by its end
            deadline = _end_of(clock.due)
            done = notification.completed_at
        if done is not None and done > now:
            done = None  # not yet known as of the reading
        if done is not None and done <= deadline:
            found.append((name, "met"))
        elif deadline < now or done is not None:
            found.append((name, "missed"))
        else:
            found.append((name, "pending"))
    return found


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), HELSINKI)


@report("notifications")
def notifications(facts: Facts, request: Request) -> tuple[Section, ...]:
    now = as_of(facts, request)
    within = in_period(request)
    chosen = [
        n for n in facts.notifications if within(n.made_at) and _chosen(n.municipality, request)
    ]
    made = [
        Row("notifications_made", len(records), "count", len(records), group=group)
        for group, records in breakdowns(chosen, ("kind", lambda n: n.kind))
    ]
    states: Counter[tuple[str, str, str]] = Counter()
    for notification in chosen:
        for clock, state in clock_states(notification, now):
            states[notification.kind, clock, state] += 1
    kept: list[Row] = []
    for kind, clock in sorted({(kind, clock) for kind, clock, _ in states}):
        met, missed = states[kind, clock, "met"], states[kind, clock, "missed"]
        group = (("kind", kind), ("clock", clock))
        kept += [
            Row("clock_met", share(met, met + missed), "share", met + missed, group=group),
            Row("clock_missed", missed, "count", met + missed, group=group),
            Row("clock_pending", states[kind, clock, "pending"], "count", 0, group=group),
        ]
    return (
        Section("notifications", tuple(made)),
        Section("notification_clocks", tuple(kept), notes=(as_of_note(now),)),
    )


# -- services and unmet needs ----------------------------------------------------------


@report("services")
def services(facts: Facts, request: Request) -> tuple[Section, ...]:
    within = in_period(request)
    chosen = [
        o
        for o in facts.offers
        if (o.created_at is None or within(o.created_at)) and _chosen(o.municipality, request)
    ]
    offered = [o for o in chosen if o.service_id is not None]
    unmet = [o for o in chosen if o.service_id is None and o.unmet_need]
    by_service: list[tuple[str, Callable[[OfferFact], str | None]]] = [
        ("service", lambda o: o.service_name or o.service_id),
        ("sector", lambda o: o.sector),
        ("municipality", lambda o: o.municipality),
    ]
    by_need: list[tuple[str, Callable[[OfferFact], str | None]]] = [
        ("municipality", lambda o: o.municipality),
        ("client_group", lambda o: o.client_group),
    ]
    words = [
        Row(
            "unmet_need",
            o.unmet_need,
            "text",
            1,
            interval=local_day(o.created_at).isoformat() if o.created_at else "",
            group=(
                ("municipality", o.municipality or NONE),
                ("client_group", o.client_group or NONE),
            ),
        )
        for o in sorted(unmet, key=lambda o: (o.created_at or request.period.since, o.id))
    ]
    return (
        Section("services", _counted("services_offered", offered, by_service)),
        Section("unmet_need_counts", _counted("unmet_needs", unmet, by_need)),
        Section("unmet_need_words", tuple(words)),
    )


def _counted(
    figure: str, records: Sequence[T], keys: Sequence[tuple[str, Callable[[T], str | None]]]
) -> tuple[Row, ...]:
    return tuple(
        Row(figure, len(group_records), "count", len(group_records), group=group)
        for group, group_records in breakdowns(records, *keys)
    )


# -- frequent contacters ----------------------------------------------------------------


@report("frequent")
def frequent(facts: Facts, request: Request) -> tuple[Section, ...]:
    """Clients with Settings.frequent_contacts or more contacts in the look-back of
    Settings.frequent_months ending with the period (Facts.contacts_per_client)."""
    settings = request.settings
    counts = facts.contacts_per_client
    found = sorted(
        ((client, n) for client, n in counts.items() if n >= settings.frequent_contacts),
        key=lambda item: (-item[1], item[0]),
    )
    notes = (
        f"frequent_contacts={settings.frequent_contacts}",
        f"frequent_months={settings.frequent_months}",
        f"may_see_clients={'yes' if settings.may_see_clients else 'no'}",
    )
    sections = [
        Section(
            "frequent",
            (
                Row("frequent_contacters", len(found), "count", len(counts)),
                Row("frequent_contacts", sum(n for _, n in found), "count", sum(counts.values())),
            ),
            notes=notes,
        )
    ]
    if settings.may_see_clients:
        listed = tuple(
            Row("frequent_contacter", n, "count", n, group=(("client", client),))
            for client, n in found
        )
        sections.append(Section("frequent_clients", listed))
    return tuple(sections)
