"""Every client change and every access-log row reaches the other desks."""

from __future__ import annotations

from pathlib import Path

from ohjaaja.domain.clock import FixedClock
from tests.conftest import AINO
from tests.sync.conftest import Server, Site


def rows(site: Site, sql: str) -> list[tuple]:
    return [tuple(r) for r in site.desk.conn.execute(sql)]


def test_client_edits_relatives_and_the_access_log_sync(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    client_id = a.desk.clients.create_client(AINO).client_id
    assert client_id
    values = a.desk.clients.client_card(client_id, "search").form_values()
    saved = a.desk.clients.update_client(
        client_id, {**values, "email": "aino@example.fi", "phone": "02 262 6000"}
    )
    assert saved.errors == []
    assert a.desk.clients.save_relative(client_id, "Mäkinen Pekka", "child", "050 123 4567") == []
    a.desk.clients.reveal_hetu(client_id, "Kela-asia")
    report = a.sync.sync_once()
    assert report.rejected == 0
    b.sync.sync_once()

    client_sql = "SELECT id, hetu, email, search_name, version FROM client"
    assert rows(b, client_sql) == rows(a, client_sql)
    phone_sql = "SELECT id, e164, deleted FROM client_phone ORDER BY id"
    assert rows(b, phone_sql) == rows(a, phone_sql)  # the removed number as a tombstone
    relative_sql = "SELECT id, name, relation, phone_e164 FROM relative"
    assert rows(b, relative_sql) == rows(a, relative_sql)
    audit_sql = "SELECT id, worker_id, action, reason, detail FROM audit ORDER BY id"
    looked = rows(a, audit_sql)
    assert len(looked) == 5 and not set(looked) & set(rows(b, audit_sql))  # never to other desks
    store = server.admin()
    looks, trail = store.trail(client_id)  # they went up: the region-wide record has them
    store.close()
    assert sorted(look["id"] for look in looks) == sorted(r[0] for r in looked)
    assert {e["event"] for e in trail} == {"change", "disclosure"}
    # The other desk finds the client by the new number and the relative's, not the old one.
    assert [m.id for m in b.desk.clients.find_clients("02 262 6000")] == [client_id]
    assert [m.via for m in b.desk.clients.find_clients("050 123 4567")] == ["relative"]
    assert b.desk.clients.find_clients("040 548 5906") == []

    # b edits the address while a edits the alerts: both changes stay.
    b_values = b.desk.clients.client_card(client_id, "search").form_values()
    assert (
        b.desk.clients.update_client(client_id, {**b_values, "address": "Aurakatu 2"}).errors == []
    )
    a_values = a.desk.clients.client_card(client_id, "search").form_values()
    assert (
        a.desk.clients.update_client(client_id, {**a_values, "alerts": "Kuulee huonosti"}).errors
        == []
    )
    for site in (b, a, b):
        site.sync.sync_once()
    merged = "SELECT address, alerts FROM client"
    assert rows(a, merged) == rows(b, merged) == [("Aurakatu 2", "Kuulee huonosti")]
    a.close()
    b.close()
