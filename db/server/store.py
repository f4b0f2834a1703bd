"""The shared server's store: SQLite or PostgreSQL through SQLAlchemy Core.

Every writing transaction first locks the counter row that hands out sequence
numbers. That one lock orders all writers of the store, whichever server process
they run in: sequence order is commit order (a pull cursor never skips a row),
a compare-and-set decided on a read cannot be overtaken, and two writers never
hold row locks in crossing orders (no deadlocks).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from ohjaaja.db.engine import file_problem
from ohjaaja.db.files import create_file
from ohjaaja.db.ids import new_id, worker_id
from ohjaaja.db.server.journal import Journal
from ohjaaja.db.server.migrations import upgrade
from ohjaaja.db.server.tables import (
    client_alias,
    client_identity,
    client_trail,
    counter,
    desk_incarnation,
    pushed_mutation,
    report_keys,
    row_link,
    row_state,
    scope_exit,
    server_meta,
    token,
    worker,
)
from sqlalchemy import (
    String,
    Table,
    any_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

Row = dict[str, Any]
# PostgreSQL's deadlock and serialization failures: the transaction is run again.
READ_ONLY = "ohjaaja_read_only"  # an execution option: begin without the write lock
_RETRY_STATES = ("40P01", "40001")
_RETRIES = 5


class StoreModeError(RuntimeError):
    """A training store opened as production, or the other way round."""


class StoreFileError(RuntimeError):
    """A store file that is empty or not a database: never silently made anew."""


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: str
    workers: frozenset[str]  # worker ids this token acts for
    munis: str | None = None  # its reach, as row_state keeps scopes ('|091|'; None: all)
    lines: str | None = None
    identity_codes: bool = True


@dataclass(frozen=True)
class Voucher:
    """A token as read at one token revision, for a caller that keeps it between
    requests (intake's token cache, ohjaaja.sync.server.auth). Kept, it is taken on
    trust only up to a write: the write's own transaction checks it again when the
    revision has moved since (Writer.token_holds)."""

    secret_hash: str
    info: TokenInfo
    revision: int


class TokenRevoked(Exception):
    """A kept token was revoked or changed before the write that relied on it."""


@dataclass(frozen=True)
class RowScope:
    """Who may be sent a row (see db.server.tables.row_state), the client it concerns,
    and the rows of client data it refers to."""

    kind: str = "shared"
    munis: str | None = None
    lines: str | None = None
    subject: str | None = None
    parents: tuple[tuple[str, str], ...] = ()
    blind: str | None = None  # JSON [column, munis, lines]: references some reaches can't follow
    origin: str | None = None  # the desk (token name) that made the row


# The rules of scope live above the store (ohjaaja.sync.server.scoping); a store opened
# without them (admin commands) writes only shared rows.
Scoper = Callable[["Writer", str, str, dict[str, Any]], RowScope]


def shared(_writer: Writer, _table: str, _row_id: str, _data: dict[str, Any]) -> RowScope:
    return RowScope()


@dataclass(frozen=True)
class Exit:
    """A row that left the scope it had at seq; its scope now (None: gone)."""

    seq: int
    table: str
    id: str
    munis: str | None
    lines: str | None
    now: RowScope | None


# A pull's page: rows, exits, the cursor to ask from next, the head.
Page = tuple[list[Row], list[Exit], int, int]


@dataclass(frozen=True)
class TokenRecord:
    name: str
    role: str
    workers: tuple[str, ...]  # names
    created_at: str
    revoked_at: str | None
    munis: str | None = None
    lines: str | None = None
    identity_codes: bool = True

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class WorkerRecord:
    id: str
    name: str
    roles: tuple[str, ...]
    teams: tuple[str, ...]
    active: bool


T = TypeVar("T")


class Pages(Generic[T]):
    """What a pull read, kept for the head it was read at. A key names its head, so a
    new head makes every older page useless: they are dropped when the first page of
    the new head is asked for. Asked for at once by many threads, a page is read by
    the first and waited for by the others (never read twice)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._head: Any = None
        self._pages: dict[tuple[Any, ...], Future[T]] = {}

    def get(self, key: tuple[Any, ...], read: Callable[[], T]) -> T:
        mine: Future[T] = Future()
        with self._lock:
            if self._head is not None and key[0] < self._head:
                late = True  # a reader late for its head: it reads, nothing is kept
            else:
                late = False
                if key[0] != self._head:
                    self._head, self._pages = key[0], {}
                found = self._pages.setdefault(key, mine)
        if late:
            return read()
        if found is not mine:
            return found.result()
        try:
            mine.set_result(read())
        except BaseException as exc:
            with self._lock:  # a failed read is not kept: the next asker reads again
                if self._pages.get(key) is mine:
                    del self._pages[key]
            mine.set_exception(exc)
            raise
        return mine.result()


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        _check_file(path)
        if path not in ("", ":memory:"):
            create_file(Path(path))  # 0600 (db.files), and so its -wal and -shm
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy's BEGIN below, not pysqlite's
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            # A writer takes the write lock at BEGIN, so two writers queue instead of
            # deadlocking; a read (Store.reading) begins deferred: it reads WAL's
            # snapshot beside the writer instead of queueing behind it.
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def _check_file(path: str) -> None:
    problem = file_problem(path)
    if problem is not None:
        raise StoreFileError(
            f"{problem}: restore it from a backup, or move it aside to start a new store"
        )


class Store:
    # PostgreSQL: every transaction that moves the head or the token revision notifies
    # this channel at commit (ohjaaja.sync.server.watch listens).
    CHANNEL = "ohjaaja_head"

    def __init__(
        self,
        url: str,
        training: bool | None = None,
        journal: Journal | None = None,
        scoper: Scoper | None = None,
    ) -> None:
        """Open (creating if new, upgrading if old) a store. `training` fixes a new
        store's mode; for an existing one it must agree, so training data and
        client data never share a store. None: whatever the store already is.
        `scoper`: the rules of scope (a server has them; rows written before
        scopes are scoped when a store is first opened with them)."""
        self.engine = make_engine(url)
        self.journal = journal
        self.scoper: Scoper = shared
        upgrade(self.engine)
        with self.engine.begin() as conn:
            meta = dict(conn.execute(select(server_meta.c.key, server_meta.c.value)).all())
            if "mode" not in meta:
                meta["mode"] = "training" if training else "production"
                for key in ("mode", "epoch", "epoch_head"):
                    value = {"mode": meta["mode"], "epoch": new_id(), "epoch_head": "0"}[key]
                    conn.execute(insert(server_meta).values(key=key, value=value))
                conn.execute(insert(counter).values(name="seq", value=0))
        self.training = meta["mode"] == "training"
        if training is not None and training != self.training:
            raise StoreModeError(f"this is a {meta['mode']} store")
        self._row_key = bytes.fromhex(meta["row_key"])
        self.pages: Pages[Page] = Pages()  # pull pages read once per head
        self.on_commit: Callable[[], None] | None = None  # after a commit that moved the head
        self.listen_url: str | None = None  # where to LISTEN for commits (PostgreSQL)
        self._epoch: tuple[float, str] | None = None  # (read at, monotonic; the epoch)
        if self.engine.dialect.name == "postgresql":
            self.listen_url = self.engine.url.set(drivername="postgresql").render_as_string(
                hide_password=False
            )
        if scoper is not None:
            self.use_scoper(scoper)

    @contextlib.contextmanager
    def reading(self, one_statement: bool = False) -> Iterator[Connection]:
        """A connection for reads only: on SQLite its transaction begins deferred and
        never takes the write lock (head polls, token checks and pulls went on one at
        a time behind every push); PostgreSQL reads never lock. `one_statement`: a
        read of one statement needs no transaction of its own; on PostgreSQL it then
        runs without BEGIN and ROLLBACK, two round trips of the three (a pull's token
        check and epoch were half of the server's waits with 200 desks following)."""
        with self.engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            if one_statement and self.engine.dialect.name == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    def use_scoper(self, scoper: Scoper) -> None:
        """Write with these rules of scope from now on, and scope the rows written
        before scopes, parents before children (no new sequence numbers: desks
        that hold them keep them until they start over)."""
        self.scoper = scoper
        with self.reading() as conn:
            tables = [t for (t,) in conn.execute(
                select(row_state.c.tbl).where(row_state.c.kind == "unscoped").distinct()
            )]  # fmt: skip
        order = ("client", "client_phone", "relative", "contact", "contact_event", "offer",
                 "notification", "handover", "handover_event")  # fmt: skip
        for table in sorted(tables, key=lambda t: order.index(t) if t in order else -1):

            def scope_table(writer: Writer, table: str = table) -> None:
                for row_id, data in writer.conn.execute(
                    select(row_state.c.id, row_state.c.data).where(
                        row_state.c.tbl == table, row_state.c.kind == "unscoped"
                    )
                ).all():
                    found = self.scoper(writer, table, row_id, dict(data))
                    writer.set_scope(table, row_id, found)

            self.transaction(scope_table)
        self.pages = Pages()  # scoped without new numbers: pages read before are not so

    def close(self) -> None:
        """Checkpoint an SQLite store's WAL into its file, so a plain copy of the file
        after shutdown holds every commit."""
        if self.engine.dialect.name == "sqlite":
            raw = self.engine.raw_connection()  # outside a transaction, as a checkpoint must be
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        self.engine.dispose()

    # -- epochs ---------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        with self.reading(one_statement=True) as conn:
            found = conn.execute(
                select(server_meta.c.value).where(server_meta.c.key == key)
            ).scalar()
            return None if found is None else str(found)

    EPOCH_SECONDS = 1.0

    @property
    def epoch(self) -> str:
        """This store's epoch, read again when the one read is a second old: every
        pull and push answers with it, and it changes only by `new_epoch` (here: at
        once; in another process, with the servers stopped as the restore's steps
        say, or else seen within the second)."""
        now = time.monotonic()
        if self._epoch is None or now - self._epoch[0] >= self.EPOCH_SECONDS:
            self._epoch = (now, self._meta("epoch") or "")
        return self._epoch[1]

    @property
    def epoch_head(self) -> int:
        """The head when the current epoch began: rows a desk holds with a later
        sequence number may be missing here after a restore."""
        return int(self._meta("epoch_head") or 0)

    def new_epoch(self) -> str:
        """After restoring a backup: replay the admin journal, then start an epoch.
        Desks see it, give back the signed rows and mutations this store lacks."""
        if self.journal is not None:
            for entry in self.journal.entries():
                self._replay(entry)
        epoch = new_id()
        with self.engine.begin() as conn:
            head = _lock_counter(conn)
            previous = _epochs(conn)[0]
            for key, value in (
                ("epoch", epoch), ("epoch_head", str(head)), ("previous_epoch", previous)
            ):  # fmt: skip
                updated = conn.execute(
                    update(server_meta).where(server_meta.c.key == key).values(value=value)
                ).rowcount
                if not updated:
                    conn.execute(insert(server_meta).values(key=key, value=value))
        self._epoch = None
        return epoch

    def heads(self) -> tuple[int, int]:
        """(the sequence head, the token revision) in one read."""
        with self.reading(one_statement=True) as conn:
            found = dict(conn.execute(select(counter.c.name, counter.c.value)).all())
        return int(found.get("seq", 0)), int(found.get("tokens", 0))

    def head(self) -> int:
        return self.heads()[0]

    # -- tokens ----------------------------------------------------------------
    def create_token(
        self,
        name: str,
        role: str,
        at: str,
        workers: Iterable[str] = (),
        munis: str | None = None,
        lines: str | None = None,
        identity_codes: bool = True,
    ) -> str:
        """A new token; `workers` are names of registered workers it may act for;
        munis, lines and identity_codes its reach (None: the whole region)."""
        secret = "ohj_" + secrets.token_urlsafe(32)  # a prefix: never read as an option
        entry = {
            "op": "token.create", "at": at, "id": new_id(), "name": name, "role": role,
            "secret_hash": token_hash(secret), "workers": self._worker_ids(workers),
            "munis": munis, "lines": lines, "identity_codes": identity_codes,
        }  # fmt: skip
        self._administer(entry)
        return secret

    def revoke_token(self, name: str, at: str) -> int:
        return self._administer({"op": "token.revoke", "at": at, "name": name})

    def set_token_workers(self, name: str, workers: Iterable[str], at: str) -> int:
        roles = {t.role for t in self.tokens() if t.name == name and t.active}
        if roles - {"desk"}:
            raise KeyError(f"{name} is a {'/'.join(sorted(roles))} token: only desk tokens act "
                           "for workers")  # fmt: skip
        return self._administer({"op": "token.workers", "at": at, "name": name,
                                 "workers": self._worker_ids(workers)})  # fmt: skip

    def tokens(self) -> list[TokenRecord]:
        """Every token (never its secret): name, role, workers, made and revoked when."""
        names = {w.id: w.name for w in self.workers()}
        with self.reading() as conn:
            rows = conn.execute(select(token).order_by(token.c.name, token.c.created_at)).all()
        return [
            TokenRecord(
                row.name,
                row.role,
                tuple(names.get(w, w) for w in json.loads(row.workers)),
                row.created_at,
                row.revoked_at,
                row.munis,
                row.lines,
                bool(row.identity_codes),
            )
            for row in rows
        ]

    def authenticate(self, secret: str) -> TokenInfo | None:
        with self.reading(one_statement=True) as conn:
            return _token_info(conn, token_hash(secret))

    def vouch(self, secret: str) -> Voucher | None:
        """The live token and the revision it was read at. The revision is read first:
        a revocation committed between the two reads leaves the revision behind (the
        write checks again), never a revoked token beside a fresh revision."""
        key = token_hash(secret)
        with self.reading() as conn:
            revision = _token_revision(conn)
            info = _token_info(conn, key)
        return None if info is None else Voucher(key, info, revision)

    # -- the worker register -------------------------------------------------------
    def add_worker(
        self, name: str, roles: Iterable[str] | None, teams: Iterable[str] | None, at: str
    ) -> str:
        """Add a worker, or change one: roles or teams not given stay as they are (a
        new worker: guidance, no teams)."""
        known = {w.name: w for w in self.workers()}.get(name)
        entry = {
            "op": "worker.add", "at": at, "name": name,
            "roles": sorted(roles) if roles is not None
            else list(known.roles) if known else ["guidance"],
            "teams": sorted(teams) if teams is not None else list(known.teams) if known else [],
        }  # fmt: skip
        self._administer(entry)
        return worker_id(name)

    def remove_worker(self, name: str, at: str) -> int:
        return self._administer({"op": "worker.remove", "at": at, "name": name})

    def workers(self) -> list[WorkerRecord]:
        with self.reading() as conn:
            rows = conn.execute(select(worker).order_by(worker.c.name)).all()
        return [_worker_record(row) for row in rows]

    def _worker_ids(self, names: Iterable[str]) -> list[str]:
        known = {w.name: w.id for w in self.workers() if w.active}
        missing = [name for name in names if name not in known]
        if missing:
            raise KeyError(f"not in the worker register: {', '.join(missing)}")
        return sorted(known[name] for name in names)

    def _administer(self, entry: Row) -> int:
        """Carry out an admin operation and journal it, if it changed anything."""
        changed = self._replay(entry)
        if changed and self.journal is not None:
            self.journal.append(entry)
        return changed

    def _replay(self, entry: Row) -> int:
        """Carry out one admin operation; done again (a journal replay) it changes
        nothing that is already so. Returns how many rows it changed."""
        op = entry["op"]
        with self.engine.begin() as conn:
            if op == "token.create":
                exists = conn.execute(select(token.c.id).where(token.c.id == entry["id"])).first()
                if exists:
                    return 0
                conn.execute(insert(token).values(
                    id=entry["id"], name=entry["name"], role=entry["role"],
                    secret_hash=entry["secret_hash"], created_at=entry["at"],
                    workers=json.dumps(entry["workers"]), munis=entry.get("munis"),
                    lines=entry.get("lines"), identity_codes=int(entry.get("identity_codes", 1)),
                ))  # fmt: skip
                return 1
            if op == "token.revoke":
                # The counter lock every writer takes first: a revocation waits for a
                # write under way (which may trust the token at the old revision), and
                # any later write reads the new revision (Writer.token_holds).
                _lock_counter(conn)
                changed = conn.execute(
                    update(token)
                    .where(token.c.name == entry["name"], token.c.revoked_at.is_(None))
                    .values(revoked_at=entry["at"])
                ).rowcount
                _tokens_moved(conn)
                return int(changed)
            if op == "token.workers":
                _lock_counter(conn)  # as token.revoke
                changed = conn.execute(
                    update(token).where(token.c.name == entry["name"])
                    .values(workers=json.dumps(entry["workers"]))
                ).rowcount  # fmt: skip
                _tokens_moved(conn)  # an open stream's disclosures name the workers
                return int(changed)
            writer = Writer(conn, self._row_key, self.training, self.scoper)
            if op == "worker.add":
                return writer.register_worker(entry["name"], entry["roles"], entry["teams"],
                                              entry["at"])  # fmt: skip
            if op == "worker.remove":
                return writer.unregister_worker(entry["name"], entry["at"])
        raise ValueError(f"unknown admin operation {op!r}")

    # -- writing ---------------------------------------------------------------
    def transaction(self, work: Callable[[Writer], Any]) -> Any:
        """Run `work` in one transaction that holds the counter lock; on PostgreSQL a
        deadlock or serialization failure runs it again (work must be repeatable)."""
        for attempt in range(_RETRIES):
            try:
                with self.engine.begin() as conn:
                    writer = Writer(conn, self._row_key, self.training, self.scoper)
                    writer.lock()
                    result = work(writer)
                    writer.finish()
                if writer.moved and self.on_commit is not None:
                    self.on_commit()
                return result
            except DBAPIError as exc:
                state = getattr(exc.orig, "sqlstate", None)
                if state not in _RETRY_STATES or attempt == _RETRIES - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    # -- reading -----------------------------------------------------------
    def changes(
        self, cursor: int, limit: int, munis: Iterable[str] | None = None,
        lines: Iterable[str] | None = None,
    ) -> Page:  # fmt: skip
        """Rows a reach may be sent (munis, lines: None for all) changed after the
        cursor, in sequence order, each signed; the rows that left some scope in
        the same stretch (the caller decides whose); the cursor to ask from next;
        the head. Audit rows are never among them.

        A page is read once per head: the many desks a change wakes ask for the same
        page (same cursor, limit and reach) and share one reading of it, the first
        asker's, while the others wait for it (Pages)."""
        reach = (None if munis is None else tuple(sorted(munis)),
                 None if lines is None else tuple(sorted(lines)))  # fmt: skip
        with self.reading() as conn:
            head = int(conn.execute(_HEAD).scalar_one())  # read first: all up to it committed
            epoch = str(conn.execute(_EPOCH).scalar_one())

        def read() -> Page:  # on a connection of its own: waiting askers hold none
            with self.reading() as conn:
                return self._page(conn, head, epoch, cursor, limit, *reach)

        return self.pages.get((head, epoch, cursor, limit, *reach), read)

    def _page(
        self, conn: Connection, head: int, epoch: str, cursor: int, limit: int,
        munis: tuple[str, ...] | None, lines: tuple[str, ...] | None,
    ) -> Page:  # fmt: skip
        where = [row_state.c.seq > cursor, row_state.c.seq <= head,
                 row_state.c.kind.in_(("shared", "client"))]  # fmt: skip
        for column, codes in ((row_state.c.munis, munis), (row_state.c.lines, lines)):
            if codes is not None:
                where.append(or_(column.is_(None), *(
                    column.contains(f"|{code}|", autoescape=True) for code in codes
                )))  # fmt: skip
        rows = conn.execute(
            select(row_state).where(*where).order_by(row_state.c.seq).limit(limit)
        ).all()
        upto = int(rows[-1].seq) if len(rows) == limit else head
        exits = [
            Exit(int(e.seq), e.tbl, e.id, e.munis, e.lines,
                 None if e.kind is None else RowScope(e.kind, e.now_munis, e.now_lines))
            for e in conn.execute(
                select(scope_exit, row_state.c.kind, row_state.c.munis.label("now_munis"),
                       row_state.c.lines.label("now_lines"))
                .outerjoin(row_state, (row_state.c.tbl == scope_exit.c.tbl)
                           & (row_state.c.id == scope_exit.c.id))
                .where(scope_exit.c.seq > cursor, scope_exit.c.seq <= upto)
                .order_by(scope_exit.c.seq)
            )
        ] if munis is not None or lines is not None else []  # fmt: skip
        changes = [{**_change(row, self._row_key, epoch), "subject": row.subject,
                    "blind_refs": row.blind_refs} for row in rows]  # fmt: skip
        return changes, exits, upto, head

    def knows_client(self, client_id: str) -> bool:
        with self.reading() as conn:
            return (
                conn.execute(
                    select(row_state.c.id).where(
                        row_state.c.tbl == "client", row_state.c.id == client_id
                    )
                ).first()
                is not None
            )

    def record(self, entries: list[Row]) -> None:
        """Append entries to the client trail (see Writer.trail), in one transaction."""
        if entries:
            with self.engine.begin() as conn:
                conn.execute(insert(client_trail), entries)

    def trail(self, client_id: str) -> tuple[list[Row], list[Row]]:
        """A client's record in the whole region: (the looks desks recorded as audit
        rows, the trail of changes, disclosures and reads of this log), including
        what was recorded under ids merged into this client."""
        with self.reading() as conn:
            ids = [client_id, *conn.execute(
                select(client_alias.c.alias).where(client_alias.c.client_id == client_id)
            ).scalars()]  # fmt: skip
            looks = [
                dict(row.data)
                for row in conn.execute(
                    select(row_state.c.data).where(
                        row_state.c.subject.in_(ids), row_state.c.tbl == "audit"
                    )
                )
            ]
            entries = [
                dict(row._mapping)
                for row in conn.execute(
                    select(client_trail)
                    .where(client_trail.c.client_id.in_(ids))
                    .order_by(client_trail.c.id)
                )
            ]
        return looks, entries


class Writer:
    """Operations inside one server transaction (see Store.transaction).

    A batch is read and written in sets: `prefetch` reads every row a batch names in
    one SELECT; rows, trail entries, links and the mutation log are written when the
    transaction finishes (or before a read that must see them), one executemany per
    kind, each row once at its last version (`_pending`). `get` answers from what
    was read or written in this transaction."""

    def __init__(
        self, conn: Connection, row_key: bytes, training: bool, scoper: Scoper = shared
    ) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.row_key = row_key
        self.training = training
        self.scoper = scoper
        self._scopes: dict[tuple[str, str], RowScope | None] = {}
        # Who is writing (token name, acting worker, mutation, time): each change of
        # client data is put on that client's trail with it. None: no trail (admin).
        self.context: Row | None = None
        self._seq: int | None = None  # the last number handed out in this transaction
        self._start: int | None = None  # the counter as last stored in this transaction
        self._first: int | None = None  # the counter as this transaction found it
        self._workers: dict[str, WorkerRecord | None] = {}
        self._epochs: tuple[str, str | None, int] | None = None
        self._rows: dict[tuple[str, str], Row | None] = {}  # (table, id): data, None: absent
        self._token_revision: int | None = None  # read once a transaction
        self._read: dict[str, frozenset[str]] = {}  # id: the tables whose rows are in _rows
        self._pending: dict[tuple[str, str], tuple[bool, Row]] = {}  # (insert?, values)
        self._links: list[Row] = []
        self._trail: list[Row] = []
        self._log: list[Row] = []

    def token_holds(self, voucher: Voucher) -> int:
        """The token revision, if the kept token still holds in this transaction;
        raises TokenRevoked if it was revoked or changed. Where the revision has not
        moved since it was read, no token can have changed: one read per transaction."""
        if self._token_revision is None:
            self._token_revision = _token_revision(self.conn)
        current = self._token_revision
        if current != voucher.revision and _token_info(self.conn, voucher.secret_hash) != (
            voucher.info
        ):
            raise TokenRevoked(voucher.info.name)
        return current

    @property
    def moved(self) -> bool:
        """This transaction handed out sequence numbers."""
        return self._seq is not None and self._seq != self._first

    def lock(self) -> None:
        """Lock the counter row (SQLite's BEGIN IMMEDIATE already holds its write lock)."""
        if self._seq is None:
            self._seq = self._start = self._first = _lock_counter(self.conn)

    def next_seq(self) -> int:
        self.lock()
        assert self._seq is not None
        self._seq += 1
        return self._seq

    def finish(self) -> None:
        """Write what waits, and store the last number handed out (once, at the end
        of the transaction)."""
        self.flush()
        if self._seq is not None and self._seq != self._start:
            self.conn.execute(
                update(counter).where(counter.c.name == "seq").values(value=self._seq)
            )
            self._start = self._seq
            _notify(self.conn)

    def flush(self) -> None:
        """Write the rows, links, trail entries and log entries that wait, one
        statement (executemany) per kind; rows, trail and log through the driver
        (`_Bulk`), their JSON made once."""
        if self._pending:
            inserts = [values for new, values in self._pending.values() if new]
            updates = [values for new, values in self._pending.values() if not new]
            self._pending = {}
            if inserts:
                _ROW_INSERT.run(self.conn, self.postgres, inserts)
            if updates:
                _ROW_UPDATE.run(self.conn, self.postgres, updates)
        if self._links:
            links, self._links = self._links, []
            dialect = postgresql if self.postgres else sqlite
            self.conn.execute(dialect.insert(row_link).on_conflict_do_nothing(), links)
        if self._trail:
            entries, self._trail = self._trail, []
            _TRAIL.run(self.conn, self.postgres, entries)
        if self._log:
            entries, self._log = self._log, []
            _LOG.run(self.conn, self.postgres, entries)

    def prefetch(self, tables: Iterable[str], ids: Iterable[str]) -> None:
        """Read the rows of these tables with these ids, and their scopes, in one
        statement per thousand ids: what a batch will look at. (Every table, so
        `get` knows a row it did not find is not there.)"""
        tables = frozenset(tables)
        wanted = sorted({i for i in ids if not tables <= self._read.get(i, frozenset())})
        for first in range(0, len(wanted), 1000):
            chunk = wanted[first : first + 1000]
            self.flush()
            for row in self.conn.execute(_PREFETCH[self.postgres], {"ids": chunk}):
                if row.tbl not in tables:
                    continue
                key = (row.tbl, row.id)
                if key not in self._rows:
                    self._rows[key] = dict(row.data)
                    self._scopes.setdefault(key, RowScope(
                        row.kind, row.munis, row.lines, row.subject, blind=row.blind_refs,
                        origin=row.origin,
                    ))  # fmt: skip
            for row_id in chunk:
                self._read[row_id] = self._read.get(row_id, frozenset()) | tables

    # -- synced rows --------------------------------------------------------------
    def get(self, table: str, row_id: str) -> Row | None:
        key = (table, row_id)
        if key not in self._rows and table not in self._read.get(row_id, ()):
            self.flush()
            found = self.conn.execute(_GET, {"t": table, "i": row_id}).first()
            self._rows[key] = None if found is None else dict(found[0])
        data = self._rows.get(key)
        return None if data is None else dict(data)

    def change(self, table: str, row_id: str) -> Row | None:
        """A row as a pull serves it (sequence number, version, data, signature)."""
        self.flush()
        found = self.conn.execute(
            select(row_state).where(row_state.c.tbl == table, row_state.c.id == row_id)
        ).first()
        return None if found is None else _change(found, self.row_key, self.epoch)

    def epochs(self) -> tuple[str, str | None, int]:
        """(this epoch, the one before, the head it began at), read once a transaction."""
        if self._epochs is None:
            self._epochs = _epochs(self.conn)
        return self._epochs

    @property
    def epoch(self) -> str:
        return self.epochs()[0]

    def put(self, table: str, row_id: str, data: Row, new: bool = False) -> int:
        """Write a row with the next sequence number; returns that number. `new`: the
        caller has just seen that the row is not here. A row whose scope changes
        leaves an exit behind, and the rows referring to it follow it."""
        if self.training and "is_training" in data and data["is_training"] != 1:
            # A training store's rows are training rows, whoever sent them (a desk, an
            # integration); a desk holds them as marked once it pulls them.
            data = {**data, "is_training": 1}
        seq = self.next_seq()
        version = int(data.get("version", 1))
        scope = self.scoper(self, table, row_id, data)
        before = None if new else self.scope_of(table, row_id)
        encoded = _CANONICAL.encode(data)  # stored as signed: one encoding of the row
        sig = row_signature(self.row_key, self.epoch, table, row_id, version, seq, encoded)
        origin: str | None = (self.context or {}).get("desk")
        values = {"t": table, "i": row_id, "data": encoded, "version": version, "seq": seq,
                  "sig": sig, "kind": scope.kind, "munis": scope.munis, "lines": scope.lines,
                  "subject": scope.subject, "blind": scope.blind, "origin": origin}  # fmt: skip
        values["at"], values["parent"] = report_keys(table, data)
        key = (table, row_id)
        waiting = self._pending.get(key)
        if waiting is not None:  # written before in this transaction: once, at its last
            insert_it = waiting[0]
            values["origin"] = waiting[1]["origin"]
        else:
            insert_it = new or self.get(table, row_id) is None
        self._pending[key] = (insert_it, values)
        self._rows[key] = dict(data)
        self._scopes[(table, row_id)] = replace(
            scope, origin=before.origin if before is not None else origin
        )
        self._link(table, row_id, scope)
        if scope.subject and scope.kind == "client" and self.context is not None:
            self.trail(scope.subject, "change", self.context["action"],
                       [self.context["worker"]], {"table": table, "id": row_id,
                                                  "version": version})  # fmt: skip
        if before is None:
            return seq
        if (before.munis, before.lines) != (scope.munis, scope.lines):
            self.conn.execute(insert(scope_exit).values(
                seq=seq, tbl=table, id=row_id, munis=before.munis, lines=before.lines
            ))  # fmt: skip
            self._follow(table, row_id)
        elif before.subject != scope.subject:  # a contact identified as another client
            self._follow(table, row_id)
        return seq

    def _follow(self, table: str, row_id: str) -> None:
        """The rows referring to a row whose scope or client changed are written again
        (not on anyone's trail: nothing in them changed)."""
        context, self.context = self.context, None
        self.flush()
        try:
            for child_table, child_id in self.conn.execute(
                select(row_link.c.child_tbl, row_link.c.child_id).where(
                    row_link.c.parent_tbl == table, row_link.c.parent_id == row_id
                )
            ).all():
                data = self.get(child_table, child_id)
                if data is not None:
                    self.put(child_table, child_id, data)
        finally:
            self.context = context

    def _link(self, table: str, row_id: str, scope: RowScope) -> None:
        self._links.extend(
            {"parent_tbl": p[0], "parent_id": p[1], "child_tbl": table, "child_id": row_id}
            for p in scope.parents
        )

    def scope_of(self, table: str, row_id: str) -> RowScope | None:
        """A stored row's scope (None: no such row), read once a transaction."""
        key = (table, row_id)
        if (
            key not in self._scopes
            and key not in self._rows
            and table in self._read.get(row_id, ())
        ):
            return None  # read with its batch: no such row
        if key not in self._scopes:
            self.flush()
            found = self.conn.execute(_SCOPE, {"t": table, "i": row_id}).first()
            self._scopes[key] = (
                None if found is None else RowScope(*found[:4], blind=found[4], origin=found[5])
            )
        return self._scopes[key]

    def set_scope(self, table: str, row_id: str, scope: RowScope) -> None:
        """Scope a row without writing it again (a store upgraded to scopes)."""
        self.flush()
        self.conn.execute(
            update(row_state).where(row_state.c.tbl == table, row_state.c.id == row_id)
            .values(kind=scope.kind, munis=scope.munis, lines=scope.lines, subject=scope.subject,
                    blind_refs=scope.blind)
        )  # fmt: skip
        self._scopes[(table, row_id)] = scope
        self._link(table, row_id, scope)

    def trail(self, client_id: str, event: str, action: str, workers: Iterable[str],
              detail: Row) -> None:  # fmt: skip
        """Append to a client's trail (the context's token and time)."""
        context = self.context or {}
        self._trail.append({
            "at": context.get("at") or "", "client_id": client_id, "event": event,
            "action": action, "desk": context.get("desk"),
            "workers": json.dumps(sorted(w for w in workers if w)), "role": context.get("role"),
            "detail": json.dumps(detail),
        })  # fmt: skip

    def restore(self, change: Row) -> bool:
        """A row a desk gives back after a restore: taken only if this store signed it
        in the epoch before this one, after the backup (its sequence number past the
        head the restore began at), and the row here has not changed since (new work
        wins over what comes back). True if it was written."""
        _, previous, head = self.epochs()
        table, row_id, version, seq = (change[k] for k in ("table", "id", "version", "seq"))
        if previous is None or seq <= head:
            return False
        expected = sign_row(self.row_key, previous, table, row_id, version, seq, change["data"])
        if not hmac.compare_digest(change["sig"], expected):
            return False
        self.flush()
        current = self.conn.execute(
            select(row_state.c.version, row_state.c.seq).where(
                row_state.c.tbl == table, row_state.c.id == row_id
            )
        ).first()
        if current is not None and (int(current[1]) > head or int(current[0]) >= version):
            return False
        hetu = change["data"].get("hetu") if table == "client" else None
        if hetu and self.claim_hetu(hetu, row_id) != row_id:
            return False  # another client holds the code here: it stays the holder
        self.put(table, row_id, change["data"])
        return True

    # -- the register, identity codes, merged clients -------------------------------
    def worker(self, worker_key: str) -> WorkerRecord | None:
        if worker_key not in self._workers:
            row = self.conn.execute(select(worker).where(worker.c.id == worker_key)).first()
            self._workers[worker_key] = None if row is None else _worker_record(row)
        return self._workers[worker_key]

    def register_worker(self, name: str, roles: list[str], teams: list[str], at: str) -> int:
        key = worker_id(name)
        values = {"roles": json.dumps(roles), "teams": json.dumps(teams), "removed_at": None}
        existing = self.get("worker", key)
        if (
            self.conn.execute(update(worker).where(worker.c.id == key).values(**values)).rowcount
            == 0
        ):
            self.conn.execute(insert(worker).values(id=key, name=name, created_at=at, **values))
        row = {
            "id": key, "name": name, "roles": json.dumps(roles), "lines": "[]",
            "teams": json.dumps(teams), "language": "fi", "deleted": 0,
            "version": int(existing["version"]) + 1 if existing else 1,
            "created_at": existing["created_at"] if existing else at, "updated_at": at,
        }  # fmt: skip
        unchanged = existing is not None and all(
            existing.get(k) == row[k] for k in ("name", "roles", "teams", "deleted")
        )
        if unchanged:
            return 0
        self.put("worker", key, row)
        self.finish()
        return 1

    def unregister_worker(self, name: str, at: str) -> int:
        key = worker_id(name)
        changed = self.conn.execute(
            update(worker).where(worker.c.id == key, worker.c.removed_at.is_(None))
            .values(removed_at=at)
        ).rowcount  # fmt: skip
        existing = self.get("worker", key)
        if changed and existing:
            self.put("worker", key, {**existing, "deleted": 1, "updated_at": at,
                                     "version": int(existing["version"]) + 1})  # fmt: skip
            self.finish()
        return int(changed)

    def claim_hetu(self, hetu: str, client_id: str) -> str:
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        self.conn.execute(
            dialect.insert(client_identity)
            .values(hetu=hetu, client_id=client_id)
            .on_conflict_do_nothing()
        )
        holder = self.conn.execute(
            select(client_identity.c.client_id).where(client_identity.c.hetu == hetu)
        ).scalar_one()
        return str(holder)

    def free_hetu(self, hetu: str, client_id: str) -> None:
        self.conn.execute(
            delete(client_identity).where(
                client_identity.c.hetu == hetu, client_identity.c.client_id == client_id
            )
        )

    def client_alias(self, client_id: str) -> str | None:
        found = self.conn.execute(
            select(client_alias.c.client_id).where(client_alias.c.alias == client_id)
        ).scalar()
        return None if found is None else str(found)

    def add_client_alias(self, alias: str, client_id: str) -> None:
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        self.conn.execute(
            dialect.insert(client_alias).values(alias=alias, client_id=client_id)
            .on_conflict_do_nothing()
        )  # fmt: skip

    # -- what desks pushed ---------------------------------------------------------
    def sign_answer(self, desk: str, item: Any, status: str, result: Row) -> str:
        """The signature of an answer given to a desk's mutation: what a desk sends back
        after a restore is logged again only if it carries one (db: no rules here)."""
        return sign(self.row_key, "answer", desk, item.mutation_id, item.name, item.worker_id,
                    status, {k: v for k, v in result.items() if k != "sig"})  # fmt: skip

    def pushed(self, desk: str, mutation_ids: list[str]) -> dict[str, Row]:
        """The answers once given to these mutations of this desk, by mutation id."""
        if not mutation_ids:
            return {}
        self.flush()
        found = self.conn.execute(_PUSHED[self.postgres], {"desk": desk, "ids": mutation_ids}).all()
        return {row[0]: {"status": row[1], "result": row[2]} for row in found}

    def last_seq(self, desk: str, incarnation: str) -> int | None:
        found = self.conn.execute(
            select(desk_incarnation.c.last_seq).where(
                desk_incarnation.c.desk == desk, desk_incarnation.c.incarnation == incarnation
            )
        ).scalar()
        return None if found is None else int(found)

    def incarnations(self, desk: str) -> int:
        return int(
            self.conn.execute(
                select(func.count())
                .select_from(desk_incarnation)
                .where(desk_incarnation.c.desk == desk)
            ).scalar_one()
        )

    def set_last_seq(self, desk: str, incarnation: str, seq: int) -> None:
        updated = self.conn.execute(
            update(desk_incarnation)
            .where(desk_incarnation.c.desk == desk, desk_incarnation.c.incarnation == incarnation)
            .values(last_seq=seq)
        ).rowcount
        if not updated:
            self.conn.execute(
                insert(desk_incarnation).values(desk=desk, incarnation=incarnation, last_seq=seq)
            )

    def log(self, desk: str, incarnation: str, seq: int, entry: Row) -> None:
        """entry: mutation_id, name, worker_id, status, result (written at finish)."""
        self._log.append({"desk": desk, "incarnation": incarnation, "seq": seq, **entry,
                          "result": json.dumps(entry["result"])})  # fmt: skip


# The statements every push runs, built once (building and compiling a statement
# per call cost more than running it).
_GET = select(row_state.c.data).where(
    row_state.c.tbl == bindparam("t"), row_state.c.id == bindparam("i")
)


class _Bulk:
    """One INSERT or UPDATE run through the driver's executemany with values in a
    fixed order: a batch's rows skip SQLAlchemy's per-row parameter processing (a
    tenth of a push), and JSON columns take text the caller encoded once."""

    def __init__(self, sql: str, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.sql = {False: sql.replace("%s", "?"), True: sql}  # by store: PostgreSQL?

    @classmethod
    def insert(cls, table: Table, columns: dict[str, str]) -> _Bulk:
        """columns: the table's column by the key of the values that fill it."""
        marks = ", ".join(["%s"] * len(columns))
        return cls(f"INSERT INTO {table.name} ({', '.join(columns.values())}) VALUES ({marks})",
                   tuple(columns))  # fmt: skip

    def run(self, conn: Connection, postgres: bool, entries: list[Row]) -> None:
        keys = self.keys
        conn.exec_driver_sql(self.sql[postgres], [tuple(e[k] for k in keys) for e in entries])


_ROW_COLUMNS = {"t": "tbl", "i": "id", "data": "data", "version": "version", "seq": "seq",
                "sig": "sig", "kind": "kind", "munis": "munis", "lines": "lines",
                "subject": "subject", "blind": "blind_refs", "origin": "origin", "at": "at",
                "parent": "parent"}  # fmt: skip
_ROW_INSERT = _Bulk.insert(row_state, _ROW_COLUMNS)
_SET = tuple(k for k in _ROW_COLUMNS if k not in ("t", "i", "origin"))  # origin: who made it
_ROW_UPDATE = _Bulk(
    f"UPDATE row_state SET {', '.join(f'{_ROW_COLUMNS[k]} = %s' for k in _SET)}"
    " WHERE tbl = %s AND id = %s",
    (*_SET, "t", "i"),
)
_LOG = _Bulk.insert(pushed_mutation, {c.name: c.name for c in pushed_mutation.columns})
_TRAIL = _Bulk.insert(client_trail, {c.name: c.name for c in client_trail.columns
                                     if c.name != "id"})  # fmt: skip
# A row's scope as stored (RowScope's fields), read alone or with the row.
_SCOPE_COLUMNS = (
    row_state.c.kind,
    row_state.c.munis,
    row_state.c.lines,
    row_state.c.subject,
    row_state.c.blind_refs,
    row_state.c.origin,
)
_SCOPE = select(*_SCOPE_COLUMNS).where(
    row_state.c.tbl == bindparam("t"), row_state.c.id == bindparam("i")
)


def _among(column: Any, name: str, postgres: bool) -> Any:
    """`column IN (the list in parameter name)`; on PostgreSQL one array parameter
    (= ANY), sent and planned as one value rather than as hundreds of parameters."""
    if postgres:
        return column == any_(bindparam(name, type_=postgresql.ARRAY(String)))
    return column.in_(bindparam(name, expanding=True))


# By id alone (row_state_id): one lookup an id, not one for each table in the
# primary key; the rows of other tables are passed over. By store: PostgreSQL?
_PREFETCH = {
    postgres: select(row_state.c.tbl, row_state.c.id, row_state.c.data, *_SCOPE_COLUMNS).where(
        _among(row_state.c.id, "ids", postgres)
    )
    for postgres in (False, True)
}
_PUSHED = {
    postgres: select(
        pushed_mutation.c.mutation_id, pushed_mutation.c.status, pushed_mutation.c.result
    ).where(
        pushed_mutation.c.desk == bindparam("desk"),
        _among(pushed_mutation.c.mutation_id, "ids", postgres),
    )
    for postgres in (False, True)
}
_HEAD = select(counter.c.value).where(counter.c.name == "seq")
_EPOCH = select(server_meta.c.value).where(server_meta.c.key == "epoch")


# What json.dumps(parts, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
# writes, without making an encoder for each of a push's two signatures a mutation.
_CANONICAL = json.JSONEncoder(ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def sign(key: bytes, *parts: Any) -> str:
    """An HMAC of the parts (as canonical JSON) with the store's key: only this store
    can make one, so only it can tell its own rows and answers when they come back."""
    return hmac.digest(key, _CANONICAL.encode(parts).encode(), "sha256").hex()[:32]


def sign_row(key: bytes, epoch: str, table: str, row_id: str, version: int, seq: int,
             data: Row) -> str:  # fmt: skip
    """A row as served in an epoch at a sequence number: after a restore the store
    takes back only rows of the epoch before, written after the backup."""
    return row_signature(key, epoch, table, row_id, version, seq, _CANONICAL.encode(data))


def row_signature(key: bytes, epoch: str, table: str, row_id: str, version: int, seq: int,
                  encoded: str) -> str:  # fmt: skip
    """sign_row of a row whose data is already canonical JSON (`encoded`): the same
    bytes sign(...) would sign, the row's part spliced in rather than encoded again."""
    head = _CANONICAL.encode(("row", epoch, table, row_id, version, seq))
    return hmac.digest(key, f"{head[:-1]},{encoded}]".encode(), "sha256").hex()[:32]


def _epochs(conn: Connection) -> tuple[str, str | None, int]:
    """(this epoch, the one before it, the head when this one began)."""
    meta = dict(
        conn.execute(
            select(server_meta.c.key, server_meta.c.value).where(
                server_meta.c.key.in_(("epoch", "previous_epoch", "epoch_head"))
            )
        ).all()
    )
    return str(meta["epoch"]), meta.get("previous_epoch"), int(meta.get("epoch_head") or 0)


def _tokens_moved(conn: Connection) -> None:
    """The token revision moves: open event streams check their tokens again."""
    conn.execute(
        update(counter).where(counter.c.name == "tokens").values(value=counter.c.value + 1)
    )
    _notify(conn)


def _notify(conn: Connection) -> None:
    """Tell every listening server process, at commit, that the counters moved."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"NOTIFY {Store.CHANNEL}")


def _lock_counter(conn: Connection) -> int:
    return int(
        conn.execute(
            select(counter.c.value).where(counter.c.name == "seq").with_for_update()
        ).scalar_one()
    )


def _change(row: Any, key: bytes, epoch: str) -> Row:
    data = dict(row.data)
    version, seq = int(row.version), int(row.seq)
    sig = row.sig or sign_row(key, epoch, row.tbl, row.id, version, seq, data)  # older rows
    return {"seq": seq, "table": row.tbl, "id": row.id, "version": version, "data": data,
            "sig": sig}  # fmt: skip


def _worker_record(row: Any) -> WorkerRecord:
    return WorkerRecord(
        id=row.id,
        name=row.name,
        roles=tuple(json.loads(row.roles)),
        teams=tuple(json.loads(row.teams)),
        active=row.removed_at is None,
    )


def token_hash(secret: str) -> str:
    """How a token's secret is kept: only its hash is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _token_info(conn: Connection, secret_hash: str) -> TokenInfo | None:
    """The live (not revoked) token with this hash."""
    row = conn.execute(
        select(
            token.c.name, token.c.role, token.c.workers, token.c.munis, token.c.lines,
            token.c.identity_codes,
        ).where(token.c.secret_hash == secret_hash, token.c.revoked_at.is_(None))
    ).first()  # fmt: skip
    if row is None:
        return None
    return TokenInfo(
        str(row[0]), str(row[1]), frozenset(json.loads(row[2] or "[]")), row[3], row[4],
        bool(row[5]),
    )  # fmt: skip


def _token_revision(conn: Connection) -> int:
    """The token revision: it moves with every revocation and change of a token."""
    found = conn.execute(select(counter.c.value).where(counter.c.name == "tokens")).scalar()
    return int(found or 0)
