"""The after-action report of a training shift: the timeline, expected against done
for each scripted contact, the scores; as one self-contained HTML page and one CSV
for the class; and a replay of the shift at any speed from the recorded events.

Everything is built from what the shift recorded (scoring.Record), never from the
engine's memory, so a debrief of last week's shift reads the same as today's.
"""

from __future__ import annotations

import bisect
import html
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ohjaaja.domain.clock import from_iso, local
from ohjaaja.domain.queue import format_duration
from ohjaaja.exchange.exports import csv_text, write_private
from ohjaaja.i18n import get_language, t
from ohjaaja.training.scenario import Scenario
from ohjaaja.training.scoring import (
    Check,
    Figures,
    Record,
    ShiftScore,
    Verdict,
    Words,
    expected_services,
    read_record,
    score_record,
    team_words,
    words,
)
from ohjaaja.usecases.desk import Desk

# Timeline kinds from the contacts' own events, and the shift's (training_event).
CONTACT_KINDS = ("taken", "released", "identified", "closed", "note")
SHIFT_KINDS = ("started", "paused", "resumed", "speed", "stepped", "added", "abandoned",
               "fact_asked", "ended")  # fmt: skip


@dataclass(frozen=True)
class Moment:
    """One line of the timeline."""

    at: datetime
    kind: str  # arrived, taken, released, identified, offered, notified, handed_over,
    # closed, note, and the shift's own kinds
    contact_id: str | None = None
    worker_id: str | None = None
    who: str = ""  # the worker's name
    script_id: str | None = None
    detail: Words | str = ""
    label: str = ""  # the contact as the class reads it: its script, or #n by arrival

    def detail_text(self) -> str:
        return self.detail.text() if isinstance(self.detail, Words) else self.detail


@dataclass(frozen=True)
class ScriptReport:
    script_id: str
    at: datetime
    caller: str
    opening: str
    contact_ids: tuple[str, ...]
    checks: tuple[Check, ...]
    facts_asked: tuple[str, ...]


@dataclass(frozen=True)
class Debrief:
    shift_id: str
    scenario: Scenario
    start: datetime
    end: datetime  # the shift's simulated time when read
    score: ShiftScore
    timeline: tuple[Moment, ...]
    scripts: tuple[ScriptReport, ...]
    record: Record = field(repr=False, compare=False)


def build_debrief(
    source: Desk | sqlite3.Connection,
    scenario: Scenario,
    shift_id: str,
    now: datetime | None = None,
) -> Debrief:
    rec = read_record(source, shift_id, now, expected_services(scenario))
    score = score_record(rec, scenario)
    timeline = tuple(_timeline(rec))
    scripts = []
    for script in sorted(scenario.scripts, key=lambda s: (s.at, s.id)):
        ids = tuple(c["id"] for c in rec.contacts if c["script_id"] == script.id)
        asked = tuple(
            str(m.detail) for m in timeline if m.kind == "fact_asked" and m.contact_id in ids
        )
        caller = script.caller.name or (
            f"{script.caller.person.first_names} {script.caller.person.last_name}"
            if script.caller.person
            else t(f"caller.{script.caller.kind}")
        )
        scripts.append(
            ScriptReport(
                script_id=script.id,
                at=scenario.start + script.at,
                caller=caller,
                opening=script.opening,
                contact_ids=ids,
                checks=tuple(c for c in score.checks if c.script_id == script.id),
                facts_asked=asked,
            )
        )
    return Debrief(
        shift_id, scenario, scenario.start, rec.now, score, timeline, tuple(scripts), rec
    )


