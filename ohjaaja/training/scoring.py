"""A training shift's score: the queue's figures per trainee and for the whole shift
against the scenario's targets, and each scripted contact's expected actions met
or missed, with the reason.

Definitions (README, "Scoring"):
- answered: a shift contact taken from the queue; its speed of answer is taken_at
  minus received_at (ohjaaja.domain.queue.day_figures, the queue's own figures);
- service level: the share of answered ones taken within the scenario's
  `service_level_seconds`;
- abandonment: abandoned / (answered + abandoned), a contact abandoned once it has
  an `abandoned` training event; the whole shift's only (a caller who hangs up was
  nobody's);
- first-contact resolution and assessment: the shares of closed contacts (not
  abandoned ones) with the outcome `resolved` and `assessment`.
- A trainee is scored on the contacts they took; a scripted contact's points go
  to whoever took it last.

Every text is a `Words` (a message key and its values), written in the reader's
language only when shown: the same score reads in fi, sv and en.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from ohjaaja.db import training as shift_rows
from ohjaaja.db import training_record as record
from ohjaaja.domain import teams
from ohjaaja.domain.clock import from_iso
from ohjaaja.domain.queue import DayFigures, day_figures, format_duration
from ohjaaja.i18n import get_language, t
from ohjaaja.training.clock import ClockState
from ohjaaja.training.scenario import Expect, Scenario, ScriptedContact, Targets
from ohjaaja.usecases.desk import Desk


@dataclass(frozen=True)
class Words:
    """A text by its message key; a value may itself be Words (a kind, an outcome).
    Some keys are not messages: `@list` (its values joined by commas), `@team` (a
    team's name, from the teams fixture), `@teamkind` (a kind of team) and `@texts`
    (a name by language)."""

    key: str
    params: tuple[tuple[str, str | Words], ...] = ()

    def text(self) -> str:
        values = {k: v.text() if isinstance(v, Words) else v for k, v in self.params}
        if self.key == "@list":
            return ", ".join(values.values()) or "—"
        if self.key == "@team":
            code = values["code"]
            return teams.team_name(code, get_language()) if teams.is_valid(code) else code
        if self.key == "@texts":  # a name by language (a service's)
            return (
                values.get(get_language()) or values.get("fi") or next(iter(values.values()), "?")
            )
        if self.key == "@teamkind":
            names = teams.kinds()[values["kind"]].names
            return names.get(get_language()) or names["fi"]
        return t(self.key, **values)

    def __str__(self) -> str:
        return self.text()


def words(key: str, **params: str | Words) -> Words:
    return Words(key, tuple(sorted(params.items())))


def team_words(code: str) -> Words:
    return Words("@team", (("code", code),))


def _codes(prefix: str, codes: Sequence[str]) -> Words:
    """A list of codes, each by its message (`prefix` + code) when a prefix is given."""
    return Words(
        "@list",
        tuple((f"{i:03d}", words(prefix + c) if prefix else c) for i, c in enumerate(codes)),
    )


FIGURES = ("asa", "service_level", "abandonment", "first_contact", "assessment")


@dataclass(frozen=True)
class Figures:
    arrived: int
    answered: int
    abandoned: int
    closed: int
    average_speed_of_answer: float | None  # seconds
    service_level: float | None
    abandonment: float | None  # None for a trainee
    first_contact: float | None
    assessment: float | None

    def value(self, name: str) -> float | None:
        return {
            "asa": self.average_speed_of_answer,
            "service_level": self.service_level,
            "abandonment": self.abandonment,
            "first_contact": self.first_contact,
            "assessment": self.assessment,
        }[name]


@dataclass(frozen=True)
class Verdict:
    """One figure against its target; met None: nothing to judge (no contacts)."""

    name: str  # FIGURES
    value: float | None
    target: float
    met: bool | None


@dataclass(frozen=True)
class Check:
    """One expected action of a scripted contact, met or missed."""

    script_id: str
    at: timedelta  # the script's time after the start
    kind: str
    expected: Words
    actual: Words  # what was done; when missed, why
    met: bool
    points: int  # earned
    possible: int
    critical: bool
    within: timedelta | None
    contact_id: str | None
    worker_id: str | None

    @property
    def critical_miss(self) -> bool:
        return self.critical and not self.met


@dataclass(frozen=True)
class TraineeScore:
    worker_id: str
    name: str
    figures: Figures
    verdicts: tuple[Verdict, ...]
    points: int
    possible: int
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class ShiftScore:
    shift_id: str
    title: str
    targets: Targets
    figures: Figures
    verdicts: tuple[Verdict, ...]
    trainees: tuple[TraineeScore, ...]
    checks: tuple[Check, ...]  # critical misses first, then in the script's order
    points: int
    possible: int

    @property
    def critical_misses(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.critical_miss)


# -- reading ---------------------------------------------------------------------


@contextlib.contextmanager
def reading(source: Desk | sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    if isinstance(source, Desk):
        with source.ctx.reading() as conn:
            yield conn
    else:
        yield source


@dataclass(frozen=True)
class Record:
    """Everything a shift left behind, read once (db/training_record.py)."""

    shift_id: str
    now: datetime  # the shift's simulated time when read (its end, once ended)
    contacts: list[dict[str, Any]]
    shift_events: list[dict[str, Any]]
    contact_events: list[dict[str, Any]]
    offers: list[dict[str, Any]]
    notifications: list[dict[str, Any]]
    handovers: list[dict[str, Any]]
    clients: dict[str, dict[str, Any]]
    workers: dict[str, str]
    services: dict[str, dict[str, str]]  # names by language of the services expected

    @cached_property
    def abandoned(self) -> set[str]:
        return {e["contact_id"] for e in self.shift_events if e["kind"] == "abandoned"}


def read_record(
    source: Desk | sqlite3.Connection,
    shift_id: str,
    now: datetime | None = None,
    services: Iterable[str] = (),
) -> Record:
    with reading(source) as conn:
        row = shift_rows.shift(conn, shift_id)
        if row is None:
            raise LookupError(f"no training shift {shift_id}")
        contacts = record.contacts(conn, shift_id)
        found = Record(
            shift_id=shift_id,
            now=now or ClockState.from_json(row.clock).sim_at,
            contacts=contacts,
            shift_events=record.shift_events(conn, shift_id),
            contact_events=record.contact_events(conn, shift_id),
            offers=record.offers(conn, shift_id),
            notifications=record.notifications(conn, shift_id),
            handovers=record.handovers(conn, shift_id),
            clients=record.clients(conn, {c["client_id"] for c in contacts if c["client_id"]}),
            workers=record.worker_names(conn),
            services=record.service_names(conn, set(services)),
        )
    return found


# -- scoring -----------------------------------------------------------------------


def score_shift(
    source: Desk | sqlite3.Connection,
    scenario: Scenario,
    shift_id: str,
    now: datetime | None = None,
) -> ShiftScore:
    return score_record(read_record(source, shift_id, now, expected_services(scenario)), scenario)


def expected_services(scenario: Scenario) -> set[str]:
    return {s for script in scenario.scripts for e in script.expect for s in e.services}


def score_record(rec: Record, scenario: Scenario) -> ShiftScore:
    targets = scenario.targets
    abandoned = rec.abandoned
    whole = _figures(rec.contacts, abandoned, rec.now, targets, shift=True)
    checks = _checks(rec, scenario)
    by_worker: dict[str, list[dict[str, Any]]] = {}
    for contact in rec.contacts:
        if contact["taken_by"]:
            by_worker.setdefault(contact["taken_by"], []).append(contact)
    asked = {e["worker_id"] for e in rec.shift_events if e["kind"] == "fact_asked"}
    trainees = []
    for worker_id in sorted(set(by_worker) | (asked - {None}),
                            key=lambda w: (rec.workers.get(w, w), w)):  # fmt: skip
        own = by_worker.get(worker_id, [])
        figures = _figures(own, abandoned, rec.now, targets, shift=False)
        mine = tuple(c for c in checks if c.worker_id == worker_id)
        trainees.append(
            TraineeScore(
                worker_id=worker_id,
                name=rec.workers.get(worker_id, worker_id),
                figures=figures,
                verdicts=_verdicts(figures, targets, shift=False),
                points=sum(c.points for c in mine),
                possible=sum(c.possible for c in mine),
                checks=mine,
            )
        )
    return ShiftScore(
        shift_id=rec.shift_id,
        title=scenario.title,
        targets=targets,
        figures=whole,
        verdicts=_verdicts(whole, targets, shift=True),
        trainees=tuple(trainees),
        checks=checks,
        points=sum(c.points for c in checks),
        possible=sum(c.possible for c in checks),
    )


def _figures(
    contacts: list[dict[str, Any]],
    abandoned: set[str],
    now: datetime,
    targets: Targets,
    shift: bool,
) -> Figures:
    """The queue's day figures over these contacts, and what training adds."""
    gone = [c for c in contacts if c["id"] in abandoned and not c["taken_at"]]
    answered = [c for c in contacts if c["taken_at"] and c["via_queue"]]
    closed = [c for c in contacts if c["closed_at"] and c["id"] not in abandoned]
    waiting = [c for c in contacts if c["status"] == "waiting" and c["id"] not in abandoned]
    day: DayFigures = day_figures(
        now,
        (from_iso(c["received_at"]) for c in waiting),
        ((from_iso(c["received_at"]), from_iso(c["taken_at"])) for c in answered),
        (c["outcome"] for c in closed),
        service_level_seconds=targets.service_level_seconds,
    )
    ended = day.answered + len(gone)
    return Figures(
        arrived=len(contacts),
        answered=day.answered,
        abandoned=len(gone),
        closed=day.closed,
        average_speed_of_answer=day.average_speed_of_answer,
        service_level=day.service_level,
        abandonment=(len(gone) / ended if ended else None) if shift else None,
        first_contact=day.first_contact_resolution,
        assessment=(
            sum(1 for c in closed if c["outcome"] == "assessment") / day.closed
            if day.closed
            else None
        ),
    )


# Which way each figure is good: at most its target, or at least.
_AT_MOST = {"asa": True, "service_level": False, "abandonment": True, "first_contact": False,
            "assessment": True}  # fmt: skip


def _target(targets: Targets, name: str) -> float:
    return {
        "asa": targets.answer_seconds,
        "service_level": targets.service_level,
        "abandonment": targets.abandonment,
        "first_contact": targets.first_contact,
        "assessment": targets.assessment,
    }[name]


def _verdicts(figures: Figures, targets: Targets, shift: bool) -> tuple[Verdict, ...]:
    verdicts = []
    for name in FIGURES:
        if name == "abandonment" and not shift:
            continue
        value, target = figures.value(name), _target(targets, name)
        met = None if value is None else (value <= target if _AT_MOST[name] else value >= target)
        verdicts.append(Verdict(name, value, target, met))
    return tuple(verdicts)


# -- expected actions --------------------------------------------------------------


def _checks(rec: Record, scenario: Scenario) -> tuple[Check, ...]:
    by_script: dict[str, list[dict[str, Any]]] = {}
    for contact in rec.contacts:
        if contact["script_id"]:
            by_script.setdefault(contact["script_id"], []).append(contact)
    found = []
    for order, script in enumerate(sorted(scenario.scripts, key=lambda s: (s.at, s.id))):
        attempts = sorted(by_script.get(script.id, []), key=lambda c: (c["attempt"], c["id"]))
        for number, expect in enumerate(script.expect):
            check = _check(rec, script, expect, attempts)
            found.append((0 if check.critical_miss else 1, order, number, check))
    return tuple(check for *_, check in sorted(found, key=lambda x: x[:3]))


def _check(
    rec: Record, script: ScriptedContact, expect: Expect, attempts: list[dict[str, Any]]
) -> Check:
    expected = _expected(rec, script, expect)
    if not attempts:
        return _result(script, expect, expected, None, None, words("score.did.no_contact"), False)
    taken = [c for c in attempts if c["taken_at"]]
    contact = taken[-1] if taken else attempts[-1]
    arrived = from_iso(attempts[0]["received_at"])
    ids = {c["id"] for c in attempts}
    done_at, actual, met = _JUDGES[expect.kind](rec, script, expect, attempts, ids)
    if (
        met
        and expect.within is not None
        and done_at is not None
        and done_at - arrived > expect.within
    ):
        actual = words("score.did.late", what=actual, took=_dur(done_at - arrived),
                       limit=_dur(expect.within))  # fmt: skip
        met = False
    return _result(script, expect, expected, contact["id"], contact["taken_by"], actual, met)


def _result(
    script: ScriptedContact,
    expect: Expect,
    expected: Words,
    contact_id: str | None,
    worker_id: str | None,
    actual: Words,
    met: bool,
) -> Check:
    return Check(
        script_id=script.id, at=script.at, kind=expect.kind, expected=expected, actual=actual,
        met=met, points=expect.points if met else 0, possible=expect.points,
        critical=expect.critical, within=expect.within, contact_id=contact_id,
        worker_id=worker_id,
    )  # fmt: skip


def _dur(delta: timedelta) -> str:
    return format_duration(delta.total_seconds())


def _names(names: dict[str, str] | None, fallback: str) -> Words:
    if not names:
        return Words("@list", (("0", fallback),))
    return Words("@texts", tuple(sorted((k, str(v)) for k, v in names.items())))


def _expected(rec: Record, script: ScriptedContact, expect: Expect) -> Words:
    kind = expect.kind
    if kind == "answer":
        base = words("score.expect.answer")
    elif kind == "identify":
        base = words("score.expect.identify", client=_who(script))
    elif kind == "reasons":
        base = words("score.expect.reasons", codes=_codes("", expect.reasons))
    elif kind == "offer" and expect.services:
        named = tuple((f"{i:03d}", _names(rec.services.get(s), s))
                      for i, s in enumerate(expect.services))  # fmt: skip
        base = words("score.expect.offer", services=Words("@list", named))
    elif kind == "offer":
        base = words(
            "score.expect.offer_group",
            group=words(f"line.{expect.client_group}"),
            channel=words(f"service_channel.{expect.service_channel}")
            if expect.service_channel
            else words("score.any_channel"),
        )
    elif kind == "notification":
        base = words(
            "score.expect.notification",
            kind=words(f"notification.kind.{expect.notification}"),
            fields=_codes("notification.", expect.required),
        )
    elif kind == "handover":
        base = words(
            "score.expect.handover",
            team=_team_kind(expect.team or ""),
            urgency=words(f"urgency.{expect.urgency}") if expect.urgency else "—",
        )
    else:
        base = words("score.expect.outcome", outcome=words(f"outcome.{expect.outcome}"))
    if expect.within is None:
        return base
    return words("score.expect.within", what=base, limit=_dur(expect.within))


def _team_kind(kind: str) -> Words:
    known = teams.kinds().get(kind)
    if known is None:
        return Words("@list", (("0", kind),))
    return team_words(kind) if known.regional else Words("@teamkind", (("kind", kind),))


def _who(script: ScriptedContact) -> str:
    person = script.caller.person
    if person is not None:
        return f"{person.first_names} {person.last_name}"
    return script.caller.client_hetu or "—"


def _at(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


Judgement = tuple[datetime | None, Words, bool]


def _answer(rec: Record, _s: ScriptedContact, _e: Expect, attempts: list[dict[str, Any]],
            _ids: set[str]) -> Judgement:  # fmt: skip
    arrived = from_iso(attempts[0]["received_at"])
    taken = [c for c in attempts if c["taken_at"]]
    if taken:
        at = from_iso(taken[0]["taken_at"])
        who = rec.workers.get(taken[0]["taken_by"] or "", "—")
        return at, words("score.did.answered", wait=_dur(at - arrived), worker=who), True
    if any(c["id"] in rec.abandoned for c in attempts):
        ids = {c["id"] for c in attempts}
        gone = [from_iso(e["at"]) for e in rec.shift_events
                if e["kind"] == "abandoned" and e["contact_id"] in ids]  # fmt: skip
        return None, words("score.did.abandoned", wait=_dur(max(gone) - arrived)), False
    return None, words("score.did.not_answered"), False


def _same_person(client: dict[str, Any] | None, script: ScriptedContact) -> bool:
    if client is None:
        return False
    caller = script.caller
    hetu = caller.client_hetu or (caller.person.hetu if caller.person else None)
    if hetu:
        return bool(client["hetu"]) and str(client["hetu"]).upper() == hetu.upper()
    person = caller.person
    return person is not None and (
        client["first_names"],
        client["last_name"],
        client["birth_date"],
    ) == (person.first_names, person.last_name, person.birth_date)


def _identify(rec: Record, script: ScriptedContact, _e: Expect,
              attempts: list[dict[str, Any]], ids: set[str]) -> Judgement:  # fmt: skip
    chosen = [c for c in attempts if c["client_id"]]
    if not chosen:
        return None, words("score.did.no_client"), False
    client = rec.clients.get(chosen[-1]["client_id"])
    name = f"{client['first_names']} {client['last_name']}" if client else "?"
    identified = [from_iso(e["at"]) for e in rec.contact_events
                  if e["kind"] == "identified" and e["contact_id"] in ids]  # fmt: skip
    at = max(identified) if identified else _at(chosen[-1]["closed_at"])
    if _same_person(client, script):
        return at, words("score.did.identified", client=name), True
    return at, words("score.did.wrong_client", client=name, expected=_who(script)), False


def _closed(attempts: list[dict[str, Any]]) -> dict[str, Any] | None:
    closed = [c for c in attempts if c["closed_at"]]
    return closed[-1] if closed else None


def _reasons(_r: Record, _s: ScriptedContact, expect: Expect,
             attempts: list[dict[str, Any]], _ids: set[str]) -> Judgement:  # fmt: skip
    given = {code for c in attempts for code in c["reasons"]}
    closed = _closed(attempts)
    at = _at(closed["closed_at"]) if closed else None
    missing = [code for code in expect.reasons if code not in given]
    if missing:
        return at, words("score.did.missing_reasons", codes=_codes("", missing)), False
    return at, words("score.did.reasons", codes=_codes("", sorted(given))), True


def _fits(offer: dict[str, Any], expect: Expect) -> bool:
    if expect.services:
        return offer["service_id"] in expect.services
    if offer["service_id"] is None or expect.client_group not in offer["client_groups"]:
        return False
    return expect.service_channel is None or expect.service_channel in offer["channels"]


def _service(offer: dict[str, Any]) -> Words:
    return _names(offer.get("name"), str(offer["service_id"]))


def _offer(rec: Record, _s: ScriptedContact, expect: Expect,
           _a: list[dict[str, Any]], ids: set[str]) -> Judgement:  # fmt: skip
    made = [o for o in rec.offers if o["contact_id"] in ids and o["service_id"]]
    if not made:
        return None, words("score.did.no_offer"), False
    offered = Words("@list", tuple((f"{i:03d}", _service(o)) for i, o in enumerate(made)))
    fitting = [o for o in made if _fits(o, expect)]
    if fitting:
        return from_iso(fitting[0]["at"]), words("score.did.offered", services=offered), True
    return from_iso(made[-1]["at"]), words("score.did.wrong_offer", services=offered), False


def _notification(rec: Record, _s: ScriptedContact, expect: Expect,
                  _a: list[dict[str, Any]], ids: set[str]) -> Judgement:  # fmt: skip
    made = [n for n in rec.notifications if n["contact_id"] in ids]
    kind = words(f"notification.kind.{expect.notification}")
    if not made:
        return None, words("score.did.no_notification"), False
    right = [n for n in made if n["kind"] == expect.notification]
    if not right:
        other = made[-1]
        return (from_iso(other["at"]), words("score.did.wrong_notification", kind=kind,
                made=words(f"notification.kind.{other['kind']}")), False)  # fmt: skip
    best, missing = None, list(expect.required)
    for n in right:  # the one that lacks least
        lacking = [f for f in expect.required if not _filled(n["fields"].get(f))]
        if best is None or len(lacking) < len(missing):
            best, missing = n, lacking
    assert best is not None
    at = from_iso(best["at"])
    if missing:
        fields = _codes("notification.", missing)
        return at, words("score.did.missing_fields", kind=kind, fields=fields), False
    return at, words("score.did.notified", kind=kind, to=team_words(best["routed_to"] or "")), True


def _filled(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)


def _team_of(code: str | None) -> str | None:
    return code.partition(":")[0] if code else None


def _handover(rec: Record, _s: ScriptedContact, expect: Expect,
              _a: list[dict[str, Any]], ids: set[str]) -> Judgement:  # fmt: skip
    made = [h for h in rec.handovers if h["contact_id"] in ids]
    if not made:
        return None, words("score.did.no_handover"), False
    for h in made:
        if _team_of(h["to_team"]) == expect.team and expect.urgency in (None, h["urgency"]):
            urgency = words(f"urgency.{h['urgency']}")
            did = words("score.did.handed_over", to=team_words(h["to_team"]), urgency=urgency)
            return from_iso(h["at"]), did, True
    last = made[-1]
    to: str | Words = team_words(last["to_team"]) if last["to_team"] else (last["to_name"] or "?")
    return (from_iso(last["at"]), words("score.did.wrong_handover", to=to,
            urgency=words(f"urgency.{last['urgency']}")), False)  # fmt: skip


def _outcome(_r: Record, _s: ScriptedContact, expect: Expect,
             attempts: list[dict[str, Any]], _ids: set[str]) -> Judgement:  # fmt: skip
    closed = _closed(attempts)
    if closed is None:
        return None, words("score.did.not_closed"), False
    at, outcome = from_iso(closed["closed_at"]), words(f"outcome.{closed['outcome']}")
    if closed["outcome"] == expect.outcome:
        return at, words("score.did.closed", outcome=outcome), True
    return at, words("score.did.wrong_outcome", outcome=outcome), False


_JUDGES = {
    "answer": _answer,
    "identify": _identify,
    "reasons": _reasons,
    "offer": _offer,
    "notification": _notification,
    "handover": _handover,
    "outcome": _outcome,
}
