"""The shared server's store: SQLite or PostgreSQL through SQLAlchemy Core.

Synced rows are documents keyed by (table, id) with a version and the region-wide
sequence number of the change that last wrote them. The sequence comes from a
counter row updated inside the writing transaction: the row lock orders writers,
so sequence order is commit order and a pull cursor never skips a row.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    event,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from db.ids import new_id

metadata = MetaData()

server_meta = Table(
    "server_meta", metadata, Column("key", String, primary_key=True), Column("value", String)
)
counter = Table(
    "counter", metadata, Column("name", String, primary_key=True), Column("value", BigInteger)
)
token = Table(
    "token",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False),
    Column("secret_hash", String, nullable=False, unique=True),
    Column("created_at", String, nullable=False),
    Column("revoked_at", String),
)
row_state = Table(
    "row_state",
    metadata,
    Column("tbl", String, primary_key=True),
    Column("id", String, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False, index=True),
    Column("data", JSON, nullable=False),
)
desk_cursor = Table(
    "desk_cursor",
    metadata,
    Column("desk", String, primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
)
mutation_log = Table(
    "mutation_log",
    metadata,
    Column("desk", String, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("mutation_id", String, nullable=False),
    Column("name", String, nullable=False),
    Column("status", String, nullable=False),  # applied, rejected
    Column("result", JSON, nullable=False),
    UniqueConstraint("desk", "mutation_id"),
)

ROLES = ("desk", "worker", "integration", "admin")


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
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


class StoreModeError(RuntimeError):
    """A training store opened as production, or the other way round."""


class Store:
    def __init__(self, url: str, training: bool | None = None) -> None:
        """Open (creating if new) a store. `training` fixes a new store's mode;
        for an existing one it must agree, so training data and client data
        never share a store. None: whatever the store already is."""
        self.engine = make_engine(url)
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            mode = conn.execute(
                select(server_meta.c.value).where(server_meta.c.key == "mode")
            ).scalar()
            if mode is None:
                mode = "training" if training else "production"
                conn.execute(server_meta.insert().values(key="mode", value=mode))
                conn.execute(server_meta.insert().values(key="epoch", value=new_id()))
                conn.execute(counter.insert().values(name="seq", value=0))
        self.training = mode == "training"
        if training is not None and training != self.training:
            raise StoreModeError(f"this is a {mode} store")

    @property
    def epoch(self) -> str:
        with self.engine.connect() as conn:
            return str(
                conn.execute(
                    select(server_meta.c.value).where(server_meta.c.key == "epoch")
                ).scalar_one()
            )

    def new_epoch(self) -> str:
        """After restoring a backup: desks see the new epoch and send again what
        the restored store may lack."""
        epoch = new_id()
        with self.engine.begin() as conn:
            conn.execute(
                update(server_meta).where(server_meta.c.key == "epoch").values(value=epoch)
            )
        return epoch

    def head(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(select(counter.c.value).where(counter.c.name == "seq")).scalar_one()
            )

    # -- tokens --------------------------------------------------------------
    def create_token(self, name: str, role: str, at: str) -> str:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        secret = "ohj_" + secrets.token_urlsafe(32)  # a prefix: never read as an option
        with self.engine.begin() as conn:
            conn.execute(
                token.insert().values(
                    id=new_id(), name=name, role=role, secret_hash=_hash(secret), created_at=at
                )
            )
        return secret

    def revoke_token(self, name: str, at: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(token)
                .where(token.c.name == name, token.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
            return int(result.rowcount)

    def authenticate(self, secret: str) -> tuple[str, str] | None:
        """(name, role) of a live token, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(token.c.name, token.c.role).where(
                    token.c.secret_hash == _hash(secret), token.c.revoked_at.is_(None)
                )
            ).first()
        return None if row is None else (str(row[0]), str(row[1]))

    # -- writing ---------------------------------------------------------------
    def transaction(self, work: Callable[[Writer], Any]) -> Any:
        with self.engine.begin() as conn:
            writer = Writer(conn)
            result = work(writer)
            writer.finish()
            return result

    # -- reading -----------------------------------------------------------
    def changes(self, cursor: int, limit: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    row_state.c.seq,
                    row_state.c.tbl,
                    row_state.c.id,
                    row_state.c.version,
                    row_state.c.data,
                )
                .where(row_state.c.seq > cursor)
                .order_by(row_state.c.seq)
                .limit(limit)
            ).all()
        return [
            {"seq": int(r[0]), "table": r[1], "id": r[2], "version": int(r[3]), "data": r[4]}
            for r in rows
        ]


class Writer:
    """Operations inside one server transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._seq: int | None = None  # the last number handed out in this transaction

    def next_seq(self) -> int:
        """The next region-wide sequence number. The first call locks the counter
        row until this transaction ends, so numbers are handed out in commit order;
        later calls count on from it and finish() stores the last one."""
        if self._seq is None:
            self._seq = int(
                self.conn.execute(
                    select(counter.c.value).where(counter.c.name == "seq").with_for_update()
                ).scalar_one()
            )
            # SQLite has no FOR UPDATE; BEGIN IMMEDIATE already holds its write lock.
        self._seq += 1
        return self._seq

    def finish(self) -> None:
        if self._seq is not None:
            self.conn.execute(
                update(counter).where(counter.c.name == "seq").values(value=self._seq)
            )

    def get(self, table: str, row_id: str) -> dict[str, Any] | None:
        """Read a row and lock it until commit (FOR UPDATE on PostgreSQL; SQLite's
        BEGIN IMMEDIATE already serialises writers): a compare-and-set decided on
        this read cannot be overtaken by another server process."""
        row = self.conn.execute(
            select(row_state.c.data)
            .where(row_state.c.tbl == table, row_state.c.id == row_id)
            .with_for_update()
        ).first()
        return None if row is None else dict(row[0])

    def put(self, table: str, row_id: str, data: dict[str, Any]) -> None:
        seq = self.next_seq()
        version = int(data.get("version", 1))
        exists = self.conn.execute(
            update(row_state)
            .where(row_state.c.tbl == table, row_state.c.id == row_id)
            .values(data=data, version=version, seq=seq)
        ).rowcount
        if not exists:
            self.conn.execute(
                row_state.insert().values(tbl=table, id=row_id, data=data, version=version, seq=seq)
            )

    def last_seq(self, desk: str) -> int:
        row = self.conn.execute(
            select(desk_cursor.c.last_seq).where(desk_cursor.c.desk == desk).with_for_update()
        ).first()
        if row is None:
            self.conn.execute(desk_cursor.insert().values(desk=desk, last_seq=0))
            return 0
        return int(row[0])

    def set_last_seq(self, desk: str, seq: int) -> None:
        self.conn.execute(
            update(desk_cursor).where(desk_cursor.c.desk == desk).values(last_seq=seq)
        )

    def logged(self, desk: str, seq: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            select(mutation_log.c.mutation_id, mutation_log.c.status, mutation_log.c.result).where(
                mutation_log.c.desk == desk, mutation_log.c.seq == seq
            )
        ).first()
        if row is None:
            return None
        return {"mutation_id": row[0], "status": row[1], "result": row[2]}

    def log(
        self, desk: str, seq: int, mutation_id: str, name: str, status: str, result: Any
    ) -> None:
        self.conn.execute(
            mutation_log.insert().values(
                desk=desk, seq=seq, mutation_id=mutation_id, name=name, status=status,
                result=json.loads(json.dumps(result)),
            )
        )  # fmt: skip


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
