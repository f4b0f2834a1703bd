"""Client data goes only where it must: a token's reach decides which rows of client
data its desk is sent; identity codes only to desks that need them; audit rows to
no desk; a row that leaves a desk's scope is removed there; and every row of
client data sent is on its client's trail. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from ohjaaja.db.ids import worker_id

from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync.scope import Reach
from tests.conftest import AINO
from tests.sync.conftest import Server, Site, push_body

TURKU, KAARINA = "853", "202"
KALLE = {**AINO, "last_name": "Koski", "first_names": "Kalle", "hetu": "010150-123A",
         "phone": "040 111 2222", "municipality_code": KAARINA}  # fmt: skip


def ids(site: Site, table: str, where: str = "1") -> set[str]:
    return {r[0] for r in site.desk.conn.execute(f"SELECT id FROM {table} WHERE {where}")}


def region(server: Server, tmp: Path, clock: FixedClock) -> tuple[Site, str, str, str, str]:
    """A regional desk with a client in Turku and one in Kaarina, each with a contact."""
    regional = Site(server, tmp, "regional", clock)
    aino = regional.desk.clients.create_client(AINO).client_id
    kalle = regional.desk.clients.create_client(KALLE).client_id
    assert aino and kalle
    turku = regional.desk.contacts.receive("phone", "tyoikaiset", TURKU)
    kaarina = regional.desk.contacts.receive("phone", "tyoikaiset", KAARINA)
    regional.desk.clients.client_card(aino, "search")  # a look: an audit row
    assert regional.sync.sync_once().rejected == 0
    return regional, aino, kalle, turku, kaarina


def local_desk(server: Server, tmp: Path, clock: FixedClock, name: str, code: str) -> Site:
    """A desk of one municipality, synced once."""
    site = Site(server, tmp, name, clock, reach=Reach(frozenset({code})))
    site.sync.sync_once()
    return site


def test_a_desk_is_sent_only_what_its_reach_covers(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional, aino, kalle, turku, kaarina = region(server, tmp_path, clock)
    local = local_desk(server, tmp_path, clock, "turku", TURKU)
    assert ids(local, "client") == {aino}
    assert ids(local, "client_phone", f"client_id = '{kalle}'") == set()
    assert {turku} <= ids(local, "contact") and kaarina not in ids(local, "contact")
    assert ids(local, "audit") == set()  # looks go up, to no desk
    assert len(ids(local, "worker")) >= 2  # the register (like the catalogue) is everyone's
    other = Site(server, tmp_path, "other", clock)  # regional: the whole region, no looks
    other.sync.sync_once()
    assert {aino, kalle} <= ids(other, "client") and ids(other, "audit") == set()
    for site in (regional, local, other):
        site.close()


def test_identity_codes_go_only_to_desks_that_may_have_them(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional, aino, *_ = region(server, tmp_path, clock)
    blind = Site(server, tmp_path, "blind", clock, reach=Reach(identity_codes=False))
    blind.sync.sync_once()
    hetu = "SELECT hetu FROM client WHERE id = ?"
    assert blind.desk.conn.execute(hetu, (aino,)).fetchone()[0] is None
    assert blind.desk.clients.find_clients("Mäkinen")  # still found by name
    assert regional.desk.conn.execute(hetu, (aino,)).fetchone()[0] == AINO["hetu"]
    # Editing the client there keeps the code on the server.
    values = blind.desk.clients.client_card(aino, "search").form_values()
    assert (
        blind.desk.clients.update_client(aino, {**values, "alerts": "Kuulee huonosti"}).errors == []
    )
    assert blind.sync.sync_once().rejected == 0
    regional.sync.sync_once()
    row = regional.desk.conn.execute("SELECT hetu, alerts FROM client WHERE id = ?", (aino,))
    assert tuple(row.fetchone()) == (AINO["hetu"], "Kuulee huonosti")
    regional.close()
    blind.close()


def test_a_row_that_leaves_a_desks_scope_is_removed_there(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional, aino, _kalle, _turku, _kaarina = region(server, tmp_path, clock)
    contact = regional.desk.contacts.receive("phone", "tyoikaiset", None)
    regional.desk.contacts.take(contact)
    regional.desk.contacts.attach_client(contact, aino)
    regional.desk.contacts.release(contact)
    regional.sync.sync_once()
    local = local_desk(server, tmp_path, clock, "turku", TURKU)
    assert aino in ids(local, "client") and contact in ids(local, "contact")

    values = regional.desk.clients.client_card(aino, "search").form_values()
    moved = regional.desk.clients.update_client(aino, {**values, "municipality_code": KAARINA})
    assert moved.errors == []
    regional.sync.sync_once()
    report = local.sync.sync_once()
    assert report.removed >= 2
    gone = local.desk.conn.execute(
        "SELECT hetu, last_name, address, deleted FROM client WHERE id = ?", (aino,)
    ).fetchone()
    assert tuple(gone) == (None, "", None, 1)  # erased; the row stays for the desk's own log
    assert contact not in ids(local, "contact")  # what hangs on the client went with it
    assert ids(local, "client_phone", f"client_id = '{aino}'") == set()
    assert local.desk.clients.find_clients("Mäkinen") == []

    values = regional.desk.clients.client_card(aino, "search").form_values()
    assert (
        regional.desk.clients.update_client(aino, {**values, "municipality_code": TURKU}).errors
        == []
    )
    regional.sync.sync_once()
    local.sync.sync_once()  # back in scope: back on the desk
    assert [m.id for m in local.desk.clients.find_clients("Mäkinen")] == [aino]
    assert contact in ids(local, "contact")
    regional.close()
    local.close()


def test_every_disclosure_is_on_the_clients_trail(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional, aino, kalle, *_ = region(server, tmp_path, clock)
    local = local_desk(server, tmp_path, clock, "turku", TURKU)
    store = server.admin()
    looks, trail = store.trail(aino)
    _, kalles = store.trail(kalle)
    store.close()
    assert {"create", "view"} <= {look["action"] for look in looks}
    sent = [e for e in trail if e["event"] == "disclosure"]
    assert {e["desk"] for e in sent} == {"regional", "turku"}
    to_local = next(e for e in sent if e["desk"] == "turku")
    assert json.loads(to_local["workers"]) == ["worker-turku"] and to_local["role"] == "desk"
    assert ["client", aino] in [row[:2] for row in to_local["detail"]["rows"]]
    assert "turku" not in {e["desk"] for e in kalles if e["event"] == "disclosure"}
    changes = [e for e in trail if e["event"] == "change"]
    assert changes and {e["workers"] for e in changes} == {'["worker-regional"]'}
    regional.close()
    local.close()


def test_a_refused_registration_shows_no_client_outside_the_reach(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional, _aino, kalle, *_ = region(server, tmp_path, clock)
    local = local_desk(server, tmp_path, clock, "turku", TURKU)
    # Kalle lives in Kaarina: the Turku desk registers him again, with his code.
    again = local.desk.clients.create_client({**KALLE, "municipality_code": TURKU}).client_id
    assert again
    report = local.sync.sync_once()
    assert report.merged_clients == []  # refused; the holder is not named here
    assert kalle not in ids(local, "client")
    assert local.desk.conn.execute(
        "SELECT count(*) FROM client WHERE last_name = 'Koski' AND hetu IS NOT NULL "
        "AND deleted = 0 AND id = ?", (kalle,)
    ).fetchone()[0] == 0  # fmt: skip
    regional.close()
    local.close()


def test_what_a_worker_is_working_on_is_never_taken_away(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional, aino, *_ = region(server, tmp_path, clock)
    local = Site(server, tmp_path, "turku", clock, reach=Reach(frozenset({TURKU})))
    contact = regional.desk.contacts.receive("phone", "tyoikaiset", TURKU)
    regional.sync.sync_once()
    local.sync.sync_once()
    assert local.desk.contacts.take(contact) is not None
    local.desk.contacts.attach_client(contact, aino)
    local.sync.sync_once()

    values = regional.desk.clients.client_card(aino, "search").form_values()
    assert (
        regional.desk.clients.update_client(aino, {**values, "municipality_code": KAARINA}).errors
        == []
    )
    regional.sync.sync_once()
    local.sync.sync_once()
    # The worker holds the call: it stays, and so does the client it is about.
    assert contact in ids(local, "contact")
    assert aino in ids(local, "client", "deleted = 0")
    regional.close()
    local.close()


def hostile_push(server: Server, site: Site, items: list[dict]) -> list[dict]:
    """Mutations as a desk's token may send them, whatever its desk would."""
    body = push_body(site.path.stem, items, incarnation="hostile")
    answer = server.client(site.token).post("/v1/push", json=body)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["results"])


