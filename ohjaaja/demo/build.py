"""The demo database: the Varsinais-Suomi region, synthetic clients, a busy day.

Built once per file: a register of synthetic clients, eight weeks of contacts
before today (for the organiser's reports), today's contacts so far (answered and
closed by two colleagues, so the figures mean something; phone callers whose
patience ran out first abandoned) and a few still waiting. The app
then keeps contacts arriving with the simulator.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from ohjaaja.db.bulk import insert_rows
from ohjaaja.db.engine import connect, file_problem, transaction
from ohjaaja.db.ids import new_id, sequential_ids
from ohjaaja.db.migrate import migrate
from ohjaaja.db.reference import get_meta, is_demo, set_meta
from ohjaaja.db.text import fold
from ohjaaja.db.workers import ensure_worker
from ohjaaja.demo.catalogue import load_demo_catalogue
from ohjaaja.demo.simulator import Arrival, ArrivalSimulator
from ohjaaja.demo.synthetic import SyntheticClient, generate_clients
from ohjaaja.domain.clock import HELSINKI, Clock, local, to_iso
from ohjaaja.domain.queue import abandoned_event_id, default_priority, route_line
from ohjaaja.domain.reference import lines
from ohjaaja.domain.reference import reasons as reference_reasons
from ohjaaja.usecases.desk import (
    DeskFileError,
    DeskOpenError,
    check_mode,
    seed_reference,
)

DEMO_CLIENTS = 2000
STILL_WAITING = 9
# Weeks of closed contacts before today, for the reports (0: today only).
HISTORY_WEEKS = 8
FREQUENT_CALLERS = 20
# Outcome shares close to the KomPAssi pilot: 89 % helped at the first contact.
OUTCOME_WEIGHTS = {
    "resolved": 0.86,
    "assessment": 0.08,
    "handover": 0.03,
    "notification": 0.01,
    "no_action": 0.02,
}


def build_demo(
    path: str | Path,
    clock: Clock,
    clients: int = DEMO_CLIENTS,
    seed: int = 2026,
    training: bool = False,
    history: int = HISTORY_WEEKS,
) -> bool:
    """Create the demo database at `path` unless it is there; True if built now.
    Its mode (training or not) is fixed before anything else is written, and it is
    marked a demo: its synthetic work never syncs with client data
    (ohjaaja.sync.client). DeskModeError if the file is of the other mode;
    NotADemoError if it is a desk's database (synthetic clients never go among
    real ones); DeskFileError if it is empty or not a database."""
    problem = file_problem(path)
    if problem is not None:
        raise DeskFileError(problem)
    conn = connect(path)
    try:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        if tables.fetchone()[0] and not (_has_meta(conn) and is_demo(conn)):
            raise NotADemoError(
                f"{path} is a desk's database, not a demo's: the demo is built only in "
                "a new file or a demo's own"
            )
        migrate(conn)
        check_mode(conn, training, path)
        if get_meta(conn, "demo") is None:
            with transaction(conn):
                set_meta(conn, "demo", "1")
        built = get_meta(conn, "demo_built_at")
        if not built:
            with transaction(conn):
                seed_reference(conn)
        if not get_meta(conn, "demo_catalogue_at"):  # also into demos built before it existed
            with transaction(conn):
                load_demo_catalogue(conn, to_iso(clock.now()))
                set_meta(conn, "demo_catalogue_at", to_iso(clock.now()))
        if built:
            return False
        load_clients(conn, generate_clients(clients, seed=seed))
        phones = [row[0] for row in conn.execute("SELECT e164 FROM client_phone LIMIT 1500")]
        # A few clients call again and again (the frequent-contacters report).
        frequent = phones[:FREQUENT_CALLERS] * 10
        history_calls = ArrivalSimulator(seed=seed + 1, known_phones=phones + frequent)
        load_history(conn, clock, history_calls, history)
        load_today(conn, clock, ArrivalSimulator(seed=seed, known_phones=phones))
        if not get_meta(conn, "demo_handovers_at"):
            load_handovers(path, clock, training)
        with transaction(conn):
            set_meta(conn, "demo_built_at", to_iso(clock.now()))
            set_meta(conn, "demo_handovers_at", to_iso(clock.now()))
        return True
    finally:
        conn.close()


class NotADemoError(DeskOpenError):
    """A desk's database named as the demo's."""


def _has_meta(conn: sqlite3.Connection) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
    return found.fetchone() is not None


def load_handovers(path: str | Path, clock: Clock, training: bool = False) -> None:
    """A colleague's handovers to Turku's teams (one overdue, one warm), an Elderly
    Services Act notification, and the night shift's handover to acknowledge."""
    from datetime import timedelta

    from ohjaaja.usecases.desk import Desk
    from ohjaaja.usecases.handovers import HandoverForm

    colleague = Desk(path, clock, "Virtanen Liisa", training=training)
    try:
        someone = colleague.conn.execute(
            "SELECT id, last_name || ' ' || first_names FROM client WHERE municipality_code = "
            "'853' ORDER BY id LIMIT 3"
        ).fetchall()
        now = clock.now()
        wanted = [
            (
                "assessment:853",
                "Kotihoidon tarpeen arvio, kaatuillut kotona",
                "same_day",
                -1,
                False,
            ),
            ("home_care:853", "Kotihoito aloitettava kotiutuessa", "normal", 30, True),
            ("emergency", "Yöksi: asiakas ilman ruokaa, soita illalla", "immediate", 3, False),
        ]
        for (client_id, _), (team, note, urgency, hours, warm) in zip(
            someone, wanted, strict=False
        ):
            colleague.handovers.create_handover(
                HandoverForm(
                    client_id=client_id, to_team=team, note=note, urgency=urgency, warm=warm,
                    situation=note, due_at=now + timedelta(hours=hours),
                )
            )  # fmt: skip
        if someone:
            colleague.handovers.create_notification(
                "elderly_services",
                {"subject": someone[0][1], "concern": "Naapuri huolissaan, ei ole nähty ulkona",
                 "observed": ["food", "cannot_cope"]},
                None, someone[0][0], "853",
            )  # fmt: skip
        colleague.handovers.hand_over_shift(
            "Yöllä kaksi päivystyskäyntiä, molemmat hoidettu; yksi siirto odottaa."
        )
    finally:
        colleague.close()


