"""The debrief of a big shift: 2,000 contacts worked by 10 trainees (an 8-hour day
of all lines at the region's volume), 20 of them scripted. Times the score, the
whole debrief and writing its HTML and CSV, beside the floor: one plain query
reading the shift's contacts. Run: `python3 dev.py bench debrief`."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from ohjaaja.domain.clock import to_iso
from ohjaaja.training.debrief import build_debrief, write_files
from ohjaaja.training.scenario import Expect, ScriptedContact
from ohjaaja.training.scoring import score_shift
from tests.bench import sized
from tests.training.shift_state import START, ShiftState, scenario

CONTACTS, TRAINEES, SCRIPTS = sized("DEBRIEF_CONTACTS", 2_000), 10, 20
RUNS = sized("DEBRIEF_RUNS", 5)
LINES = ("ikaihmiset", "lapsiperheet", "tyoikaiset", "mipa", "sosiaalipaivystys")


def build(path: Path) -> ShiftState:
    base = scenario()
    elli = base.scripts[0]
    scripts = tuple(
        ScriptedContact(
            id=f"s{i:02d}", at=timedelta(minutes=20 * i + 3), channel="phone", line="ikaihmiset",
            municipality="853", language="fi", caller=elli.caller, opening="…",
            expect=(*elli.expect, Expect("outcome", outcome="resolved")),
        )
        for i in range(SCRIPTS)
    )  # fmt: skip
    state = ShiftState(path, base.__class__(**{**base.__dict__, "scripts": scripts}))
    trainees = [state.desk(f"Harjoittelija {n}") for n in range(TRAINEES)]
    # The scripted contacts through the use cases, every kind of action on them.
    for i, script in enumerate(scripts):
        contact = state.arrive(script.at, script.id)
        desk = trainees[i % TRAINEES]
        state.take(desk.worker_name, contact, script.at + timedelta(seconds=15 + i))
        state.at(script.at + timedelta(minutes=1))
        desk.contacts.attach_client(contact, state.elli_id)
        desk.catalogue.offer_service(contact, state.service("ikaihmiset", "home"), "fi")
        if i % 2:
            fields = {"subject": "Elli", "observed": ["food"], "concern": "Ei syö."}
            desk.handovers.create_notification(
                "elderly_services", fields, contact, state.elli_id, "853"
            )
        outcome = "notification" if i % 2 else "resolved"
        closed = script.at + timedelta(minutes=3)
        state.close(desk.worker_name, contact, closed, outcome, ("muisti",), state.elli_id)
    # The rest in bulk, as they would be after a day: taken, closed, some abandoned.
    workers = [d.worker_id for d in trainees]
    contacts, events, shift_contacts, shift_events = [], [], [], []
    outcomes = ("resolved",) * 8 + ("assessment", "handover")
    for n in range(CONTACTS - SCRIPTS):
        received = START + timedelta(seconds=14.4 * n)
        cid = f"bench-{n:05d}"
        gone = n % 25 == 0
        taken = received + timedelta(seconds=5 + (n * 7) % 90)
        closed = taken + timedelta(minutes=3 + n % 5)
        worker = workers[n % TRAINEES]
        contacts.append({
            "id": cid, "channel": "phone", "line_code": LINES[n % 5],
            "municipality_code": "853", "language": "fi", "priority": 3,
            "status": "abandoned" if gone else "closed", "received_at": to_iso(received),
            "taken_at": None if gone else to_iso(taken),
            "closed_at": None if gone else to_iso(closed),
            "taken_by": None if gone else worker, "caller_kind": "client",
            "reasons": "[]", "outcome": None if gone else outcomes[n % 10],
            "is_training": 1, "created_at": to_iso(received), "updated_at": to_iso(closed),
        })  # fmt: skip
        shift_contacts.append((cid, state.shift_id, None, "tausta", 180.0, 1))
        shift_events.append((f"a-{cid}", state.shift_id, to_iso(received), "arrived", cid))
        if gone:
            shift_events.append((f"g-{cid}", state.shift_id, to_iso(received + timedelta(
                minutes=3)), "abandoned", cid))  # fmt: skip
            continue
        events.append((f"t-{cid}", cid, "taken", to_iso(taken), worker, "{}"))
        events.append((f"c-{cid}", cid, "closed", to_iso(closed), worker,
                       json.dumps({"outcome": outcomes[n % 10]})))  # fmt: skip
    with state.trainer.writing() as conn:
        columns = list(contacts[0])
        conn.executemany(
            f"INSERT INTO contact ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})",
            contacts,
        )
        conn.executemany(
            "INSERT INTO contact_event (id, contact_id, kind, at, worker_id, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            events,
        )
        conn.executemany(
            "INSERT INTO training_contact (contact_id, shift_id, script_id, stream, patience_s, "
            "attempt) VALUES (?, ?, ?, ?, ?, ?)",
            shift_contacts,
        )
        conn.executemany(
            "INSERT INTO training_event (id, shift_id, at, kind, contact_id) "
            "VALUES (?, ?, ?, ?, ?)",
            shift_events,
        )
    state.end(timedelta(hours=8))
    return state


def median_ms(work: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        state = build(folder / "shift.sqlite")
        print(f"a shift of {CONTACTS:,} contacts, {TRAINEES} trainees, {SCRIPTS} scripted: "
              f"built in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        conn = state.trainer.conn
        floor = median_ms(lambda: conn.execute(
            "SELECT c.* FROM training_contact AS tc JOIN contact AS c ON c.id = tc.contact_id "
            "WHERE tc.shift_id = ?", (state.shift_id,)).fetchall())  # fmt: skip
        scored = median_ms(lambda: score_shift(state.trainer, state.scenario, state.shift_id))
        debrief = build_debrief(state.trainer, state.scenario, state.shift_id)
        built = median_ms(lambda: build_debrief(state.trainer, state.scenario, state.shift_id))
        files = median_ms(lambda: write_files(debrief, folder / "d.html", folder / "d.csv"))
        size = (folder / "d.html").stat().st_size + (folder / "d.csv").stat().st_size
        print(f"median of {RUNS} runs:")
        print(f"  floor: one query reading the shift's contacts : {floor:7.1f} ms")
        print(f"  score_shift (figures and expected actions)   : {scored:7.1f} ms"
              f"   ratio {scored / floor:5.1f}x")  # fmt: skip
        print(f"  build_debrief (score, timeline, scripts)     : {built:7.1f} ms"
              f"   ratio {built / floor:5.1f}x")  # fmt: skip
        label = f"HTML and CSV written ({size / 1024:.0f} KiB)"
        print(f"  {label:46}: {files:7.1f} ms"
              f"   ratio {files / floor:5.1f}x")  # fmt: skip
        print(f"  timeline: {len(debrief.timeline):,} moments; score "
              f"{debrief.score.points}/{debrief.score.possible}")  # fmt: skip
        state.close_all()


if __name__ == "__main__":
    main()
