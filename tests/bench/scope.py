"""What each desk pulls of the demo region: `python3 dev.py bench scope`.

The demo database (2,000 clients, today's contacts, handovers, the catalogue) is
written into a server store twice: once without scopes (every row to every token,
as before scopes: the floor this is measured against) and once with them. A real
server serves each; a regional desk, a desk of one municipality and a regional
desk without identity codes pull everything from cursor 0. Prints rows and bytes
each was sent, and the time of the pull.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from ohjaaja.db.engine import connect
from ohjaaja.db.server.store import Store, Writer, shared

from ohjaaja.demo.build import build_demo
from ohjaaja.domain.clock import SystemClock
from ohjaaja.sync.rows import TABLES, desk_row
from ohjaaja.sync.scope import encode
from ohjaaja.sync.server.scoping import scope_row
from tests.bench import sized
from tests.sync.conftest import AT, start_server, stop

# Parents before children, so each row's scope is narrowed by what it refers to (a
# demo holds no training rows; their tables are named so the check below holds).
ORDER = ("worker", "organization", "service", "location", "service_at_location",
         "catalogue_phone", "schedule", "client", "client_phone", "relative", "contact",
         "contact_event", "offer", "notification", "handover", "handover_event", "audit",
         "shift_handover", "training_shift", "training_event")  # fmt: skip
DESKS = (
    ("regional", None, True),
    ("Turku (853)", encode(frozenset({"853"})), True),
    ("Kaarina (202)", encode(frozenset({"202"})), True),
    ("regional, no identity codes", None, False),
)


def load(store: Store, demo: Path) -> int:
    conn = connect(demo)
    rows = [(t, desk_row(t, r)) for t in ORDER for r in conn.execute(f"SELECT * FROM {t}")]
    conn.close()

    def write(writer: Writer) -> None:
        for table, data in rows:
            writer.put(table, data["id"], data)

    store.transaction(write)
    return len(rows)


def pull(url: str, token: str) -> tuple[int, int, int, float]:
    """(rows, removals, bytes, seconds) of a whole pull from cursor 0."""
    rows = removed = size = 0
    cursor = 0
    started = time.perf_counter()
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        while True:
            response = http.get("/v1/changes", params={"cursor": cursor, "limit": 1000})
            page: dict[str, Any] = response.json()
            size += len(response.content)
            rows += sum(1 for c in page["changes"] if not c.get("removed"))
            removed += sum(1 for c in page["changes"] if c.get("removed"))
            cursor = page["next_cursor"]
            if cursor >= page["head"]:
                return rows, removed, size, time.perf_counter() - started


def main() -> None:
    assert set(ORDER) == set(TABLES)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = folder / "demo.sqlite"
        build_demo(demo, SystemClock(), clients=sized("SCOPE_CLIENTS", 2000))
        print("the demo region pulled from cursor 0 by each desk (rows, bytes, seconds)")
        figures: dict[tuple[str, str], tuple[int, int, int, float]] = {}
        for label, scoper in (("without scopes (floor)", shared), ("with scopes", scope_row)):
            path = folder / f"{label.split()[0]}.sqlite"
            store = Store(f"sqlite:///{path}")
            store.scoper = scoper  # the floor: every row written as shared, as before scopes
            total = load(store, demo)
            tokens = {
                name: store.create_token(f"desk-{n}", "desk", AT, (), munis, None, codes)
                for n, (name, munis, codes) in enumerate(DESKS)
            }
            store.close()
            server = start_server(["--database", str(path)])
            try:
                for name, _, _ in DESKS:
                    figures[(label, name)] = pull(server.url, tokens[name])
            finally:
                stop(server)
            print(f"  {label}: {total} rows in the store")
            for name, _, _ in DESKS:
                rows, _, size, seconds = figures[(label, name)]
                print(f"    {name:29}: {rows:6d} rows {size / 1024:8.0f} KiB  {seconds:5.2f} s")
        print("  with scopes / without, per desk (rows, bytes):")
        for name, _, _ in DESKS:
            before, after = (
                figures[("without scopes (floor)", name)],
                figures[("with scopes", name)],
            )
            print(f"    {name:29}: {after[0] / before[0]:5.2f} rows  {after[2] / before[2]:5.2f} "
                  "bytes")  # fmt: skip
