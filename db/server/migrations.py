"""Numbered migrations of the server's store, the same on SQLite and PostgreSQL.

Each step is a function of a connection inside its own transaction, together
with the bump of `schema_version` in server_meta; a store is at one numbered
version or the next, never between. A step declares the tables it creates as
they were at that step (not the current definitions in db.server.tables), so
upgrading an old store always runs the same DDL.

A store made before numbering (by `create_all`, with tables but no version) is
version 1: the first step made exactly those tables.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, Engine


def _v1_initial(conn: Connection) -> None:
    """The store as the first server made it."""
    meta = MetaData()
    Table("server_meta", meta, Column("key", String, primary_key=True), Column("value", String))
    Table("counter", meta, Column("name", String, primary_key=True), Column("value", BigInteger))
    Table(
        "token", meta,
        Column("id", String, primary_key=True), Column("name", String, nullable=False),
        Column("role", String, nullable=False),
        Column("secret_hash", String, nullable=False, unique=True),
        Column("created_at", String, nullable=False), Column("revoked_at", String),
    )  # fmt: skip
    Table(
        "row_state", meta,
        Column("tbl", String, primary_key=True), Column("id", String, primary_key=True),
        Column("version", Integer, nullable=False),
        Column("seq", BigInteger, nullable=False, index=True),
        Column("data", JSON, nullable=False),
    )  # fmt: skip
    Table(
        "desk_cursor", meta,
        Column("desk", String, primary_key=True), Column("last_seq", BigInteger, nullable=False),
    )  # fmt: skip
    Table(
        "mutation_log", meta,
        Column("desk", String, primary_key=True), Column("seq", BigInteger, primary_key=True),
        Column("mutation_id", String, nullable=False), Column("name", String, nullable=False),
        Column("status", String, nullable=False), Column("result", JSON, nullable=False),
        UniqueConstraint("desk", "mutation_id"),
    )  # fmt: skip
    meta.create_all(conn)


def _v2_authority(conn: Connection) -> None:
    """The server decides: a worker register, tokens that act for named workers,
    desk incarnations, signed rows, identity codes under a constraint."""
    meta = MetaData()
    Table(
        "worker", meta,
        Column("id", String, primary_key=True),
        Column("name", String, nullable=False, unique=True),
        Column("roles", String, nullable=False), Column("teams", String, nullable=False),
        Column("created_at", String, nullable=False), Column("removed_at", String),
    )  # fmt: skip
    Table(
        "pushed_mutation", meta,
        Column("desk", String, primary_key=True), Column("mutation_id", String, primary_key=True),
        Column("incarnation", String, nullable=False), Column("seq", BigInteger, nullable=False),
        Column("name", String, nullable=False), Column("worker_id", String),
        Column("status", String, nullable=False), Column("result", JSON, nullable=False),
        Index("pushed_mutation_seq", "desk", "incarnation", "seq", unique=True),
    )  # fmt: skip
    Table(
        "desk_incarnation", meta,
        Column("desk", String, primary_key=True), Column("incarnation", String, primary_key=True),
        Column("last_seq", BigInteger, nullable=False),
    )  # fmt: skip
    Table(
        "client_identity", meta,
        Column("hetu", String, primary_key=True), Column("client_id", String, nullable=False),
    )  # fmt: skip
    Table(
        "client_alias", meta,
        Column("alias", String, primary_key=True), Column("client_id", String, nullable=False),
    )  # fmt: skip
    meta.create_all(conn)
    conn.execute(text("ALTER TABLE token ADD COLUMN workers VARCHAR NOT NULL DEFAULT '[]'"))
    conn.execute(text("ALTER TABLE row_state ADD COLUMN sig VARCHAR"))
    # What desks pushed before incarnations is the desk's first incarnation ('').
    conn.execute(
        text(
            "INSERT INTO pushed_mutation (desk, mutation_id, incarnation, seq, name, status, "
            "result) SELECT desk, mutation_id, '', seq, name, status, result FROM mutation_log"
        )
    )
    conn.execute(
        text(
            "INSERT INTO desk_incarnation (desk, incarnation, last_seq) "
            "SELECT desk, '', last_seq FROM desk_cursor"
        )
    )
    conn.execute(text("DROP TABLE mutation_log"))
    conn.execute(text("DROP TABLE desk_cursor"))
    # Identity codes were rows of a pseudo-table served to every desk; they move
    # under the constraint and are served no more.
    rows = conn.execute(text("SELECT id, data FROM row_state WHERE tbl = 'client_hetu'")).fetchall()
    for hetu, data in rows:
        data = json.loads(data) if isinstance(data, str) else data
        if data.get("client_id"):
            conn.execute(
                text("INSERT INTO client_identity (hetu, client_id) VALUES (:h, :c)"),
                {"h": hetu, "c": data["client_id"]},
            )
    conn.execute(text("DELETE FROM row_state WHERE tbl = 'client_hetu'"))
    conn.execute(
        text("INSERT INTO server_meta (key, value) VALUES ('row_key', :k)"),
        {"k": secrets.token_hex(32)},
    )
    conn.execute(text("INSERT INTO counter (name, value) VALUES ('tokens', 0)"))


def _v3_scope(conn: Connection) -> None:
    """Client data goes only where it must: a row's scope and subject, a token's
    reach, the links a change of scope follows, the exits that remove a row from
    desks, and the client trail (changes, disclosures, access-log reads)."""
    meta = MetaData()
    Table(
        "row_link", meta,
        Column("parent_tbl", String, primary_key=True),
        Column("parent_id", String, primary_key=True),
        Column("child_tbl", String, primary_key=True),
        Column("child_id", String, primary_key=True),
    )  # fmt: skip
    Table(
        "scope_exit", meta,
        Column("seq", BigInteger, primary_key=True), Column("tbl", String, nullable=False),
        Column("id", String, nullable=False), Column("munis", String), Column("lines", String),
    )  # fmt: skip
    Table(
        "client_trail", meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("at", String, nullable=False), Column("client_id", String, nullable=False),
        Column("event", String, nullable=False), Column("action", String, nullable=False),
        Column("desk", String), Column("workers", String, nullable=False),
        Column("role", String), Column("detail", JSON, nullable=False),
        Index("client_trail_client", "client_id"),
    )  # fmt: skip
    meta.create_all(conn)
    for column in ("kind VARCHAR NOT NULL DEFAULT 'shared'", "munis VARCHAR", "lines VARCHAR",
                   "subject VARCHAR", "blind_refs VARCHAR", "origin VARCHAR"):  # fmt: skip
        conn.execute(text(f"ALTER TABLE row_state ADD COLUMN {column}"))
    conn.execute(text("CREATE INDEX row_state_subject ON row_state (subject)"))
    for column in ("munis VARCHAR", "lines VARCHAR", "identity_codes INTEGER NOT NULL DEFAULT 1"):
        conn.execute(text(f"ALTER TABLE token ADD COLUMN {column}"))
    # Rows written before scopes are scoped when the server first opens the store
    # (the rules live above the store): until then none is served but the shared.
    conn.execute(text("UPDATE row_state SET kind = 'unscoped'"))


def _v4_report_keys(conn: Connection) -> None:
    """The reports' period and parent as indexed columns (issue 17): a month's report
    on a year's store read every contact's document to find the month's. The fields
    copied are those of db.server.tables.REPORT_KEYS at this step."""
    meta = MetaData()
    rows = Table(
        "row_state", meta,
        Column("tbl", String, primary_key=True), Column("id", String, primary_key=True),
        Column("data", JSON, nullable=False), Column("at", String), Column("parent", String),
    )  # fmt: skip
    for column in ("at VARCHAR", "parent VARCHAR"):
        conn.execute(text(f"ALTER TABLE row_state ADD COLUMN {column}"))
    keys = {
        "contact": ("received_at", None), "handover": ("created_at", "notification_id"),
        "notification": ("created_at", None), "offer": ("created_at", None),
        "contact_event": (None, "contact_id"), "handover_event": (None, "handover_id"),
    }  # fmt: skip
    for table, (at, parent) in keys.items():
        values = {}
        if at:
            values["at"] = rows.c.data[at].as_string()
        if parent:
            values["parent"] = rows.c.data[parent].as_string()
        conn.execute(rows.update().where(rows.c.tbl == table).values(**values))
    conn.execute(text("CREATE INDEX row_state_at ON row_state (tbl, at)"))
    conn.execute(text("CREATE INDEX row_state_parent ON row_state (tbl, parent)"))


def _v5_row_ids(conn: Connection) -> None:
    """Rows by id alone (issue 20): a push reads every row its batch names, of any
    table; by the primary key (table, id) that was one lookup per table per id, 20
    for each (7.5 ms for a batch of 500 on SQLite, 0.5 ms by this index)."""
    conn.execute(text("CREATE INDEX row_state_id ON row_state (id)"))


STEPS: tuple[Callable[[Connection], None], ...] = (
    _v1_initial, _v2_authority, _v3_scope, _v4_report_keys, _v5_row_ids
)  # fmt: skip
LATEST = len(STEPS)


def version(conn: Connection) -> int:
    """The store's schema version: 0 for an empty database."""
    tables = set(inspect(conn).get_table_names())
    if "server_meta" not in tables:
        return 0
    found = conn.execute(
        text("SELECT value FROM server_meta WHERE key = 'schema_version'")
    ).scalar()
    return int(found) if found is not None else 1


def upgrade(engine: Engine, target: int = LATEST) -> int:
    """Run the steps this store has not seen, each in its own transaction."""
    with engine.connect() as conn:
        current = version(conn)
    if current > LATEST:
        raise RuntimeError(
            f"the store's schema version {current} is newer than this ohjaaja ({LATEST})"
        )
    for number in range(current + 1, target + 1):
        with engine.begin() as conn:
            STEPS[number - 1](conn)
            _set_version(conn, number)
    return max(current, target)


def _set_version(conn: Connection, number: int) -> None:
    updated = conn.execute(
        text("UPDATE server_meta SET value = :v WHERE key = 'schema_version'"), {"v": str(number)}
    ).rowcount
    if not updated:
        conn.execute(
            text("INSERT INTO server_meta (key, value) VALUES ('schema_version', :v)"),
            {"v": str(number)},
        )
