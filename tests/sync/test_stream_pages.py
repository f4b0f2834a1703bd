"""Changes carried in the event stream (`/v1/events?cursor=N`): each page a pull
from the stream's cursor would answer, in the token's reach, each disclosed on its
clients' trails before it is sent; a token whose reach changes ends the stream.
On SQLite and PostgreSQL, against a real server process."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync.client import SyncClient
from tests.sync.conftest import AT, Server
from tests.sync.test_scope import TURKU, local_desk, region


def stream(client: httpx.Client, cursor: int) -> Iterator[tuple[str, Any]]:
    """(event, data) as they come; data of `changes` parsed. A stream still open a
    minute on fails the test (a keepalive comes every 15 s, so this is checked)."""
    timeout = httpx.Timeout(30)
    end = time.monotonic() + 60
    with client.stream("GET", "/v1/events", params={"cursor": cursor}, timeout=timeout) as got:
        assert got.status_code == 200, got.read()
        event = ""
        for line in got.iter_lines():
            assert time.monotonic() < end, "the stream went on for a minute"
            if line.startswith("event:"):
                event = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                data = line.partition(":")[2].strip()
                yield event, json.loads(data) if event == "changes" else data


def caught_up(events: Iterator[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The pages that come before the next head."""
    pages: list[dict[str, Any]] = []
    for event, data in events:
        if event == "changes":
            pages.append(data)
        elif event == "head":
            # Pages come before their head: a head past the last page is a fault here.
            assert pages and pages[-1]["next_cursor"] >= int(data), f"head {data} without pages"
            return pages
    raise AssertionError("the stream ended")


def test_a_stream_from_a_cursor_carries_what_a_pull_would_and_discloses_it_first(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional, aino, kalle, turku, kaarina = region(server, tmp_path, clock)
    admin = server.admin()
    admin.add_worker("worker-turku", ["guidance"], [], AT)
    token = admin.create_token("turku-stream", "desk", AT, ["worker-turku"], f"|{TURKU}|")
    admin.close()
    with server.client(token) as client:
        events = stream(client, 0)
        pages = caught_up(events)
        assert pages[0]["cursor"] == 0
        for before, page in itertools.pairwise(pages):
            assert page["cursor"] == before["next_cursor"]  # a chain, no gap
        carried = {(c["table"], c["id"]) for page in pages for c in page["changes"]}
        assert ("client", aino) in carried and ("contact", turku) in carried
        assert ("client", kalle) not in carried and ("contact", kaarina) not in carried

        # Disclosed before it was sent: the trail has it though nothing was pulled.
        store = server.admin()
        _, trail = store.trail(aino)
        store.close()
        sent = [e for e in trail if e["event"] == "disclosure" and e["desk"] == "turku-stream"]
        assert len(sent) == 1 and ["client", aino] in [r[:2] for r in sent[0]["detail"]["rows"]]

        # The same rows a pull from the same cursor answers.
        pulled = client.get("/v1/changes", params={"cursor": 0, "limit": 1000}).json()
        assert [c for page in pages for c in page["changes"]] == pulled["changes"]
        assert pages[-1]["reach"] == pulled["reach"] and pages[-1]["epoch"] == pulled["epoch"]

        # A change made after: one page from where the stream stood, then the head.
        new = regional.desk.contacts.receive("chat", "tyoikaiset", TURKU)
        regional.sync.sync_once()
        more: list[dict[str, Any]] = []
        while ("contact", new) not in {(c["table"], c["id"]) for p in more for c in p["changes"]}:
            more += caught_up(events)
        assert more[0]["cursor"] == pages[-1]["next_cursor"]
        events.close()
    regional.close()


def test_a_stream_with_a_cursor_ends_when_its_tokens_reach_changes(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    local = local_desk(server, tmp_path, clock, "turku", TURKU)
    admin = server.admin()
    admin.add_worker("worker-other", ["guidance"], [], AT)
    with server.client(local.token) as client:
        events = stream(client, 0)
        caught_up(events)
        admin.set_token_workers("turku", [local.worker, "worker-other"], AT)
        assert list(events) == []  # it ends: nothing more is sent for the old token
    admin.close()
    local.close()


def test_a_stream_without_a_cursor_carries_only_heads(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    local = local_desk(server, tmp_path, clock, "turku", TURKU)
    with server.client(local.token) as client:
        timeout = httpx.Timeout(30)
        with client.stream("GET", "/v1/events", timeout=timeout) as got:
            lines = got.iter_lines()
            assert next(lines) == "event: head"
            assert next(lines).startswith("data: ")
    local.close()


def test_a_desk_takes_the_pages_its_stream_carries_and_only_from_its_cursor(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional, *_ = region(server, tmp_path, clock)
    local = local_desk(server, tmp_path, clock, "turku", TURKU)
    listener = SyncClient(local.path, server.url, local.token, clock)
    taken: list[tuple[dict[str, Any], Any]] = []
    heads: list[int] = []
    arrived = threading.Event()
    new = regional.desk.contacts.receive("chat", "tyoikaiset", TURKU)

    def on_page(page: dict[str, Any]) -> None:
        taken.append((page, listener.take_page(page)))
        held = local.desk.conn.execute("SELECT 1 FROM contact WHERE id = ?", (new,)).fetchone()
        if held:  # there before its head came, and without a pull
            arrived.set()

    thread = threading.Thread(
        target=lambda: listener.follow(heads.append, arrived.is_set, on_page), daemon=True
    )
    thread.start()
    regional.sync.sync_once()
    assert arrived.wait(timeout=30), f"pages {taken}, heads {heads}"
    page, report = taken[-1]
    assert report is not None and report.pulled >= 1
    assert listener.take_page(page) is None  # not from this database's cursor now
    assert listener.pulled_to(page["head"])
    thread.join(timeout=30)
    listener.close()
    for site in (regional, local):
        site.close()
