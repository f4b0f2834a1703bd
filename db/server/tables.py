"""The server store's tables at the current schema version (db.server.migrations
builds them step by step; these are what the code reads and writes).

Synced rows are documents keyed by (table, id) with a version, the region-wide
sequence number of the change that last wrote them, and the server's signature
(an HMAC with a key only the store holds), so a desk can give a row back after a
restore and the server can tell it is its own.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, MetaData, String, Table

metadata = MetaData()

server_meta = Table(
    "server_meta", metadata, Column("key", String, primary_key=True), Column("value", String)
)
# 'seq': the last sequence number handed out; 'tokens': bumped by every token
# change, so live streams notice a revocation.
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
    Column("workers", String, nullable=False, server_default="[]"),  # JSON ids it acts for
    # Its reach (ohjaaja.sync.scope): '|091|853|', NULL for all; identity codes or not.
    Column("munis", String),
    Column("lines", String),
    Column("identity_codes", Integer, nullable=False, server_default="1"),
)
worker = Table(
    "worker",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("roles", String, nullable=False),  # JSON
    Column("teams", String, nullable=False),  # JSON
    Column("created_at", String, nullable=False),
    Column("removed_at", String),
)
row_state = Table(
    "row_state",
    metadata,
    Column("tbl", String, primary_key=True),
    Column("id", String, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False, index=True),
    Column("data", JSON, nullable=False),
    Column("sig", String),
    # Who may be sent it: 'shared' (everyone), 'client' (desks whose reach meets
    # munis and lines; NULL: all), 'audit' (no desk), 'unscoped' (written before
    # scopes, until the server scopes it). subject: the client it concerns.
    Column("kind", String, nullable=False, server_default="shared"),
    Column("munis", String),
    Column("lines", String),
    Column("subject", String),  # indexed: row_state_subject
    # JSON [column, munis, lines] of references a desk that may hold this row may not
    # follow: sent to it empty.
    Column("blind_refs", String),
    Column("origin", String),  # the desk (token name) that made it: it may still act on it
    # Copies of two document fields the reports select on, indexed, so a month's report
    # reads the month's rows, not every document of the year (REPORT_KEYS says which).
    Column(
        "at", String
    ),  # a contact's received_at; a handover's, notification's, offer's created_at
    Column("parent", String),  # an event's contact_id or handover_id; a handover's notification_id
    Index("row_state_at", "tbl", "at"),
    Index("row_state_parent", "tbl", "parent"),
    Index("row_state_id", "id"),  # a push's rows, whatever their table
)
# table -> (the field copied into `at`, the field copied into `parent`).
REPORT_KEYS: dict[str, tuple[str | None, str | None]] = {
    "contact": ("received_at", None),
    "handover": ("created_at", "notification_id"),
    "notification": ("created_at", None),
    "offer": ("created_at", None),
    "contact_event": (None, "contact_id"),
    "handover_event": (None, "handover_id"),
}


def report_keys(table: str, data: dict[str, object]) -> tuple[str | None, str | None]:
    """(at, parent) of a row as row_state keeps them: what the reports select on."""
    at_field, parent_field = REPORT_KEYS.get(table, (None, None))
    at = data.get(at_field) if at_field else None
    parent = data.get(parent_field) if parent_field else None
    return (at if isinstance(at, str) else None, parent if isinstance(parent, str) else None)


# A row of client data and the rows of client data it refers to: when a row's
# scope changes, the rows referring to it follow.
row_link = Table(
    "row_link",
    metadata,
    Column("parent_tbl", String, primary_key=True),
    Column("parent_id", String, primary_key=True),
    Column("child_tbl", String, primary_key=True),
    Column("child_id", String, primary_key=True),
)
# A row left some desks' reach at seq: those desks are told to remove it.
scope_exit = Table(
    "scope_exit",
    metadata,
    Column("seq", BigInteger, primary_key=True),
    Column("tbl", String, nullable=False),
    Column("id", String, nullable=False),
    Column("munis", String),  # the scope it left
    Column("lines", String),
)
# Append-only: what happened to a client's data besides the looks the audit rows
# record: changes, disclosures to desks, reads of the access log itself.
client_trail = Table(
    "client_trail",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String, nullable=False),
    Column("client_id", String, nullable=False),  # indexed: client_trail_client
    Column("event", String, nullable=False),  # change, disclosure, access_log
    Column("action", String, nullable=False),  # the mutation, 'pull', 'answer', 'read'
    Column("desk", String),  # the token's name
    Column("workers", String, nullable=False),  # JSON names
    Column("role", String),
    Column("detail", JSON, nullable=False),
)
# One row per (desk, mutation): the answer given, kept to answer a resend alike.
pushed_mutation = Table(
    "pushed_mutation",
    metadata,
    Column("desk", String, primary_key=True),
    Column("mutation_id", String, primary_key=True),
    Column("incarnation", String, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("name", String, nullable=False),
    Column("worker_id", String),
    Column("status", String, nullable=False),  # applied, rejected
    Column("result", JSON, nullable=False),
    Index("pushed_mutation_seq", "desk", "incarnation", "seq", unique=True),
)
# A desk's numbering: one per incarnation (a desk restored from its own backup,
# or re-created, numbers its mutations again and registers a new incarnation).
desk_incarnation = Table(
    "desk_incarnation",
    metadata,
    Column("desk", String, primary_key=True),
    Column("incarnation", String, primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
)
# Identity codes under a unique constraint: the one place two servers racing to
# register the same person are decided.
client_identity = Table(
    "client_identity",
    metadata,
    Column("hetu", String, primary_key=True),
    Column("client_id", String, nullable=False),
)
# A client refused as a second holder of a code, and the client it was merged into.
client_alias = Table(
    "client_alias",
    metadata,
    Column("alias", String, primary_key=True),
    Column("client_id", String, nullable=False),
)
