"""The desk's sync with the shared server: push the outbox, pull changes.

One round: push every unacknowledged mutation in order (the server skips what it
has seen and stops at a gap), record each answer in the outbox, then pull pages
of changes since the desk's cursor and apply each page in one transaction.
Several desk processes on one database take turns through a lock file, so a
mutation is never pushed twice at once. A changed server epoch (a restore from
backup) makes the desk send everything again and pull from the start.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from db import outbox
from db.engine import connect, transaction
from db.reference import get_meta, set_meta
from db.sync_state import acknowledge, apply_rows, mark_claim, unacknowledge_all
from ohjaaja.clock import Clock, to_iso

FOLLOW_READ_TIMEOUT = 20.0  # the server sends a keepalive every 15 s
PUSH_BATCH = 500
PULL_PAGE = 1000
SCHEMA_VERSION = 1


class SyncError(RuntimeError):
    """The server refused a request; the message has its reason."""


@dataclass
class SyncReport:
    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    lost_claims: tuple[str, ...] = ()
    epoch_changed: bool = False
    skipped: bool = False  # another process on this host was syncing


@dataclass(frozen=True)
class SyncStatus:
    """What the status line shows: online or not, the last good sync, what waits."""

    online: bool
    last_ok: datetime | None
    pending: int
    error: str = ""


class SyncClient:
    def __init__(
        self,
        database: str | Path,
        server: str,
        token: str,
        clock: Clock,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.database = Path(database)
        self.clock = clock
        self.http = httpx.Client(
            base_url=server.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
            transport=transport,
        )
        self.conn = connect(database)
        self._desk_id: str | None = None

    def close(self) -> None:
        self.http.close()
        self.conn.close()

    @property
    def desk_id(self) -> str:
        """The desk id is the name of its token, asked from the server once."""
        if self._desk_id is None:
            self._desk_id = str(self._call("GET", "/v1/whoami")["name"])
        return self._desk_id

    def sync_once(self) -> SyncReport:
        with self._turn() as mine:
            if not mine:
                return SyncReport(skipped=True)
            report = SyncReport()
            report.epoch_changed = self._check_epoch()
            self._push(report)
            self._pull(report)
            return report

    # -- steps ---------------------------------------------------------------
    def _check_epoch(self) -> bool:
        epoch = self._call("GET", "/v1/health")["epoch"]
        known = get_meta(self.conn, "server_epoch")
        if known == epoch:
            return False
        with transaction(self.conn):
            if known is not None:  # restored from a backup: send all again, pull all
                unacknowledge_all(self.conn)
            set_meta(self.conn, "server_epoch", epoch)
            set_meta(self.conn, "pull_cursor", "0")
        return known is not None

    def _push(self, report: SyncReport) -> None:
        lost: list[str] = []
        while True:
            rows = outbox.pending(self.conn, PUSH_BATCH)
            if not rows:
                break
            body = {
                "desk_id": self.desk_id,
                "schema_version": SCHEMA_VERSION,
                "training": get_meta(self.conn, "mode") == "training",
                "mutations": [
                    {
                        "seq": row["seq"],
                        "mutation_id": row["mutation_id"],
                        "name": row["name"],
                        "args": json.loads(row["args"]),
                    }
                    for row in rows
                ],
            }
            answer = self._call("POST", "/v1/push", json=body)
            if answer.get("gap_at") is not None and not answer["results"]:
                raise SyncError(f"the server expects mutation {answer['gap_at']} first")
            names = {row["seq"]: row["name"] for row in rows}
            row_ids = {row["seq"]: json.loads(row["args"]).get("id") for row in rows}
            results = [(r["seq"], r["status"], r["result"]) for r in answer["results"]]
            with transaction(self.conn):
                acknowledge(self.conn, results, to_iso(self.clock.now()))
                for seq, status, _result in results:
                    if names.get(seq) == "contact.claim":
                        state = "confirmed" if status == "applied" else "lost"
                        mark_claim(self.conn, row_ids[seq], state)
                        if state == "lost":
                            lost.append(row_ids[seq])
            report.pushed += sum(1 for _, status, _ in results if status == "applied")
            report.rejected += sum(1 for _, status, _ in results if status == "rejected")
            if len(rows) < PUSH_BATCH:
                break
        report.lost_claims = tuple(lost)

    def _pull(self, report: SyncReport) -> None:
        cursor = int(get_meta(self.conn, "pull_cursor") or 0)
        while True:
            page = self._call("GET", "/v1/changes", params={"cursor": cursor, "limit": PULL_PAGE})
            if not page["changes"]:
                break
            report.pulled += apply_rows(self.conn, page["changes"])
            cursor = int(page["next_cursor"])
            with transaction(self.conn):
                set_meta(self.conn, "pull_cursor", str(cursor))
            if cursor >= int(page["head"]):
                break

    # -- live pokes ---------------------------------------------------------
    def follow(self, on_head: Callable[[int], None], stopped: Callable[[], bool]) -> None:
        """Read the server's event stream, calling on_head(head) on each move, until
        stopped() or the connection fails (the caller reconnects later)."""
        timeout = httpx.Timeout(30, read=FOLLOW_READ_TIMEOUT)
        with self.http.stream("GET", "/v1/events", timeout=timeout) as response:
            if response.status_code >= 400:
                raise SyncError(f"GET /v1/events: {response.status_code}")
            event = None
            for line in response.iter_lines():
                if stopped():
                    return
                if line.startswith("event:"):
                    event = line.partition(":")[2].strip()
                elif line.startswith("data:") and event == "head":
                    on_head(int(line.partition(":")[2]))

    # -- plumbing -------------------------------------------------------------
    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise SyncError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    @contextmanager
    def _turn(self) -> Iterator[bool]:
        """A lock file beside the database: one syncing process per desk database."""
        lock_path = self.database.with_name(self.database.name + ".sync-lock")
        with lock_path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
