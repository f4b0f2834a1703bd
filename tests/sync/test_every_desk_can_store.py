"""No row the server accepts can stop a desk (issue 12, finding 1).

Each hostile or careless push below was accepted by the server before, and made
every other desk's pull fail; now each is refused with the field named, and a
row that still reaches a desk (an older server's, a bug's) is quarantined while
the pull goes on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ohjaaja.db.engine import connect, transaction
from ohjaaja.db.ids import worker_id
from ohjaaja.db.server.store import Writer

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from tests.conftest import AINO
from tests.sync.conftest import AT, Server, Site, push_body

WA = worker_id("worker-a")


def contact(contact_id: str, **changes: Any) -> dict[str, Any]:
    row = {"id": contact_id, "channel": "phone", "line_code": "mipa", "municipality_code": "853",
           "received_at": AT, "created_at": AT, "updated_at": AT}  # fmt: skip
    return {**row, **changes}


def logged(contact_id: str) -> dict[str, Any]:
    return contact(contact_id, status="taken", via_queue=0, taken_by=WA, taken_at=AT)


HOSTILE: list[tuple[str, dict[str, Any], str]] = [
    ("client.create", {"client": {"id": "C1", "last_name": "A", "first_names": "B"}},
     "args.client.created_at"),
    ("client.create", {"client": {**contact("C2"), "last_name": "A", "first_names": "B",
                                  "hetu": "131052-308X"}}, "args.client.channel"),
    ("client.create", {"client": {"id": "C3", "last_name": "A", "first_names": "B",
                                  "hetu": "131052-308X", "created_at": AT, "updated_at": AT}},
     "args.client.hetu"),
    ("client.create", {"client": {"id": "C4", "last_name": "A", "first_names": "B",
                                  "municipality_code": "999", "created_at": AT,
                                  "updated_at": AT}}, "args.client.municipality_code"),
    ("contact.receive", contact("r1", received_at="yesterday"), "args.received_at"),
    ("contact.receive", contact("r2", priority="3"), "args.priority"),
    ("contact.receive", contact("r3", status="taken", taken_by=WA), "args.taken_by"),
    ("contact.receive", contact("r4", note="valmiiksi suljettu"), "args.note"),
    ("contact.receive", contact("r5", line_code="nonsense"), "args.line_code"),
    ("contact.receive", contact("r6", caller_phone="soita"), "args.caller_phone"),
    ("contact.receive", contact("/../../../../tmp/x/pwned"), "args.id"),
    ("contact.receive", contact("r8", client_id="no-such-client"), "args.client_id"),
    ("audit.append", {"id": "a1", "at": AT, "worker_id": WA, "client_id": "ghost",
                      "action": "view"}, "args.client_id"),
    ("audit.append", {"id": "a2", "at": AT, "worker_id": WA, "action": "view",
                      "detail": "not json"}, "args.detail"),
    ("relative.put", {"id": "rel", "client_id": "ghost", "name": "P", "relation": "child",
                      "worker_id": WA, "created_at": AT, "updated_at": AT}, "args.client_id"),
    ("offer.create", {"id": "o1", "contact_id": "ghost", "unmet_need": "x", "worker_id": WA,
                      "created_at": AT}, "args.contact_id"),
    ("handover.create", {"id": "h1", "from_worker_id": WA, "to_worker_id": "nobody",
                         "note": "n", "created_at": AT, "updated_at": AT,
                         "event": {"id": "he1", "handover_id": "h1", "kind": "sent", "at": AT,
                                   "worker_id": WA}}, "args.to_worker_id"),
    ("shift.create", {"id": "s1", "from_worker_id": WA, "note": 5, "created_at": AT,
                      "updated_at": AT}, "args.note"),
    ("contact.callback", {"id": "held", "worker_id": WA, "callback_at": AT,
                          "event": {"id": "ev", "contact_id": "other", "kind": "callback_missed",
                                    "at": AT, "worker_id": WA}}, "args.event"),
]  # fmt: skip


def test_what_a_desk_could_not_store_is_refused_with_its_field(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a = Site(server, tmp_path, "a", clock)
    client = server.client(a.token)
    setup = [{"seq": 1, "mutation_id": "m-held", "name": "contact.log", "worker": "worker-a",
              "args": logged("held")}]  # fmt: skip
    assert client.post("/v1/push", json=push_body("a", setup, "raw")).json()["results"]
    items = [
        {"seq": n, "mutation_id": f"m{n}", "name": name, "worker": "worker-a", "args": args}
        for n, (name, args, _field) in enumerate(HOSTILE, start=2)
    ]
    answers = client.post("/v1/push", json=push_body("a", items, "raw")).json()["results"]
    got = [(r["status"], r["result"].get("code"), r["result"].get("field")) for r in answers]
    assert got == [("rejected", 422, field) for _, _, field in HOSTILE]
    # Every desk still syncs, and shows its queue.
    fresh = tmp_path / "fresh.sqlite"
    Desk(fresh, clock, "worker-a").close()
    synced = _cli("sync", "--once", "--database", str(fresh), "--server", server.url,
                  token=a.token)  # fmt: skip
    assert synced.returncode == 0 and "quarantined" not in synced.stdout, synced.stdout
    assert _cli("queue", "--database", str(fresh)).returncode == 0
    a.close()


def test_a_row_a_desk_cannot_store_is_quarantined_and_the_pull_goes_on(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """A row that reaches the desk anyway (an older server let it in): put aside with
    its reason, shown by `sync --once` and `sync --quarantine`; the rows after it
    arrive; a corrected version later takes its place."""
    a = Site(server, tmp_path, "a", clock)
    admin = server.admin()
    broken = contact("bad", received_at="yesterday")
    admin.transaction(lambda w: w.put("contact", "bad", broken))
    good = a.desk.contacts.receive("chat", "mipa", "853")
    assert a.sync.sync_once().pushed == 1
    b = Site(server, tmp_path, "b", clock)
    report = b.sync.sync_once()
    assert report.quarantined == 1
    assert [e.id for e in b.desk.contacts.queue()] == [good]  # the pull went on past it
    listed = _cli("sync", "--quarantine", "--database", str(b.path))
    assert "contact\tbad" in listed.stdout and "received_at" in listed.stdout
    assert _cli("queue", "--database", str(b.path)).returncode == 0

    def mend(writer: Writer) -> None:
        writer.put("contact", "bad", {**contact("bad"), "version": 2})

    admin.transaction(mend)
    assert b.sync.sync_once().quarantined == 0
    assert {e.id for e in b.desk.contacts.queue()} == {good, "bad"}
    admin.close()
    a.close()
    b.close()


def test_a_client_changed_long_after_it_was_made_reaches_a_new_desk(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """Rows point at a client whose latest version comes pages later: the new desk's
    first page holds the contact before the client. Before: FOREIGN KEY on every
    pull past 1,000 changes."""
    a = Site(server, tmp_path, "a", clock)
    client_id = a.desk.clients.create_client(AINO).client_id
    assert client_id
    taken = a.desk.contacts.take(a.desk.contacts.receive("phone", "ikaihmiset", "853"))
    assert taken is not None
    a.desk.contacts.attach_client(taken.id, client_id)
    for _ in range(1100):
        a.desk.contacts.receive("chat", "mipa", "853")
    values = a.desk.clients.client_card(client_id, "search").form_values()
    assert (
        a.desk.clients.update_client(client_id, {**values, "email": "aino@example.fi"}).errors == []
    )
    assert a.sync.sync_once().rejected == 0
    b = Site(server, tmp_path, "b", clock)
    assert b.sync.sync_once().quarantined == 0
    row = b.desk.conn.execute("SELECT client_id FROM contact WHERE id = ?", (taken.id,)).fetchone()
    assert row["client_id"] == client_id
    assert b.desk.conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 1101
    a.close()
    b.close()


def test_two_offline_desks_register_the_same_person(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """The second registration is merged into the first: its access-log rows and the
    contact identified with it land on the existing client, every desk (the winner
    too) keeps syncing, and the loser's worker is told and sees the existing client."""
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    first = a.desk.clients.create_client(AINO).client_id
    second = b.desk.clients.create_client({**AINO, "phone": "050 123 4567"}).client_id
    assert first and second and first != second
    taken = b.desk.contacts.take(b.desk.contacts.receive("phone", "ikaihmiset", "853"))
    assert taken is not None
    b.desk.contacts.close_contact(taken.id, "soitti", ContactForm("client", second, [], "resolved"))
    assert a.sync.sync_once().rejected == 0
    report = b.sync.sync_once()
    assert report.merged_clients == [(second, first)]
    assert report.refusals == [("client.create", "hetu_taken")]
    for site in (a, b, a, b):
        assert site.sync.sync_once().quarantined == 0
    c = Site(server, tmp_path, "c", clock)
    assert c.sync.sync_once().quarantined == 0
    for site in (a, b, c):
        conn = site.desk.conn
        closed = conn.execute("SELECT client_id FROM contact WHERE id = ?", (taken.id,)).fetchone()
        assert closed["client_id"] == first, site.worker
        numbers = {
            r[0]
            for r in conn.execute(
                "SELECT e164 FROM client_phone WHERE client_id = ? AND deleted = 0", (first,)
            )
        }
        assert "+358501234567" in numbers  # the number the loser typed is kept  # fmt: skip
        assert conn.execute("SELECT count(*) FROM audit WHERE client_id = ?",
                            (second,)).fetchone()[0] == 0  # fmt: skip
    # The loser's desk leads from its own client to the existing one.
    assert b.desk.clients.client_card(second, "search").id == first
    for site in (a, b, c):
        site.close()


def test_a_failed_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    """A deferred foreign key failing at COMMIT used to leave the connection inside
    its transaction: every later round failed, and the desk's writes were locked out."""
    path = tmp_path / "desk.sqlite"
    Desk(path, FixedClock(clock_start()), "Anna").close()
    conn, other = connect(path), connect(path)
    try:
        with transaction(conn):
            conn.execute("PRAGMA defer_foreign_keys = ON")
            conn.execute(
                "INSERT INTO relative (id, client_id, name, relation, created_at, updated_at) "
                "VALUES ('r', 'ghost', 'P', 'child', 'x', 'x')"
            )
    except Exception as exc:
        assert "FOREIGN KEY" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("the commit must fail")
    assert not conn.in_transaction
    with transaction(other):  # another process writes at once, not after a lock timeout
        other.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    conn.close()
    other.close()


def clock_start() -> Any:
    from tests.conftest import MONDAY_MORNING

    return MONDAY_MORNING


def _cli(*args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OHJAAJA_TOKEN": token} if token else None
    return subprocess.run(
        [sys.executable, "-m", "ohjaaja.shell.cli", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