def load_clients(
    conn: sqlite3.Connection, people: Iterator[SyntheticClient], seed: int = 2026
) -> int:
    """Bulk-load a synthetic register (client, client_phone, relative).

    Ids are v7 with a counter from one fixed instant: the same register gets the
    same ids every time, and ascending keys load several times faster.
    """
    now = "2026-01-01T00:00:00.000000Z"
    ids = sequential_ids(1_767_225_600_000 + seed)  # 2026-01-01 UTC, per seed

    def new_id() -> str:
        return next(ids)

    client_rows: list[dict[str, Any]] = []
    phone_rows: list[dict[str, Any]] = []
    relative_rows: list[dict[str, Any]] = []
    for person in people:
        client_id = new_id()
        stamp = {"created_at": now, "updated_at": now}
        client_rows.append(
            {
                "id": client_id,
                "hetu": person.hetu,
                "hetu_temporary": int(person.temporary),
                "birth_date": person.birth_date.isoformat(),
                "last_name": person.last_name,
                "first_names": person.first_names,
                "search_name": fold(f"{person.last_name} {person.first_names}"),
                "language": person.language,
                "municipality_code": person.municipality_code,
                **stamp,
            }
        )
        for e164 in person.phones:
            kind = "landline" if e164.startswith("+3582") else "mobile"
            phone_rows.append(
                {"id": new_id(), "client_id": client_id, "e164": e164, "kind": kind, **stamp}
            )
        for relative in person.relatives:
            relative_rows.append(
                {
                    "id": new_id(),
                    "client_id": client_id,
                    "name": relative.name,
                    "relation": relative.relation,
                    "phone_e164": relative.phone,
                    **stamp,
                }
            )
    insert_rows(conn, "client", client_rows)
    insert_rows(conn, "client_phone", phone_rows)
    insert_rows(conn, "relative", relative_rows)
    return len(client_rows)


def load_today(conn: sqlite3.Connection, clock: Clock, simulator: ArrivalSimulator) -> None:
    """Today's contacts from 07:00 (or the last six hours at night) until now; the
    last STILL_WAITING of them still wait."""
    now = clock.now()
    start = _today_from(now)
    arrivals = simulator.between(start, now)
    colleagues = _colleagues(conn, start)
    rows, events = _played(conn, arrivals, now, colleagues, random.Random(11), STILL_WAITING)
    insert_rows(conn, "contact", rows)
    insert_rows(conn, "contact_event", events)