def test_a_desk_cannot_act_on_what_it_may_not_see(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """Found in review: through an alias, a claim or a registration, a desk of one
    municipality reached clients and contacts of another."""
    regional, aino, _kalle, turku_contact, _ = region(server, tmp_path, clock)
    kaarina = local_desk(server, tmp_path, clock, "kaarina", KAARINA)
    me = kaarina.worker
    alias = {"id": "alias-1", "last_name": "X", "first_names": "Y", "hetu": AINO["hetu"],
             "created_at": "2026-12-01T10:00:00.000000Z",
             "updated_at": "2026-12-01T10:00:00.000000Z"}  # fmt: skip
    answers = hostile_push(server, kaarina, [
        {"seq": 1, "mutation_id": "h1", "name": "client.create", "worker": me,
         "args": {"client": alias}},
        {"seq": 2, "mutation_id": "h2", "name": "client.update", "worker": me,
         "args": {"id": "alias-1", "worker_id": worker_id(me),
                  "changes": {"municipality_code": KAARINA}}},
        {"seq": 3, "mutation_id": "h3", "name": "contact.claim", "worker": me,
         "args": {"id": turku_contact, "worker_id": worker_id(me),
                  "at": "2026-12-01T10:00:00.000000Z"}},
    ])  # fmt: skip
    own = {**alias, "id": "own-1", "hetu": None, "municipality_code": KAARINA}
    guessed = hostile_push(server, kaarina, [
        {"seq": 4, "mutation_id": "h4", "name": "client.create", "worker": me,
         "args": {"client": own}},
        {"seq": 5, "mutation_id": "h5", "name": "client.update", "worker": me,
         "args": {"id": "own-1", "worker_id": worker_id(me), "changes": {"hetu": AINO["hetu"]}}},
    ])  # fmt: skip
    assert guessed[0]["status"] == "applied"
    assert guessed[1]["result"]["reason"] == "hetu_taken" and "existing" not in guessed[1]["result"]
    registered, moved, claimed = answers
    assert registered["status"] == "rejected" and registered["result"]["reason"] == "hetu_taken"
    assert "existing" not in registered["result"] and "current" not in registered["result"]
    assert moved["status"] == "rejected" and moved["result"]["code"] == 404
    assert claimed["status"] == "rejected" and claimed["result"]["code"] == 404
    kaarina.sync.sync_once()
    assert aino not in ids(kaarina, "client") and turku_contact not in ids(kaarina, "contact")
    store = server.admin()
    _, trail = store.trail(aino)
    store.close()
    checks = [e for e in trail if e["event"] == "identity_check"]
    assert [(e["desk"], e["detail"]["refused"]) for e in checks] == [
        ("kaarina", "alias-1"), ("kaarina", "own-1")]  # fmt: skip
    regional.sync.sync_once()
    status = regional.desk.conn.execute("SELECT status FROM contact WHERE id = ?", (turku_contact,))
    assert status.fetchone()[0] == "waiting"
    regional.close()
    kaarina.close()


def test_a_contact_identified_with_a_client_goes_where_the_client_belongs(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """Found in review: a Kaarina call about a Turku client reached nobody but the
    regional desks. Now it follows the client, and a handover made from it reaches
    the Turku desk without the Kaarina call it came from."""
    regional, aino, *_ = region(server, tmp_path, clock)
    call = regional.desk.contacts.receive("phone", "tyoikaiset", KAARINA)
    regional.desk.contacts.take(call)
    regional.desk.contacts.attach_client(call, aino)
    regional.desk.contacts.release(call)
    other = regional.desk.contacts.receive("phone", "tyoikaiset", KAARINA)
    regional.sync.sync_once()
    turku = Site(server, tmp_path, "turku", clock, reach=Reach(frozenset({TURKU})))
    kaarina = Site(server, tmp_path, "kaarina", clock, reach=Reach(frozenset({KAARINA})))
    for site in (turku, kaarina):
        site.sync.sync_once()
    assert call in ids(turku, "contact") and call not in ids(kaarina, "contact")
    assert other in ids(kaarina, "contact") and other not in ids(turku, "contact")
    assert ids(turku, "sync_quarantine") == ids(kaarina, "sync_quarantine") == set()
    regional.close()
    turku.close()
    kaarina.close()