def _timeline(rec: Record) -> list[Moment]:
    names = rec.workers
    scripts = {c["id"]: c["script_id"] for c in rec.contacts}
    labels = contact_labels(rec)

    def moment(at: str, kind: str, contact: str | None, worker: str | None,
               detail: Words | str = "") -> Moment:  # fmt: skip
        key = contact or ""
        return Moment(from_iso(at), kind, contact, worker, names.get(worker or "", ""),
                      scripts.get(key), detail, labels.get(key, ""))  # fmt: skip

    found = [
        moment(
            c["received_at"],
            "arrived",
            c["id"],
            None,
            words(f"channel.{c['channel']}") if c["channel"] else "",
        )
        for c in rec.contacts
    ]
    seen = set()
    for e in rec.contact_events:
        if e["kind"] not in CONTACT_KINDS:
            continue
        seen.add((e["contact_id"], e["kind"]))
        detail: Words | str = ""
        if e["kind"] == "closed" and e["data"].get("outcome"):
            detail = words(f"outcome.{e['data']['outcome']}")
        elif e["kind"] == "note":
            detail = str(e["data"].get("text", ""))
        found.append(moment(e["at"], e["kind"], e["contact_id"], e["worker_id"], detail))
    # A trainee's desk keeps its contact events to itself (they do not sync): on the
    # trainer's file, what another desk did is known from the contact's own row.
    for c in rec.contacts:
        cid, worker = c["id"], c["taken_by"]
        if c["taken_at"] and (cid, "taken") not in seen:
            found.append(moment(c["taken_at"], "taken", cid, worker))
        if c["closed_at"] and (cid, "closed") not in seen:
            outcome = words(f"outcome.{c['outcome']}") if c["outcome"] else ""
            if c["client_id"] and (cid, "identified") not in seen:
                found.append(moment(c["closed_at"], "identified", cid, worker))
            found.append(moment(c["closed_at"], "closed", cid, worker, outcome))
    for e in rec.shift_events:
        if e["kind"] not in SHIFT_KINDS:
            continue
        detail = _shift_detail(e["kind"], e["data"])
        found.append(moment(e["at"], e["kind"], e["contact_id"], e["worker_id"], detail))
    for o in rec.offers:
        what: Words | str = o["unmet_need"] or ""
        if o["service_id"]:
            names_by_language = o.get("name") or {}
            what = Words("@texts", tuple(sorted(names_by_language.items()))) if names_by_language \
                else str(o["service_id"])  # fmt: skip
        found.append(moment(o["at"], "offered", o["contact_id"], o["worker_id"], what))
    for n in rec.notifications:
        found.append(moment(n["at"], "notified", n["contact_id"], n["worker_id"],
                            words(f"notification.kind.{n['kind']}")))  # fmt: skip
    for h in rec.handovers:
        if h["notification_id"]:
            continue  # the notification's own: its line says where it went
        to: Words | str = team_words(h["to_team"]) if h["to_team"] else (h["to_name"] or "")
        found.append(moment(h["at"], "handed_over", h["contact_id"], h["worker_id"], to))
    order = {kind: i for i, kind in enumerate(("started", "arrived", "taken", "identified"))}
    found.sort(key=lambda m: (m.at, order.get(m.kind, 9), m.contact_id or "", m.kind))
    return found


def _shift_detail(kind: str, data: dict[str, object]) -> Words | str:
    """What a shift event's line says beside its kind."""
    if kind == "fact_asked":
        return str(data.get("topic", ""))
    if kind in ("speed", "started") and data.get("speed") is not None:
        return f"×{float(str(data['speed'])):g}"
    if kind == "stepped" and data.get("seconds") is not None:
        return format_duration(float(str(data["seconds"])))
    if kind == "added" and data.get("channel"):
        return words(f"channel.{data['channel']}")
    return ""


def contact_labels(rec: Record) -> dict[str, str]:
    """A scripted contact by its script's id, any other by its number in arrival
    order (#1, #2, ...): ids are long and differ from run to run."""
    labels, number = {}, 0
    for contact in rec.contacts:  # in arrival order
        if contact["script_id"]:
            labels[contact["id"]] = contact["script_id"]
        else:
            number += 1
            labels[contact["id"]] = f"#{number}"
    return labels


# -- the replay --------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayState:
    """The shift as it stood at a simulated moment."""

    at: datetime
    waiting: tuple[str, ...]  # contact ids, in arrival order
    on: dict[str, str | None]  # trainee (worker id) -> the contact they are on
    answered: int
    abandoned: int
    closed: int
    last: int  # index of the last moment at or before `at` (-1: none yet)


def state_at(debrief: Debrief, at: datetime) -> ReplayState:
    """The queue and the trainees at `at`, from the recorded moments up to it."""
    moments = debrief.timeline
    upto = bisect.bisect_right([m.at for m in moments], at)
    waiting: dict[str, None] = {}
    on: dict[str, str | None] = {t.worker_id: None for t in debrief.score.trainees}
    answered = abandoned = closed = 0
    for m in moments[:upto]:
        if m.kind == "arrived" and m.contact_id:
            waiting[m.contact_id] = None
        elif m.kind == "taken" and m.contact_id:
            waiting.pop(m.contact_id, None)
            answered += 1
            if m.worker_id:
                on[m.worker_id] = m.contact_id
        elif m.kind == "released" and m.contact_id:
            waiting[m.contact_id] = None
            answered -= 1
            if m.worker_id and on.get(m.worker_id) == m.contact_id:
                on[m.worker_id] = None
        elif m.kind == "abandoned" and m.contact_id:
            if waiting.pop(m.contact_id, 0) is None:
                abandoned += 1
        elif m.kind == "closed" and m.contact_id:
            closed += 1
            for worker, contact in on.items():
                if contact == m.contact_id:
                    on[worker] = None
    return ReplayState(at, tuple(waiting), on, answered, abandoned, closed, upto - 1)


