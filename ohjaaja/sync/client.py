"""The desk's sync with the shared server: push the outbox, pull changes.

One round: push every unacknowledged mutation in order, in batches bounded in
count and bytes (the server answers each one, and keeps the answer), then pull
pages of changes since the desk's cursor, each applied with its cursor in one
transaction. Several desk processes on one database take turns through a lock
file, so a mutation is never pushed twice at once.

What the server refuses is never dropped: the answer stays in the outbox, the
desk returns to the server's state of the rows involved, a lost claim stays
lost until the worker has seen it, the text of a refused close is kept on the
contact as its worker's note, and a client refused because another holds its
identity code is merged into that client.

Two kinds of starting over are recognised. The server restored from a backup (a
new epoch): the desk gives back the signed rows it pulled since the backup and
sends again what the server no longer knows, with the answers it once got. The
desk's own numbering started again (its file restored from a backup): the
server refuses a number it has seen with another mutation, and the desk
registers a new incarnation and sends its unacknowledged work under it.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from ohjaaja.db import contacts as contact_rows
from ohjaaja.db import outbox, sync_state
from ohjaaja.db import training as training_rows
from ohjaaja.db.engine import connect, transaction
from ohjaaja.db.files import create_file
from ohjaaja.db.ids import new_id
from ohjaaja.db.reference import get_meta, is_demo, set_meta
from ohjaaja.domain.clock import Clock, to_iso
from ohjaaja.domain.queue import abandoned_event_id, answer_event_id
from ohjaaja.sync import protocol
from ohjaaja.sync.incoming import apply_changes, forget_client_data, signed_rows
from ohjaaja.sync.outgoing import record

FOLLOW_READ_TIMEOUT = 20.0  # the server sends a keepalive every 15 s
PULL_PAGE = 1000
RESTORE_PAGE = 500


class SyncError(RuntimeError):
    """The server refused a request; the message has its reason."""


class SyncModeError(SyncError):
    """A desk file and a server that must never sync: one is for training and the
    other for client data, or the file is a demo and the server holds client data."""

    def __init__(self, database: Path, server: str, mine: str, theirs: str, demo: bool) -> None:
        if mine != theirs:
            why = (f"a {mine} database, and the server {server} is a {theirs} store: "
                   "training and client data never mix")  # fmt: skip
        else:
            why = (f"a demo database never syncs with the client-data server {server} "
                   "(a training demo, `ohjaaja demo --training`, may sync with a training "
                   "server)")  # fmt: skip
        super().__init__(f"{database}: {why}")
        self.database, self.mine, self.theirs, self.demo = database, mine, theirs, demo


@dataclass
class SyncReport:
    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    removed: int = 0  # rows that left this desk's scope
    lost_claims: tuple[str, ...] = ()
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (mutation, reason)
    merged_clients: list[tuple[str, str]] = field(default_factory=list)  # (refused, existing)
    merged_names: list[str] = field(default_factory=list)  # as this desk had them
    kept_notes: int = 0  # texts of refused closes kept as their worker's notes
    quarantined: int = 0  # pulled rows this desk holds aside
    restored: int = 0  # rows given back to a restored server
    epoch_changed: bool = False
    new_incarnation: bool = False
    skipped: bool = False  # another process on this host was syncing

    @property
    def changed_rows(self) -> bool:
        """The round changed rows this desk shows: pulled or removed ones, or ones a
        refusal returned to the server's."""
        return bool(
            self.pulled or self.removed or self.rejected or self.lost_claims
            or self.merged_clients or self.kept_notes or self.restored
        )  # fmt: skip


