"""The shared server's store: SQLite or PostgreSQL through SQLAlchemy Core.

Every writing transaction first locks the counter row that hands out sequence
numbers. That one lock orders all writers of the store, whichever server process
they run in: sequence order is commit order (a pull cursor never skips a row),
a compare-and-set decided on a read cannot be overtaken, and two writers never
hold row locks in crossing orders (no deadlocks).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, create_engine, delete, event, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from db.engine import file_problem
from db.ids import new_id, worker_id
from db.server.journal import Journal
from db.server.migrations import upgrade
from db.server.tables import (
    client_alias,
    client_identity,
    counter,
    desk_incarnation,
    pushed_mutation,
    row_state,
    server_meta,
    token,
    worker,
)

Row = dict[str, Any]
# PostgreSQL's deadlock and serialization failures: the transaction is run again.
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


@dataclass(frozen=True)
class TokenRecord:
    name: str
    role: str
    workers: tuple[str, ...]  # names
    created_at: str
    revoked_at: str | None

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


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        _check_file(url.removeprefix("sqlite:///"))
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
            # Take the write lock at BEGIN, so two writers queue instead of deadlocking.
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
    def __init__(
        self, url: str, training: bool | None = None, journal: Journal | None = None
    ) -> None:
        """Open (creating if new, upgrading if old) a store. `training` fixes a new
        store's mode; for an existing one it must agree, so training data and
        client data never share a store. None: whatever the store already is."""
        self.engine = make_engine(url)
        self.journal = journal
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
        with self.engine.connect() as conn:
            found = conn.execute(
                select(server_meta.c.value).where(server_meta.c.key == key)
            ).scalar()
            return None if found is None else str(found)

    @property
    def epoch(self) -> str:
        return self._meta("epoch") or ""

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
        return epoch

    def heads(self) -> tuple[int, int]:
        """(the sequence head, the token revision) in one read."""
        with self.engine.connect() as conn:
            found = dict(conn.execute(select(counter.c.name, counter.c.value)).all())
        return int(found.get("seq", 0)), int(found.get("tokens", 0))

    def head(self) -> int:
        return self.heads()[0]

    # -- tokens ----------------------------------------------------------------
    def create_token(self, name: str, role: str, at: str, workers: Iterable[str] = ()) -> str:
        """A new token; `workers` are names of registered workers it may act for."""
        secret = "ohj_" + secrets.token_urlsafe(32)  # a prefix: never read as an option
        entry = {
            "op": "token.create", "at": at, "id": new_id(), "name": name, "role": role,
            "secret_hash": _hash(secret), "workers": self._worker_ids(workers),
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
        with self.engine.connect() as conn:
            rows = conn.execute(select(token).order_by(token.c.name, token.c.created_at)).all()
        return [
            TokenRecord(
                row.name,
                row.role,
                tuple(names.get(w, w) for w in json.loads(row.workers)),
                row.created_at,
                row.revoked_at,
            )
            for row in rows
        ]

    def authenticate(self, secret: str) -> TokenInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(token.c.name, token.c.role, token.c.workers).where(
                    token.c.secret_hash == _hash(secret), token.c.revoked_at.is_(None)
                )
            ).first()
        if row is None:
            return None
        return TokenInfo(str(row[0]), str(row[1]), frozenset(json.loads(row[2] or "[]")))

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
        with self.engine.connect() as conn:
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
                    workers=json.dumps(entry["workers"]),
                ))  # fmt: skip
                return 1
            if op == "token.revoke":
                changed = conn.execute(
                    update(token)
                    .where(token.c.name == entry["name"], token.c.revoked_at.is_(None))
                    .values(revoked_at=entry["at"])
                ).rowcount
                conn.execute(
                    update(counter)
                    .where(counter.c.name == "tokens")
                    .values(value=counter.c.value + 1)
                )
                return int(changed)
            if op == "token.workers":
                return int(conn.execute(
                    update(token).where(token.c.name == entry["name"])
                    .values(workers=json.dumps(entry["workers"]))
                ).rowcount)  # fmt: skip
            writer = Writer(conn, self._row_key, self.training)
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
                    writer = Writer(conn, self._row_key, self.training)
                    writer.lock()
                    result = work(writer)
                    writer.finish()
                    return result
            except DBAPIError as exc:
                state = getattr(exc.orig, "sqlstate", None)
                if state not in _RETRY_STATES or attempt == _RETRIES - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    # -- reading -----------------------------------------------------------
    def changes(self, cursor: int, limit: int) -> list[Row]:
        """Rows changed after the cursor, in sequence order, each signed."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(row_state)
                .where(row_state.c.seq > cursor)
                .order_by(row_state.c.seq)
                .limit(limit)
            ).all()
        epoch = self.epoch
        return [_change(row, self._row_key, epoch) for row in rows]


