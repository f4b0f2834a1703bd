"""A randomized adversary-and-fault run of sync: several desks and two server
processes on one store doing random work while a hostile desk pushes what it
must not, servers are killed and restarted (and once, perhaps, restored from a
backup), and desks are killed in the middle of a sync round.

At the end the network heals, every desk syncs until quiet, and the invariants
are checked:
- 0 lost: every honest mutation is answered, and every contact made anywhere is
  on the server; a refusal is only ever a lost race (never 'invalid',
  'forbidden', 'too_large' for an honest desk);
- 0 applied twice: a row's version on the server is the number of applied
  writes the desks were told about (when no restore happened);
- 0 double claims: no contact is held by two desks at once;
- every desk equal to the server: each row the server has is on every desk, the
  same; each row a desk made is on the server;
- no desk stuck: nothing left to send after healing;
- quarantine only for hostile rows (the server refuses those, so: none).

`run(seed, ...)` is used by tests/sync/test_chaos.py (fixed seeds, in CI) and by
`python3 dev.py bench chaos --runs N` (many seeds).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from ohjaaja.db.ids import worker_id
from ohjaaja.db.server.journal import Journal
from ohjaaja.db.server.store import Store
from ohjaaja.db.server.tables import row_state
from sqlalchemy import select

from ohjaaja.domain.clock import FixedClock, to_iso
from ohjaaja.sync.client import SyncClient
from ohjaaja.sync.rows import TABLES, desk_row
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import HandoverForm
from tests.sync.conftest import Server, push_body, start_server, stop

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday morning
# Races an honest desk loses: a contact another worker took or already closed (a
# desk that claimed and closed it offline finds it closed by the winner), a code
# registered first elsewhere, a handover moved or a shift acknowledged first.
HONEST_REFUSALS = {
    "taken", "not_yours", "closed", "hetu_taken", "acknowledged", "handover.illegal",
    "handover.not_yours", "handover.not_addressed", "own_shift",
}  # fmt: skip
# Desk-local history that never travels: events of taking, releasing, closing.
LOCAL_EVENT_KINDS = ("received", "logged", "taken", "released", "identified", "closed",
                     "callback_scheduled")  # fmt: skip


@dataclass
class Outcome:
    seed: int
    steps: int
    violations: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


@dataclass
class DeskSite:
    name: str
    worker: str
    path: Path
    token: str
    desk: Desk
    offline_until: int = 0
    backup_step: int = 0

    def client(self, url: str, clock: FixedClock) -> SyncClient:
        return SyncClient(self.path, url, self.token, clock)


class World:
    """The store, two server processes, the desks, an integration and a hostile desk."""

    def __init__(self, workdir: Path, store_args: list[str], seed: int, desks: int) -> None:
        self.workdir = workdir
        self.store_args = store_args
        self.rng = random.Random(seed)
        self.clock = FixedClock(START)
        self.servers: list[Server | None] = [start_server(store_args), start_server(store_args)]
        self.restored = False
        self.backup: Path | None = None
        # Contacts the phone system posted after the backup that no desk had pulled
        # when the store was lost: they are gone with it (nobody holds them).
        self.lost_with_store: set[str] = set()
        self.desk_restored = False  # a desk's own records of what was applied go back too
        admin = self._admin()
        at = to_iso(START)
        self.sites: list[DeskSite] = []
        for n in range(desks):
            worker = f"w{n}"
            teams = ["emergency"] if n % 2 == 0 else []
            admin.add_worker(worker, ["guidance"], teams, at)
            token = admin.create_token(f"desk-{n}", "desk", at, [worker])
            path = workdir / f"desk-{n}.sqlite"
            desk = Desk(path, self.clock, worker, teams=tuple(teams))
            self.sites.append(DeskSite(f"desk-{n}", worker, path, token, desk))
        admin.add_worker("intruder", ["guidance"], [], at)
        self.hostile_token = admin.create_token("hostile", "desk", at, ["intruder"])
        self.intake_token = admin.create_token("pbx", "integration", at)
        admin.close()
        self.hostile_seq = 0
        self.hostile_applied: list[str] = []
        self.server_errors = 0
        self.intake_ids: set[str] = set()
        self.hetus = [_hetu(n) for n in range(6)]  # few codes: desks register the same people

    def _admin(self) -> Store:
        if self.store_args[0] == "--database":
            path = Path(self.store_args[1])
            return Store(f"sqlite:///{path}", journal=Journal(f"{path}.admin-log"))
        return Store(self.store_args[1], journal=Journal(self.workdir / "admin.log"))

    def live_server(self) -> Server | None:
        live = [s for s in self.servers if s is not None]
        return self.rng.choice(live) if live else None

    # -- faults ------------------------------------------------------------
    def kill_server(self) -> None:
        index = self.rng.randrange(2)
        server = self.servers[index]
        if server is not None:
            server.process.kill()
            server.process.wait()
            self.servers[index] = None

    def start_servers(self) -> None:
        for index, server in enumerate(self.servers):
            if server is None:
                self.servers[index] = start_server(self.store_args)

    def take_backup(self) -> None:
        if self.store_args[0] != "--database" or self.backup is not None:
            return
        self.backup = self.workdir / "server-backup.sqlite"
        source = Path(self.store_args[1])
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(self.backup)) as to:
            live.backup(to)

    def restore_backup(self) -> None:
        """The store's disk fails; last backup restored; `new-epoch`, as the README says."""
        if self.backup is None or self.restored:
            return
        for server in self.servers:
            if server is not None:
                stop(server)
        self.servers = [None, None]
        held = {cid for site in self.sites for (cid,) in site.desk.conn.execute(
            "SELECT id FROM contact")}  # fmt: skip
        with closing(sqlite3.connect(self.backup)) as copy:
            kept = {r[0] for r in copy.execute("SELECT id FROM row_state WHERE tbl = 'contact'")}
        self.lost_with_store = self.intake_ids - held - kept
        store = Path(self.store_args[1])
        for suffix in ("-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.backup, store)
        admin = self._admin()
        admin.new_epoch()
        admin.close()
        self.restored = True
        self.start_servers()

    def restore_desk(self, site: DeskSite, step: int) -> int:
        """A desk's disk fails and an older copy of its file comes back (the first call
        takes the copy, a call 15 steps or more later restores it): its numbering
        starts again, over numbers the server has seen."""
        copy = self.workdir / f"{site.name}-backup.sqlite"
        if not copy.exists():
            with closing(sqlite3.connect(site.path)) as live, closing(sqlite3.connect(copy)) as to:
                live.backup(to)
            site.backup_step = step
            return 0
        if step - site.backup_step < 15:
            return 0
        before = {cid for (cid,) in site.desk.conn.execute("SELECT id FROM contact")}
        site.desk.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{site.path}{suffix}").unlink(missing_ok=True)
        shutil.copy(copy, site.path)
        copy.unlink()
        site.desk = Desk(site.path, self.clock, site.worker, teams=site.desk.teams)
        self.desk_restored = True
        # An intake contact only this desk held, after a server restore lost it, goes
        # with this desk's disk too: two failures, nothing left to give it back.
        after = {cid for (cid,) in site.desk.conn.execute("SELECT id FROM contact")}
        others = {cid for other in self.sites if other is not site
                  for (cid,) in other.desk.conn.execute("SELECT id FROM contact")}  # fmt: skip
        gone = (before - after - others) & self.intake_ids
        if gone:
            store = self._admin()
            with store.engine.connect() as db:
                on_server = {i for (i,) in db.execute(
                    select(row_state.c.id).where(row_state.c.tbl == "contact"))}  # fmt: skip
            store.close()
            self.lost_with_store |= gone - on_server
        return 1

    def close(self) -> None:
        for server in self.servers:
            if server is not None:
                stop(server)
        for site in self.sites:
            site.desk.close()


def run(
    seed: int, store_args: list[str], workdir: Path, steps: int = 120, desks: int = 4
) -> Outcome:
    started = time.perf_counter()
    world = World(workdir, store_args, seed, desks)
    outcome = Outcome(seed, steps)
    try:
        for step in range(steps):
            world.clock.advance(seconds=world.rng.randint(1, 90))
            _act(world, step, outcome)
        world.start_servers()
        _heal(world, outcome)
        _check(world, outcome)
    finally:
        world.close()
    outcome.seconds = time.perf_counter() - started
    return outcome


# -- random work ---------------------------------------------------------------
def _act(world: World, step: int, outcome: Outcome) -> None:
    rng = world.rng
    roll = rng.random()
    site = rng.choice(world.sites)
    if roll < 0.04:
        outcome.counts["server killed"] += 1
        world.kill_server()
    elif roll < 0.10:
        world.start_servers()
    elif roll < 0.12 and step > 10:
        world.take_backup()
    elif roll < 0.13 and step > 40:
        outcome.counts["server restored"] += int(not world.restored and world.backup is not None)
        world.restore_backup()
    elif roll < 0.15:
        outcome.counts["desk restored from its backup"] += world.restore_desk(site, step)
    elif roll < 0.17:
        outcome.counts["desk offline"] += 1
        site.offline_until = step + rng.randint(5, 40)
    elif roll < 0.21:
        outcome.counts["desk killed mid-sync"] += _kill_mid_sync(world, site)
    elif roll < 0.30:
        outcome.counts["hostile pushes"] += _hostile(world)
    elif roll < 0.38:
        _intake(world)
    elif roll < 0.55:
        if step >= site.offline_until:
            _sync(world, site, outcome)
    else:
        _desk_work(world, site, outcome)


def _desk_work(world: World, site: DeskSite, outcome: Outcome) -> None:
    rng, desk = world.rng, site.desk
    roll = rng.random()
    mine = desk.contacts.my_open_contacts()
    if roll < 0.15:
        desk.contacts.receive(
            rng.choice(["phone", "chat", "email"]), rng.choice(["mipa", "ikaihmiset"]), "853"
        )
    elif roll < 0.40 or not mine:
        if desk.contacts.take_next() is not None:
            outcome.counts["claims"] += 1
    elif roll < 0.60:
        note = f"{site.worker}: {rng.choice(['neuvottu', 'ohjattu', 'soitetaan'])}" * rng.randint(
            1, 20
        )
        desk.contacts.close_contact(mine[0].id, note, ContactForm("client", None, [], "resolved"))
    elif roll < 0.68:
        desk.contacts.release(mine[0].id)
    elif roll < 0.74:
        at = world.clock.now() + timedelta(minutes=rng.randint(0, 5))
        desk.handovers.schedule_callback(mine[0].id, at, missed=rng.random() < 0.5)
    elif roll < 0.84:
        saved = desk.clients.create_client({
            "last_name": "Testi", "first_names": rng.choice(["Aino", "Eino"]),
            "hetu": rng.choice(world.hetus), "municipality_code": "853",
        })  # fmt: skip
        if saved.client_id and mine:
            desk.contacts.attach_client(mine[0].id, saved.client_id)
    elif roll < 0.92:
        made, _ = desk.handovers.create_handover(
            HandoverForm(to_team="emergency", note=f"{site.worker} siirtää")
        )
        outcome.counts["handovers"] += made is not None
    else:
        for view in desk.handovers.inbox()[:1]:
            action = rng.choice(["accept", "accept", "complete", "return"])
            desk.handovers.move_handover(view.id, action, reason="ei meille")


def _sync(world: World, site: DeskSite, outcome: Outcome) -> None:
    server = world.live_server()
    if server is None:
        return
    client = site.client(server.url, world.clock)
    try:
        report = client.sync_once()
        outcome.counts["sync rounds"] += 1
        outcome.counts["lost claims"] += len(report.lost_claims)
        outcome.counts["merged clients"] += len(report.merged_clients)
        outcome.counts["new incarnations"] += report.new_incarnation
    except (httpx.HTTPError, OSError):
        outcome.counts["sync failed (server down)"] += 1
    except Exception as exc:  # a sync error an honest desk should never meet
        if "SyncError" not in type(exc).__name__:
            raise
        outcome.counts["sync refused"] += 1
    finally:
        client.close()


def _kill_mid_sync(world: World, site: DeskSite) -> int:
    server = world.live_server()
    if server is None:
        return 0
    process = subprocess.Popen(
        [sys.executable, "-m", "ohjaaja.shell.cli", "sync", "--once", "--database", str(site.path),
         "--server", server.url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "OHJAAJA_TOKEN": site.token},
    )  # fmt: skip
    time.sleep(world.rng.uniform(0.05, 0.6))  # a random point of its round: a fault, not a wait
    process.kill()
    process.wait()
    return 1


def _intake(world: World) -> None:
    server = world.live_server()
    if server is None:
        return
    body = {"channel": "phone", "line": world.rng.choice(["mipa", "sosiaalipaivystys"]),
            "municipality_code": "853"}  # fmt: skip
    with suppress(httpx.HTTPError):
        answer = httpx.post(f"{server.url}/v1/contacts", json=body, timeout=10,
                            headers={"Authorization": f"Bearer {world.intake_token}"})  # fmt: skip
        if answer.status_code == 201:
            world.intake_ids.add(answer.json()["id"])


def _hostile(world: World) -> int:
    """Pushes that must all be refused: acting for another worker, malformed rows,
    another desk's rows, append-only ids again, catalogue edits or hanging up a caller
    in another worker's name."""
    server = world.live_server()
    if server is None:
        return 0
    target = world.rng.choice(world.sites)
    rows = target.desk.conn.execute("SELECT id FROM contact ORDER BY random() LIMIT 1").fetchall()
    contact_id = rows[0][0] if rows else "none"
    events = target.desk.conn.execute(  # events the server has (a desk pulled them)
        "SELECT id FROM contact_event WHERE kind IN ('note', 'callback_missed') "
        "AND id IN (SELECT id FROM sync_row WHERE tbl = 'contact_event') LIMIT 1"
    ).fetchall()
    event_id = events[0][0] if events else "none"
    at = to_iso(world.clock.now())
    victim = worker_id(target.worker)
    choices: list[tuple[str, str, dict[str, Any]]] = [
        (target.worker, "contact.release", {"id": contact_id, "worker_id": victim}),
        ("intruder", "contact.close", {"id": contact_id, "worker_id": victim, "status": "closed",
                                       "closed_at": at, "note": "x"}),
        ("intruder", "audit.append", {"id": f"a{world.rng.random()}", "at": at,
                                      "worker_id": victim, "action": "view"}),
        ("intruder", "contact.receive", {"id": f"h{world.rng.random()}", "channel": "phone",
                                         "line_code": "mipa", "status": "closed",
                                         "received_at": at, "created_at": at, "updated_at": at}),
        ("intruder", "contact.receive", {"id": f"h{world.rng.random()}", "channel": "phone",
                                         "line_code": "mipa", "received_at": "yesterday",
                                         "created_at": at, "updated_at": at}),
        ("intruder", "contact.note", {"id": event_id, "contact_id": contact_id,
                                      "worker_id": worker_id("intruder"), "at": at,
                                      "text": "over another's event"}),
        ("intruder", "contact.abandon", {"id": contact_id, "worker_id": victim,
                                         "at": at}),  # a caller hung up, in another's name
        ("intruder", "catalogue.put", {"worker_id": worker_id("intruder"), "rows": {
            "organization": [{"id": "evil", "name": '{"fi": "x"}', "created_at": at,
                              "updated_at": at}]}}),
    ]  # fmt: skip
    if not events:  # a note under a new id is anyone's right; only a reused id is hostile
        choices = [c for c in choices if c[1] != "contact.note"]
    worker, name, args = world.rng.choice(choices)
    world.hostile_seq += 1
    body = push_body("hostile", [{"seq": world.hostile_seq, "mutation_id": f"x{world.rng.random()}",
                                  "name": name, "worker": worker, "args": args}])  # fmt: skip
    with suppress(httpx.HTTPError):
        answer = httpx.post(f"{server.url}/v1/push", json=body, timeout=10,
                            headers={"Authorization": f"Bearer {world.hostile_token}"})  # fmt: skip
        if answer.status_code == 200:
            for result in answer.json()["results"]:
                if result["status"] == "applied":
                    world.hostile_applied.append(name)
        elif answer.status_code >= 500:
            world.server_errors += 1
    return 1


# -- the end -------------------------------------------------------------------
def _heal(world: World, outcome: Outcome) -> None:
    """The network is back: every desk syncs until nothing moves."""
    for _ in range(4):
        for site in world.sites:
            site.offline_until = 0
            _sync(world, site, outcome)


def _check(world: World, outcome: Outcome) -> None:
    bad = outcome.violations
    if world.hostile_applied:
        bad.append(f"hostile mutations applied: {world.hostile_applied}")
    if world.server_errors:
        bad.append(f"{world.server_errors} server error(s) (5xx)")
    server = world.live_server()
    assert server is not None
    changes = _all_changes(server, world.sites[0].token)
    on_server = {(c["table"], c["id"]): c for c in changes}
    store = world._admin()  # audit rows go up and are never pulled: read where they are
    with store.engine.connect() as db:
        audits = {("audit", i) for (i,) in db.execute(
            select(row_state.c.id).where(row_state.c.tbl == "audit"))}  # fmt: skip
    store.close()
    applied_writes: Counter[tuple[str, str]] = Counter()
    for site in world.sites:
        conn = site.desk.conn
        pending = conn.execute("SELECT count(*) FROM outbox WHERE acked_at IS NULL").fetchone()[0]
        if pending:
            bad.append(f"{site.name}: {pending} mutation(s) never answered (stuck)")
        for name, status, result in conn.execute("SELECT name, status, result FROM outbox"):
            answer = json.loads(result or "{}")
            if status == "rejected" and answer.get("reason") not in HONEST_REFUSALS:
                bad.append(f"{site.name}: honest {name} refused: {answer}")
            for table, row_id, *_ in answer.get("rows", []) if status == "applied" else []:
                applied_writes[(table, row_id)] += 1
        quarantined = conn.execute("SELECT count(*) FROM sync_quarantine").fetchone()[0]
        if quarantined:
            bad.append(f"{site.name}: {quarantined} row(s) in quarantine")
        _compare(site, conn, on_server, audits, bad)
    made = {cid for site in world.sites
            for (cid,) in site.desk.conn.execute("SELECT id FROM contact")}  # fmt: skip
    outcome.counts["intake lost with the store"] = len(world.lost_with_store)
    expected = made | (world.intake_ids - world.lost_with_store)
    missing = expected - {i for (t, i) in on_server if t == "contact"}
    if missing:
        bad.append(f"{len(missing)} contact(s) lost: {sorted(missing)[:3]}")
    if not world.restored and not world.desk_restored:
        for (table, row_id), change in on_server.items():
            if table not in ("contact", "handover", "client"):
                continue
            writes = applied_writes[(table, row_id)] + (row_id in world.intake_ids)
            if change["version"] != writes:
                bad.append(f"{table} {row_id}: version {change['version']}, {writes} write(s)")
    holders: Counter[str] = Counter()
    for site in world.sites:
        for (cid,) in site.desk.conn.execute(
            "SELECT id FROM contact WHERE status = 'taken' AND taken_by = ? "
            "AND coalesce(claim_state, '') != 'lost'", (site.desk.worker_id,)
        ):  # fmt: skip
            holders[cid] += 1
    bad += [f"contact {cid} held by {n} desks" for cid, n in holders.items() if n > 1]
    outcome.counts["rows on the server"] = len(on_server)


def _compare(
    site: DeskSite, conn: sqlite3.Connection, on_server: dict, audits: set, bad: list[str]
) -> None:
    conn.row_factory = sqlite3.Row
    for (table, row_id), change in on_server.items():
        row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            bad.append(f"{site.name}: missing {table} {row_id}")
        elif table != "worker" and desk_row(table, row) != change["data"]:
            bad.append(f"{site.name}: {table} {row_id} differs from the server")
    merged = {r[0] for r in conn.execute("SELECT from_id FROM client_merge")}
    known = on_server.keys() | audits
    for table in TABLES:
        for (row_id,) in conn.execute(_made_here(table)):
            if (table, row_id) not in known and row_id not in merged:
                bad.append(f"{site.name}: its {table} {row_id} never reached the server")


def _made_here(table: str) -> str:
    if table == "contact_event":
        kinds = ", ".join(f"'{k}'" for k in LOCAL_EVENT_KINDS)
        return f"SELECT id FROM contact_event WHERE kind NOT IN ({kinds})"
    return f"SELECT id FROM {table}"


def _all_changes(server: Server, token: str) -> list[dict[str, Any]]:
    found, cursor = [], 0
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        while True:
            page = http.get("/v1/changes", params={"cursor": cursor, "limit": 5000}).json()
            found += page["changes"]
            if page["next_cursor"] >= page["head"]:
                return found
            cursor = page["next_cursor"]


def _hetu(n: int) -> str:
    from datetime import date

    from ohjaaja.domain.identity import CHECK_CHARS

    born = date(1940, 3, 1) + timedelta(days=97 * n)
    digits = f"{born:%d%m%y}{300 + n:03d}"
    return f"{born:%d%m%y}-{300 + n:03d}{CHECK_CHARS[int(digits) % 31]}"


def runs(seeds: Iterator[int], store_args: Any, workdir: Path, steps: int) -> Iterator[Outcome]:
    for seed in seeds:
        folder = workdir / f"seed-{seed}"
        folder.mkdir()
        yield run(seed, store_args(folder), folder, steps)
