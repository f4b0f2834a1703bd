"""Fuzzing the server: schemathesis on its OpenAPI document, and a hand-written
generator that reaches the mutation handlers (the document's free-form `args`
lets schemathesis' pushes stop at the envelope).

The generator starts from the mutations a real desk writes (every kind), then
breaks them: values swapped for any JSON, keys dropped or invented, ids of other
rows, other workers. No input gives a 5xx, and whatever the server accepts, a
fresh desk pulls without a row in quarantine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ohjaaja.db.engine import transaction
from ohjaaja.db.server.store import Store
from ohjaaja.db.sync_state import quarantine_entries
from schemathesis.checks import not_a_server_error

from ohjaaja.demo.catalogue import load_demo_catalogue
from ohjaaja.domain.clock import FixedClock, to_iso
from ohjaaja.sync.incoming import apply_changes
from ohjaaja.sync.server import create_app
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk, open_database
from ohjaaja.usecases.handovers import HandoverForm
from tests.conftest import AINO, MONDAY_MORNING

TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> schemathesis.Schema:
    path: Path = tmp_path_factory.mktemp("fuzz") / "server.sqlite"
    store = Store(f"sqlite:///{path}")
    at = "2026-11-23T08:00:00Z"
    store.add_worker("w1", ["guidance"], [], at)
    TOKENS["desk"] = store.create_token("desk-1", "desk", at, ["w1"])
    TOKENS["integration"] = store.create_token("phone-system", "integration", at)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store))
    return schema.exclude(path="/v1/events")  # an endless stream; tested on its own


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_breaks_the_server(case: schemathesis.Case) -> None:
    role = "integration" if case.path == "/v1/contacts" else "desk"
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKENS[role]}"}, checks=[not_a_server_error]
    )


# -- mutations a desk really writes, then broken ----------------------------------
WORKER = "Fuzzi"


def desk_mutations(tmp: Path) -> list[dict[str, Any]]:
    """One of every kind of mutation, as a desk (with the admin role) writes them."""
    clock = FixedClock(MONDAY_MORNING)
    desk = Desk(tmp / "source.sqlite", clock, WORKER, ("guidance", "admin"), teams=("emergency",))
    with transaction(desk.conn) as conn:
        load_demo_catalogue(conn, to_iso(clock.now()))
    client_id = desk.clients.create_client(AINO).client_id
    assert client_id
    values = desk.clients.client_card(client_id, "fuzz").form_values()
    desk.clients.update_client(client_id, {**values, "email": "aino@example.fi"})
    desk.clients.save_relative(client_id, "Mäkinen Pekka", "child", "050 123 4567")
    contact = desk.contacts.take(
        desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    )
    assert contact is not None
    desk.contacts.attach_client(contact.id, client_id)
    service = desk.catalogue.search_services("kotihoito")[0]
    desk.catalogue.offer_service(contact.id, service.id, "fi")
    desk.catalogue.record_unmet_need(contact.id, "ei sopivaa palvelua", "fi")
    desk.handovers.schedule_callback(contact.id, clock.now(), missed=True)
    contact = desk.contacts.take(contact.id)
    assert contact is not None
    desk.handovers.create_notification("child_welfare", {"subject": "Lapsi", "concern": "huoli"},
                             contact.id, client_id, "853")  # fmt: skip
    made, _ = desk.handovers.create_handover(HandoverForm(to_team="emergency", note="siirto"))
    assert made
    desk.handovers.move_handover(made, "accept")
    desk.contacts.close_contact(
        contact.id, "hoidettu", ContactForm("client", client_id, [], "resolved")
    )
    other = desk.contacts.log_contact("phone", "mipa", "853")
    desk.contacts.release(other)
    desk.handovers.hand_over_shift("vuoro päättyy")
    desk.catalogue.save_service(desk.catalogue.service(service.id)[0])
    rows = desk.conn.execute("SELECT name, args, worker_id FROM outbox ORDER BY seq").fetchall()
    desk.close()
    return [{"name": r[0], "args": json.loads(r[1]), "worker_id": r[2]} for r in rows]


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def broken(draw: st.DrawFn, mutation: dict[str, Any], ids: list[str]) -> dict[str, Any]:
    """The mutation with a few of its fields (at any depth) replaced, dropped or added."""
    args = json.loads(json.dumps(mutation["args"]))
    for _ in range(draw(st.integers(0, 3))):
        target, key = _pick(draw, args)
        if target is None:
            break
        how = draw(st.sampled_from(["json", "drop", "id", "add"]))
        if how == "json":
            target[key] = draw(ANY_JSON)
        elif how == "drop":
            target.pop(key, None)
        elif how == "id":
            target[key] = draw(st.sampled_from(ids))
        else:
            target[draw(st.text(min_size=1, max_size=8))] = draw(ANY_JSON)
    return {**mutation, "args": args}


def _pick(draw: st.DrawFn, value: Any) -> tuple[dict[str, Any] | None, str]:
    """A random (dict, key) inside a nested argument structure."""
    places: list[tuple[dict[str, Any], str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                places.append((node, key))
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(value)
    return draw(st.sampled_from(places)) if places else (None, "")


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("mutations")
    store = Store(f"sqlite:///{tmp / 'server.sqlite'}")
    at = "2026-11-23T08:00:00Z"
    store.add_worker(WORKER, ["guidance", "admin"], ["emergency"], at)
    store.add_worker("Toinen", ["guidance"], [], at)
    token = store.create_token("fuzz-desk", "desk", at, [WORKER])
    client = TestClient(create_app(store))
    client.headers["authorization"] = f"Bearer {token}"
    mutations = desk_mutations(tmp)
    ids = sorted({m["args"].get("id") for m in mutations if isinstance(m["args"].get("id"), str)})
    return {"client": client, "mutations": mutations, "ids": ids, "seq": [0], "tmp": tmp}


@given(data=st.data())
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_broken_mutations_never_break_the_server_or_a_desk(
    fuzz_world: dict[str, Any], data: st.DataObject
) -> None:
    world = fuzz_world
    drawn = []
    for _ in range(data.draw(st.integers(1, 6))):
        mutation = data.draw(st.sampled_from(world["mutations"]))
        if data.draw(st.booleans()):
            mutation = data.draw(broken(mutation, world["ids"]))
        drawn.append(mutation)
    # Numbered only once everything is drawn: an example Hypothesis abandons while
    # drawing must not leave a gap in the desk's numbering.
    items = []
    for mutation in drawn:
        world["seq"][0] += 1
        seq = world["seq"][0]
        items.append({"seq": seq, "mutation_id": f"f{seq}", "name": mutation["name"],
                      "worker_id": mutation["worker_id"], "args": mutation["args"]})  # fmt: skip
    count = len(items)
    body = {"desk_id": "fuzz-desk", "incarnation": "", "schema_version": 2, "mutations": items}
    content = json.dumps(body).encode()
    answer = world["client"].post(
        "/v1/push", content=content, headers={"content-type": "application/json"}
    )
    assert answer.status_code < 500, answer.text
    if answer.status_code != 200:  # a malformed envelope: nothing stored, numbering not used
        world["seq"][0] -= count
        return
    # Whatever was accepted, a fresh desk stores it all.
    conn = open_database(world["tmp"] / f"fresh-{world['seq'][0]}.sqlite")
    changes = world["client"].get("/v1/changes", params={"limit": 5000}).json()["changes"]
    with transaction(conn):
        apply_changes(conn, changes, set(), "2026-11-23T08:00:00Z")
    held = quarantine_entries(conn)
    conn.close()
    assert held == [], [tuple(row) for row in held]