SPEEDS = (1, 2, 5, 10, 30, 60, 120, 300, 600)


class Replay:
    """The shift played back from its moments: `tick(real_seconds)` moves simulated
    time on at the speed while playing; `step()` goes to the next moment. The screen
    ticks it from a timer; tests tick it by hand."""

    def __init__(self, debrief: Debrief, speed: int = 10) -> None:
        self.debrief = debrief
        self.at = debrief.start
        self.speed = speed
        self.playing = False
        self._times = [m.at for m in debrief.timeline]

    @property
    def end(self) -> datetime:
        last = self._times[-1] if self._times else self.debrief.start
        return max(self.debrief.end, last)

    def state(self) -> ReplayState:
        return state_at(self.debrief, self.at)

    def toggle(self) -> None:
        if not self.playing and self.at >= self.end:
            self.at = self.debrief.start  # played to the end: again from the start
        self.playing = not self.playing

    def faster(self) -> None:
        self.speed = next((s for s in SPEEDS if s > self.speed), SPEEDS[-1])

    def slower(self) -> None:
        self.speed = next((s for s in reversed(SPEEDS) if s < self.speed), SPEEDS[0])

    def rewind(self) -> None:
        self.at, self.playing = self.debrief.start, False

    def step(self) -> None:
        """To the next moment after now (several at the same time: past them all)."""
        after = bisect.bisect_right(self._times, self.at)
        self.at = self._times[after] if after < len(self._times) else self.end
        self.playing = False

    def tick(self, real_seconds: float) -> bool:
        """Move on while playing; True if the simulated time moved."""
        if not self.playing:
            return False
        self.at = min(self.end, self.at + timedelta(seconds=real_seconds * self.speed))
        if self.at >= self.end:
            self.playing = False
        return True


# -- texts shared by the screen and the files --------------------------------------


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def figure_text(name: str, value: float | None) -> str:
    return format_duration(value) if name == "asa" else percent(value)


def clock_text(at: datetime) -> str:
    return f"{local(at):%H.%M.%S}"


def verdict_mark(verdict: Verdict) -> str:
    return {True: "✓", False: "✗", None: ""}[verdict.met]


FIGURE_LABELS = {
    "asa": "fig.asa",
    "service_level": "fig.service_level",
    "abandonment": "fig.abandonment",
    "first_contact": "fig.fcr",
    "assessment": "fig.assessment",
}


def figure_rows(score: ShiftScore) -> list[list[str]]:
    """Who, answered, each figure (with ✓/✗ against its target), points: the target
    first, then the whole shift, then each trainee."""
    targets = {v.name: v.target for v in score.verdicts}
    rows = [[t("debrief.target"), "", *(figure_text(n, targets[n]) for n in FIGURE_LABELS), ""]]

    def row(who: str, figures: Figures, verdicts: Iterable[Verdict], points: str) -> list[str]:
        by_name = {v.name: v for v in verdicts}
        cells = []
        for name in FIGURE_LABELS:
            verdict = by_name.get(name)
            cells.append(
                "—"
                if verdict is None
                else f"{figure_text(name, verdict.value)}"
                f"{' ' + verdict_mark(verdict) if verdict_mark(verdict) else ''}"
            )
        return [who, str(figures.answered), *cells, points]

    rows.append(row(t("debrief.shift"), score.figures, score.verdicts,
                    f"{score.points}/{score.possible}"))  # fmt: skip
    for trainee in score.trainees:
        rows.append(row(trainee.name, trainee.figures, trainee.verdicts,
                        f"{trainee.points}/{trainee.possible}"))  # fmt: skip
    return rows


def figure_header(short: bool = False) -> list[str]:
    """The columns; `short` for the screen's 80 columns."""
    if short:
        names = [f"debrief.fig.{n}" for n in ("answered", *FIGURE_LABELS)]
        return [t("debrief.col.who"), *(t(k) for k in names), t("debrief.col.points")]
    return [t("debrief.col.who"), t("fig.answered"), *(t(k) for k in FIGURE_LABELS.values()),
            t("fig.points")]  # fmt: skip


def check_mark(check: Check) -> str:
    if check.met:
        return "✓"
    return "‼" if check.critical else "✗"


def moment_row(m: Moment, start: datetime) -> list[str]:
    return [clock_text(m.at), t(f"event.{m.kind}"), m.who, m.label, m.detail_text()]