class Writer:
    """Operations inside one server transaction (see Store.transaction)."""

    def __init__(self, conn: Connection, row_key: bytes, training: bool) -> None:
        self.conn = conn
        self.row_key = row_key
        self.training = training
        self._seq: int | None = None  # the last number handed out in this transaction
        self._start: int | None = None  # the counter as this transaction found it
        self._workers: dict[str, WorkerRecord | None] = {}
        self._epochs: tuple[str, str | None, int] | None = None

    def lock(self) -> None:
        """Lock the counter row (SQLite's BEGIN IMMEDIATE already holds its write lock)."""
        if self._seq is None:
            self._seq = self._start = _lock_counter(self.conn)

    def next_seq(self) -> int:
        self.lock()
        assert self._seq is not None
        self._seq += 1
        return self._seq

    def finish(self) -> None:
        """Store the last number handed out (once, at the end of the transaction)."""
        if self._seq is not None and self._seq != self._start:
            self.conn.execute(
                update(counter).where(counter.c.name == "seq").values(value=self._seq)
            )
            self._start = self._seq

    # -- synced rows --------------------------------------------------------------
    def get(self, table: str, row_id: str) -> Row | None:
        found = self.conn.execute(_GET, {"t": table, "i": row_id}).first()
        return None if found is None else dict(found[0])

    def change(self, table: str, row_id: str) -> Row | None:
        """A row as a pull serves it (sequence number, version, data, signature)."""
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
        caller has just seen that the row is not here."""
        if self.training and "is_training" in data and data["is_training"] != 1:
            # A training store's rows are training rows, whoever sent them (a desk, an
            # integration); a desk holds them as marked once it pulls them.
            data = {**data, "is_training": 1}
        seq = self.next_seq()
        version = int(data.get("version", 1))
        sig = sign_row(self.row_key, self.epoch, table, row_id, version, seq, data)
        values = {"t": table, "i": row_id, "data": data, "version": version, "seq": seq, "sig": sig}
        if new or not self.conn.execute(_UPDATE, values).rowcount:
            self.conn.execute(_INSERT, values)
        return seq

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
        found = self.conn.execute(
            select(pushed_mutation.c.mutation_id, pushed_mutation.c.status,
                   pushed_mutation.c.result).where(
                pushed_mutation.c.desk == desk, pushed_mutation.c.mutation_id.in_(mutation_ids)
            )
        ).all()  # fmt: skip
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
        """entry: mutation_id, name, worker_id, status, result."""
        self.conn.execute(
            _LOG,
            {"desk": desk, "incarnation": incarnation, "seq": seq, **entry},
        )


# The statements every push runs, built once (building and compiling a statement
# per call cost more than running it).
_GET = select(row_state.c.data).where(
    row_state.c.tbl == bindparam("t"), row_state.c.id == bindparam("i")
)
_UPDATE = (
    update(row_state)
    .where(row_state.c.tbl == bindparam("t"), row_state.c.id == bindparam("i"))
    .values(data=bindparam("data"), version=bindparam("version"), seq=bindparam("seq"),
            sig=bindparam("sig"))
)  # fmt: skip
_INSERT = insert(row_state).values(
    tbl=bindparam("t"), id=bindparam("i"), data=bindparam("data"), version=bindparam("version"),
    seq=bindparam("seq"), sig=bindparam("sig"),
)  # fmt: skip
_LOG = insert(pushed_mutation)


def sign(key: bytes, *parts: Any) -> str:
    """An HMAC of the parts (as canonical JSON) with the store's key: only this store
    can make one, so only it can tell its own rows and answers when they come back."""
    canonical = json.dumps(parts, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()[:32]


def sign_row(key: bytes, epoch: str, table: str, row_id: str, version: int, seq: int,
             data: Row) -> str:  # fmt: skip
    """A row as served in an epoch at a sequence number: after a restore the store
    takes back only rows of the epoch before, written after the backup."""
    return sign(key, "row", epoch, table, row_id, version, seq, data)


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


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