def load_history(
    conn: sqlite3.Connection, clock: Clock, simulator: ArrivalSimulator, weeks: int
) -> int:
    """The `weeks` before today's contacts, every one answered and closed or given up,
    so the organiser's reports have months and weekdays to show; callers on a known
    number are linked to the client (the frequent-contacters report). The number of
    contacts made."""
    if weeks <= 0:
        return 0
    now = clock.now()
    end = _today_from(now)
    arrivals = simulator.between(end - timedelta(weeks=weeks), end)
    colleagues = _colleagues(conn, end - timedelta(weeks=weeks))
    rows, events = _played(conn, arrivals, end, colleagues, random.Random(12), 0)
    insert_rows(conn, "contact", rows)
    insert_rows(conn, "contact_event", events)
    return len(rows)


def _today_from(now: datetime) -> datetime:
    opening = datetime.combine(local(now).date(), time(7, 0), tzinfo=HELSINKI)
    return opening if opening < now - timedelta(hours=1) else now - timedelta(hours=6)


def _colleagues(conn: sqlite3.Connection, since: datetime) -> list[str]:
    with transaction(conn):
        return [
            ensure_worker(conn, name, ["guidance"], to_iso(since))
            for name in ("Kollega Laine", "Kollega Sjöberg")
        ]


def _played(
    conn: sqlite3.Connection,
    arrivals: list[Arrival],
    now: datetime,
    colleagues: list[str],
    rng: random.Random,
    still_waiting: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Contact rows and their events for `arrivals` as two colleagues answered them by
    `now`: a phone caller whose patience ran out before the answer gave up; the
    last `still_waiting` whose caller is still there (at night the last ones came
    over hours: a caller from then has hung up) are left waiting; one still in hand
    at `now` is closed by then. A closed contact from a client's known number is
    that client's, with a reason of its line."""
    hours = {code: line.hours for code, line in lines().items()}
    reasons = {code: list(found) for code, found in reference_reasons().items()}
    by_phone = dict(conn.execute("SELECT e164, client_id FROM client_phone"))
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    waiting: set[int] = set()
    for index in reversed(range(len(arrivals))):
        if len(waiting) == still_waiting:
            break
        patience = arrivals[index].patience
        if patience is None or arrivals[index].received_at + patience >= now:
            waiting.add(index)
    for index, arrival in enumerate(arrivals):
        routed = route_line(arrival.line, arrival.received_at, hours)
        row: dict[str, Any] = {
            "id": new_id(),
            "channel": arrival.channel,
            "line_code": routed,
            "original_line_code": arrival.line if routed != arrival.line else None,
            "municipality_code": arrival.municipality_code,
            "language": arrival.language,
            "caller_phone": arrival.caller_phone,
            "priority": default_priority(arrival.channel, routed),
            "status": "waiting",
            "reasons": "[]",
            "received_at": to_iso(arrival.received_at),
            "created_at": to_iso(arrival.received_at),
            "updated_at": to_iso(arrival.received_at),
        }
        taken = arrival.received_at + timedelta(seconds=rng.expovariate(1 / 40))
        closed = taken + timedelta(seconds=rng.expovariate(1 / 360))
        gave_up = arrival.received_at + arrival.patience if arrival.patience else None
        if index not in waiting and gave_up and gave_up < min(taken, now):
            # The caller hung up before a colleague answered (the simulator's patience).
            row.update(status="abandoned", updated_at=to_iso(gave_up))
            events.append({"id": abandoned_event_id(row["id"]), "contact_id": row["id"],
                           "kind": "abandoned", "at": to_iso(gave_up)})  # fmt: skip
        elif index not in waiting:
            # Answered and closed; one still in hand at `now` is closed by then.
            closed = min(closed, now)
            taken = min(taken, closed)
            outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
            caller_kind = rng.choice(("client", "client", "relative", "professional"))
            client_id = by_phone.get(arrival.caller_phone or "")
            row.update(
                status="closed",
                taken_at=to_iso(taken),
                closed_at=to_iso(closed),
                taken_by=rng.choice(colleagues),
                caller_kind=caller_kind,
                client_id=client_id if caller_kind == "client" else None,
                reasons=json.dumps([rng.choice(reasons[routed])] if reasons.get(routed) else []),
                outcome=outcome,
                updated_at=to_iso(closed),
            )
        rows.append(row)
    return rows, events