# -- the files for the class --------------------------------------------------------


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; background: #fff; }
table { border-collapse: collapse; margin: 0 0 1.5em 0; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
tr.critical td { background: #fdd; font-weight: bold; }
tr.missed td { background: #ffe; }
"""


def _table(header: list[str], rows: Iterable[tuple[str, list[str]]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        (f'<tr class="{cls}">' if cls else "<tr>")
        + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells)
        + "</tr>"
        for cls, cells in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n"


def check_cells(check: Check, limit_first: bool = False) -> list[str]:
    """A check's row; `limit_first`: the expected action's time limit said before it
    (the screen folds a long one to its column and cuts its end, never the limit)."""
    expected = check.expected.text()
    if limit_first and check.expected.key == "score.expect.within":
        said = dict(check.expected.params)
        expected = f"{t('debrief.within_first', limit=str(said['limit']))} {said['what']}"
    return [check_mark(check), check.script_id, expected, check.actual.text(),
            f"{check.points}/{check.possible}"]  # fmt: skip


def check_header() -> list[str]:
    return ["", t("debrief.col.contact"), t("debrief.col.expected"), t("debrief.col.actual"),
            t("debrief.col.points")]  # fmt: skip


def timeline_header() -> list[str]:
    return [t("debrief.col.time"), t("debrief.col.event"), t("debrief.col.who"),
            t("debrief.col.contact"), t("debrief.col.detail")]  # fmt: skip


def summary_text(debrief: Debrief) -> str:
    score = debrief.score
    return t("debrief.summary", points=score.points, possible=score.possible,
             critical=len(score.critical_misses))  # fmt: skip


def shift_text(debrief: Debrief) -> str:
    start, end = local(debrief.start), local(debrief.end)
    return t("debrief.shift_of", shift=debrief.shift_id, start=f"{start:%d.%m.%Y %H.%M}",
             end=f"{end:%H.%M}")  # fmt: skip


def to_html(debrief: Debrief) -> str:
    """One page, no external assets: the styles inline, every text escaped."""
    e = html.escape
    score = debrief.score
    parts = [
        f'<!DOCTYPE html>\n<html lang="{get_language()}"><head><meta charset="utf-8">',
        f"<title>{e(t('title.debrief'))}: {e(debrief.scenario.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(t('title.debrief'))}: {e(debrief.scenario.title)}</h1>",
        f"<p>{e(shift_text(debrief))}</p><p><strong>{e(summary_text(debrief))}</strong></p>",
    ]
    if debrief.scenario.goals:
        goals = "".join(f"<li>{e(g)}</li>" for g in debrief.scenario.goals)
        parts.append(f"<h2>{e(t('debrief.goals'))}</h2><ul>{goals}</ul>")
    parts.append(f"<h2>{e(t('debrief.figures'))}</h2>")
    parts.append(_table(figure_header(), (("", r) for r in figure_rows(score))))
    parts.append(f"<h2>{e(t('debrief.expected'))}</h2>")

    def cls(check: Check) -> str:
        return "critical" if check.critical_miss else ("" if check.met else "missed")

    parts.append(_table(check_header(), ((cls(c), check_cells(c)) for c in score.checks)))
    for report in debrief.scripts:
        asked = ", ".join(report.facts_asked) or "—"
        parts.append(
            f"<p><strong>{e(report.script_id)}</strong> {e(clock_text(report.at))} · "
            f"{e(report.caller)}: “{e(report.opening)}” · "
            f"{e(t('event.fact_asked'))}: {e(asked)}</p>"
        )
    parts.append(f"<h2>{e(t('debrief.timeline'))}</h2>")
    parts.append(
        _table(timeline_header(), (("", moment_row(m, debrief.start)) for m in debrief.timeline))
    )
    parts.append("</body></html>\n")
    return "".join(parts)


def csv_rows(debrief: Debrief) -> list[list[object]]:
    """One file: the first column says the section (figures, expected, timeline)."""
    rows: list[list[object]] = [["section", "shift", debrief.shift_id, debrief.scenario.title]]
    rows.append(["figures", *figure_header()])
    rows += [["figures", *r] for r in figure_rows(debrief.score)]
    rows.append(["expected", *check_header()])
    rows += [["expected", *check_cells(c)] for c in debrief.score.checks]
    rows.append(["timeline", *timeline_header()])
    rows += [["timeline", *moment_row(m, debrief.start)] for m in debrief.timeline]
    return rows


def to_csv(debrief: Debrief) -> str:
    return csv_text(csv_rows(debrief))


def write_files(debrief: Debrief, html_path: Path | None, csv_path: Path | None) -> list[Path]:
    """The files for the class, readable by their owner only (exports.write_private)."""
    written = []
    if html_path is not None:
        write_private(html_path, to_html(debrief))
        written.append(html_path)
    if csv_path is not None:
        write_private(csv_path, to_csv(debrief))
        written.append(csv_path)
    return written