@dataclass(frozen=True)
class SyncStatus:
    """What the status line shows: online or not, the last good sync, what waits."""

    online: bool
    last_ok: datetime | None
    pending: int
    error: str = ""
    quarantined: int = 0
    rejected: int = 0


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
        self._token_info: dict[str, Any] | None = None

    def close(self) -> None:
        self.http.close()
        self.conn.close()

    @property
    def desk_id(self) -> str:
        """The desk id is the name of its token, asked from the server once."""
        return str(self._whoami()["name"])

    def _whoami(self) -> dict[str, Any]:
        if self._token_info is None:
            self._token_info = self._call("GET", "/v1/whoami")
        return self._token_info

    def _actable(self, rows: list[Any]) -> list[Any]:
        """The rows, up to the first whose worker this desk's token does not act for:
        those wait (pushed, they would be refused, and their work lost) and the
        status line says why until an admin adds the worker to the token."""
        info = self._whoami()
        if info["role"] != "desk":
            return rows
        for n, row in enumerate(rows):
            if row["worker_id"] not in info["workers"]:
                if n:
                    return rows[:n]
                name = sync_state.worker_name(self.conn, row["worker_id"]) or row["worker_id"]
                raise SyncError(
                    f"this desk's token ({info['name']}) does not act for worker {name}: "
                    "their changes wait until an admin adds them to it"
                )
        return rows

    def sync_once(self) -> SyncReport:
        with self._turn() as mine:
            if not mine:
                return SyncReport(skipped=True)
            report = SyncReport()
            health = self._call("GET", "/v1/health")
            self._check_mode(health)
            self._check_epoch(report, health)
            self._push(report)
            self._pull(report)
            merges = sync_state.open_merges(self.conn)
            if merges:  # no write lock taken on a round with nothing to move
                with transaction(self.conn):
                    for from_id, to_id in merges:
                        sync_state.complete_merge(self.conn, from_id, to_id)
            report.quarantined = sync_state.quarantine_count(self.conn)
            return report

    # -- the desk's mode ---------------------------------------------------------
    def _check_mode(self, health: dict[str, Any]) -> None:
        """A desk file's mode is fixed at its first write: a file nothing has written
        yet (a first `sync --once`) takes the server's mode before any row arrives; a
        file of the other mode, or a demo with a client-data server, moves nothing."""
        theirs = "training" if health.get("training") else "production"
        mine = get_meta(self.conn, "mode")
        if mine is None:  # the write lock only on this database's first round
            with transaction(self.conn):
                mine = get_meta(self.conn, "mode") or theirs
                set_meta(self.conn, "mode", mine)
        demo = is_demo(self.conn)
        if mine != theirs or (demo and theirs == "production"):
            raise SyncModeError(self.database, str(self.http.base_url), mine, theirs, demo)

    # -- a restored server --------------------------------------------------------
    def _check_epoch(self, report: SyncReport, health: dict[str, Any]) -> None:
        known = get_meta(self.conn, "server_epoch")
        if known == health["epoch"]:
            return
        if known is None:  # the first sync of this database
            with transaction(self.conn):
                set_meta(self.conn, "server_epoch", health["epoch"])
            return
        report.epoch_changed = True
        epoch_head = int(health.get("epoch_head") or 0)
        rows = signed_rows(self.conn, epoch_head)
        for start in range(0, len(rows), RESTORE_PAGE):
            page = rows[start : start + RESTORE_PAGE]
            answer = self._call("POST", "/v1/restore", json={"rows": page})
            report.restored += int(answer["restored"])
            with transaction(self.conn):
                # Not taken back (changed there since): what this desk did to those
                # rows is applied again rather than trusted to be there.
                for table, row_id in answer["refused"]:
                    sync_state.forget_signed(self.conn, table, row_id)
        known_seq = int(self._send([])["last_seq"])
        with transaction(self.conn):
            outbox.resend_after(self.conn, known_seq)
            cursor = int(get_meta(self.conn, "pull_cursor") or 0)
            set_meta(self.conn, "pull_cursor", str(min(cursor, epoch_head)))
            set_meta(self.conn, "server_epoch_head", str(epoch_head))
            set_meta(self.conn, "server_epoch", health["epoch"])

    # -- push -------------------------------------------------------------------
    def _incarnation(self) -> str:
        found = get_meta(self.conn, "incarnation")
        if found is None:
            found = new_id()
            with transaction(self.conn):
                set_meta(self.conn, "incarnation", found)
        return found

    def _push(self, report: SyncReport) -> None:
        lost: list[str] = []
        renumbered = False
        while True:
            rows = outbox.pending(self.conn, protocol.PUSH_BATCH_COUNT)
            if not rows:
                break
            batch = _fill(self._actable(rows))
            try:
                answer = self._send([self._outgoing(row) for row in batch])
            except SeqReusedError:
                if renumbered:
                    raise SyncError("the server refused this desk's numbering twice") from None
                renumbered = report.new_incarnation = True
                with transaction(self.conn):
                    set_meta(self.conn, "incarnation", new_id())
                continue
            if not answer["results"]:
                raise SyncError(f"the server expects mutation {answer.get('gap_at')} first")
            by_seq = {row["seq"]: row for row in batch}
            with transaction(self.conn):
                self._record_answers(answer["results"], by_seq, report, lost)
            if len(answer["results"]) < len(batch) and answer.get("gap_at") is not None:
                raise SyncError(f"the server expects mutation {answer['gap_at']} first")
        report.lost_claims = tuple(lost)

    def _outgoing(self, row: Any) -> dict[str, Any]:
        size = len(row["args"].encode("utf-8"))
        item: dict[str, Any] = {
            "seq": row["seq"],
            "mutation_id": row["mutation_id"],
            "name": row["name"],
            "worker_id": row["worker_id"],
            "args": json.loads(row["args"]) if size <= protocol.MUTATION_MAX_BYTES else {},
        }
        if size > protocol.MUTATION_MAX_BYTES:
            item["oversize"] = size  # never sent whole; the server refuses it and we go on
        replay = self._replay(row)
        if replay is not None:
            item["replay"] = replay
        return item

    def _replay(self, row: Any) -> dict[str, Any] | None:
        """For an entry the server once answered and lost in a restore: that answer,
        if it still holds. A refusal always does; an applied mutation does if the
        rows it wrote are in the restored store or were given back (the desk holds
        them signed at least as new); else it is applied again."""
        if row["status"] is None:
            return None
        result = json.loads(row["result"] or "{}")
        if row["status"] == "rejected":
            return {"status": "rejected", "result": result}
        epoch_head = int(get_meta(self.conn, "server_epoch_head") or 0)
        for written in result.get("rows", []):
            if len(written) < 3:
                return None
            table, row_id, seq = written
            held = sync_state.signed_seq(self.conn, table, row_id)
            if seq > epoch_head and (held is None or held < seq):
                return None
        return {"status": "applied", "result": result}

    def _send(self, mutations: list[dict[str, Any]]) -> dict[str, Any]:
        body = {
            "desk_id": self.desk_id,
            "incarnation": self._incarnation(),
            "schema_version": protocol.SCHEMA_VERSION,
            "training": get_meta(self.conn, "mode") == "training",
            "mutations": mutations,
        }
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        response = self.http.post(
            "/v1/push", content=content, headers={"content-type": "application/json"}
        )
        if response.status_code == 409 and "seq_reused" in response.text:
            raise SeqReusedError(response.text)
        return self._answer("POST", "/v1/push", response)

    def _record_answers(
        self,
        results: list[dict[str, Any]],
        sent: dict[int, Any],
        report: SyncReport,
        lost: list[str],
    ) -> None:
        """The server's answers into the outbox, and the desk back to the server's state
        wherever it refused something."""
        now = to_iso(self.clock.now())
        outbox.acknowledge(
            self.conn,
            [(r["seq"], r["status"], json.dumps(_without_rows(r["result"]))) for r in results],
            now,
        )
        skip = sync_state.pending_row_ids(self.conn)
        for answer in results:
            row = sent.get(answer["seq"])
            if row is None:
                continue
            name, args, result = row["name"], json.loads(row["args"]), answer["result"]
            applied = answer["status"] == "applied"
            report.pushed += applied
            if row["status"] == answer["status"]:
                continue  # answered alike before a restore and sent again: nothing new
            if applied:
                if name == "contact.claim":
                    sync_state.mark_claim(self.conn, args["id"], "confirmed")
                continue
            report.rejected += 1
            report.refusals.append((name, str(result.get("reason"))))
            apply_changes(self.conn, result.get("current", []), skip, now)
            refused_event = _answer_event_of(name, args)
            if refused_event is not None:  # the take, release or callback did not happen
                sync_state.forget_event(self.conn, "contact_event", refused_event)
            if name == "contact.claim":
                # Lost only when another took it or its caller hung up first (the worker
                # is told, what they wrote kept); any other refusal leaves the contact
                # as the server has it, and no claim of ours.
                taken = result.get("reason") in ("taken", "abandoned")
                sync_state.mark_claim(self.conn, args["id"], "lost" if taken else None)
                if taken:
                    lost.append(args["id"])
            elif name == "contact.close" and args.get("note", "").strip():
                self._keep_note(args, row["worker_id"], now)
                report.kept_notes += 1
            elif name in ("contact.callback", "handover.move") and args.get("event"):
                # A refused move or callback did not happen: nor did its event.
                table = "contact_event" if name == "contact.callback" else "handover_event"
                sync_state.forget_event(self.conn, table, args["event"]["id"])
            elif name == "contact.abandon":
                # Someone took the contact first: the caller did not hang up unanswered.
                sync_state.forget_event(self.conn, "contact_event", abandoned_event_id(args["id"]))
                training_rows.forget_abandoned(self.conn, args["id"])  # a shift's, too
            elif name == "client.create" and result.get("reason") == "hetu_taken":
                client = args["client"]
                report.merged_names.append(f"{client['last_name']} {client['first_names']}")
                if isinstance(result.get("existing"), str):
                    sync_state.add_merge(self.conn, client["id"], result["existing"], now)
                    report.merged_clients.append((client["id"], result["existing"]))
                # Else the holder is outside this desk's reach: it is not named here, and
                # the server files what is sent about this client under the holder.

    def _keep_note(self, close: dict[str, Any], worker_id: str, now: str) -> None:
        """A refused close's text becomes its worker's note on the contact (synced, so
        the worker who holds the contact reads it too)."""
        note = {"id": new_id(), "contact_id": close["id"], "worker_id": worker_id, "at": now,
                "text": close["note"], "why": "close_refused"}  # fmt: skip
        contact_rows.add_note(self.conn, note)
        record(self.conn, "contact.note", note, now, worker_id)

    # -- pull ---------------------------------------------------------------------
    def _pull(self, report: SyncReport) -> None:
        cursor = int(get_meta(self.conn, "pull_cursor") or 0)
        while True:
            page = self._call("GET", "/v1/changes", params={"cursor": cursor, "limit": PULL_PAGE})
            before = cursor
            found = self._apply_page(cursor, page, report)
            if found is None:
                cursor = 0  # the reach changed: everything anew
                continue
            cursor = found
            if cursor >= int(page["head"]) or (cursor == before and not page["changes"]):
                break

    def _apply_page(self, cursor: int, page: dict[str, Any], report: SyncReport) -> int | None:
        """A page read from `cursor`, applied with its cursor in one transaction: the
        cursor to go on from, or None when the token's reach changed (the cursor is
        then back at 0, and what the desk may no longer hold is gone)."""
        reach = str(page.get("reach", ""))
        with transaction(self.conn):
            known = get_meta(self.conn, "server_reach")
            if known is None and cursor > 0:
                known = "everything"  # pulled before scopes: the whole region
            if reach != (known or reach):
                # The token now reaches other municipalities or lines: what it may hold
                # is pulled anew (and what it no longer may is taken away).
                skip = sync_state.pending_row_ids(self.conn)
                forget_client_data(self.conn, skip)
                set_meta(self.conn, "server_reach", reach)
                set_meta(self.conn, "pull_cursor", "0")
                return None
            set_meta(self.conn, "server_reach", reach)
            # A page may carry nothing for this desk and still move its cursor on.
            cursor = max(cursor, int(page["next_cursor"]))
            if page["changes"]:
                skip = sync_state.pending_row_ids(self.conn)
                apply_changes(self.conn, page["changes"], skip, to_iso(self.clock.now()))
            set_meta(self.conn, "pull_cursor", str(cursor))
        report.pulled += sum(1 for change in page["changes"] if not change.get("removed"))
        report.removed += sum(1 for change in page["changes"] if change.get("removed"))
        return cursor

    def take_page(self, page: dict[str, Any]) -> SyncReport | None:
        """A page the event stream carried, applied if it starts at this database's
        cursor, in the epoch this database last synced in (so after that round's
        checks of mode and epoch), while no other process syncs it; None if not, and
        then the head that follows decides whether a round pulls instead."""
        with self._turn() as mine:
            if not mine or page.get("epoch") != get_meta(self.conn, "server_epoch"):
                return None
            cursor = int(get_meta(self.conn, "pull_cursor") or 0)
            if int(page.get("cursor", -1)) != cursor:
                return None
            report = SyncReport()
            if self._apply_page(cursor, page, report) is None:
                return None  # the reach changed: a round pulls everything anew
            return report

    # -- live pokes ---------------------------------------------------------
    def pulled_to(self, head: int) -> bool:
        """Has this database pulled the server's changes up to `head`? Desks on one
        file share its cursor, so another process's round may have done it."""
        return int(get_meta(self.conn, "pull_cursor") or 0) >= head

    def follow(
        self,
        on_head: Callable[[int], None],
        stopped: Callable[[], bool],
        on_page: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        """Read the server's event stream, calling on_head(head) on each move, until
        stopped() or the connection fails (the caller reconnects later). With
        on_page, the stream also carries the changes from this database's cursor,
        each page given to on_page before its head."""
        timeout = httpx.Timeout(30, read=FOLLOW_READ_TIMEOUT)
        params = {}
        if on_page is not None:
            params["cursor"] = int(get_meta(self.conn, "pull_cursor") or 0)
        with self.http.stream("GET", "/v1/events", params=params, timeout=timeout) as response:
            if response.status_code >= 400:
                raise SyncError(f"GET /v1/events: {response.status_code}")
            event = None
            for line in response.iter_lines():
                if stopped():
                    return
                if line.startswith("event:"):
                    event = line.partition(":")[2].strip()
                    if event == "revoked":
                        raise SyncError("this desk's token was revoked")
                elif line.startswith("data:") and event == "head":
                    on_head(int(line.partition(":")[2]))
                elif line.startswith("data:") and event == "changes" and on_page is not None:
                    on_page(json.loads(line.partition(":")[2]))

    # -- plumbing -------------------------------------------------------------
    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return self._answer(method, path, self.http.request(method, path, **kwargs))

    @staticmethod
    def _answer(method: str, path: str, response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            if isinstance(detail, dict):
                detail = detail.get("message") or detail
            raise SyncError(f"{response.status_code} from {method} {path}: {detail}")
        answer: dict[str, Any] = response.json()
        return answer

    @contextmanager
    def _turn(self) -> Iterator[bool]:
        """A lock file beside the database: one syncing process per desk database."""
        lock_path = self.database.with_name(self.database.name + ".sync-lock")
        create_file(lock_path)
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


class SeqReusedError(SyncError):
    """The server has seen this desk's numbers with other mutations."""


def _fill(rows: list[Any]) -> list[Any]:
    """As many entries as fit in a batch's bytes (at least one: an entry over the
    mutation limit goes alone, without its arguments)."""
    batch: list[Any] = []
    size = 0
    for row in rows:
        length = len(row["args"].encode("utf-8"))
        if batch and size + length > protocol.PUSH_BATCH_BYTES:
            break
        batch.append(row)
        size += min(length, protocol.MUTATION_MAX_BYTES)
    return batch


def _without_rows(result: dict[str, Any]) -> dict[str, Any]:
    """What the outbox keeps of an answer: the current rows were applied, not kept."""
    return {k: v for k, v in result.items() if k != "current"}


_ANSWER_EVENTS = {"contact.claim": "taken", "contact.release": "released",
                  "contact.callback": "callback_scheduled"}  # fmt: skip


def _answer_event_of(name: str, args: dict[str, Any]) -> str | None:
    """The id of the answer event a refused mutation's desk wrote (its time is in the
    arguments; the server records the same), or None."""
    kind = _ANSWER_EVENTS.get(name)
    at = args.get("at")
    if kind is None or not isinstance(at, str) or not isinstance(args.get("id"), str):
        return None
    worker = args.get("worker_id")
    return answer_event_id(args["id"], kind, at, worker if isinstance(worker, str) else None)
