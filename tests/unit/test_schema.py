"""The SQLModel declaration and the numbered migrations describe one schema."""

import re
import sqlite3

import pytest
import sqlite_utils
from ohjaaja.db.engine import connect
from ohjaaja.db.migrate import current_version, latest_version, migrate
from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.dialects import sqlite


def _desk() -> sqlite_utils.Database:
    conn = connect(":memory:")
    migrate(conn)
    return sqlite_utils.Database(conn)


def _described_tables(db: sqlite_utils.Database) -> list[str]:
    """Every table of the migrations but the full-text index: a virtual table and its
    shadow tables (service_fts_data, ...) are kept by triggers, not declared."""
    names = [name for name in db.table_names() if name != "sqlite_sequence"]
    virtual = tuple(name for name in names if db[name].virtual_table_using)
    return [n for n in names if not n.startswith(virtual)]


def _migrated(table: sqlite_utils.db.Table) -> dict[str, object]:
    """What SQLite says of a migrated table, read through sqlite-utils."""
    defaults = table.default_values
    found: dict[str, object] = {
        f"column {c.name}": (
            sqlite_utils.db.column_affinity(c.type).__name__,
            # A TEXT primary key of a rowid table takes NULL in SQLite unless it says
            # NOT NULL; as a description, a primary key is never null.
            "NOT NULL" if c.notnull or c.is_pk else "NULL",
            defaults.get(c.name),
        )
        for c in table.columns
    }
    found["primary key"] = tuple(table.pks)
    found["foreign keys"] = sorted(
        (fk.columns, fk.other_table, fk.other_columns) for fk in table.foreign_keys
    )
    # An index's origin: 'pk' is the primary key (above), 'u' a UNIQUE, 'c' a CREATE INDEX.
    found["unique"] = sorted(tuple(i.columns) for i in table.indexes if i.origin == "u")
    for index in table.indexes:
        if index.origin == "c":
            found[f"index {index.name}"] = (tuple(index.columns), bool(index.unique))
    create = re.sub(r"--[^\n]*", "", table.schema).upper()
    found["AUTOINCREMENT"] = "AUTOINCREMENT" in create
    try:
        table.db.execute(f"SELECT rowid FROM [{table.name}] LIMIT 0")
        found["WITHOUT ROWID"] = False
    except sqlite3.OperationalError:
        found["WITHOUT ROWID"] = True
    return found


def _declared(table: Table) -> dict[str, object]:
    """The same, of a table SQLModel declares."""

    def affinity(column: Column) -> str:
        if isinstance(column.type, Boolean):
            return "int"  # a flag is 0 or 1 in an INTEGER column, as the migrations keep it
        return sqlite_utils.db.column_affinity(column.type.compile(sqlite.dialect())).__name__

    def default(column: Column) -> object:
        value = column.default.arg if column.default is not None else None
        return int(value) if isinstance(value, bool) else value

    found: dict[str, object] = {
        f"column {c.name}": (affinity(c), "NULL" if c.nullable else "NOT NULL", default(c))
        for c in table.columns
    }
    found["primary key"] = tuple(c.name for c in table.primary_key.columns)
    found["foreign keys"] = sorted(
        (
            tuple(e.parent.name for e in fk.elements),
            fk.referred_table.name,
            tuple(e.column.name for e in fk.elements),
        )
        for fk in table.foreign_key_constraints
    )
    found["unique"] = sorted(
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    )
    for index in table.indexes:
        found[f"index {index.name}"] = (tuple(c.name for c in index.columns), bool(index.unique))
    found["AUTOINCREMENT"] = bool(table.dialect_options["sqlite"]["autoincrement"])
    found["WITHOUT ROWID"] = not table.dialect_options["sqlite"]["with_rowid"]
    return found


def _differences(declared: dict[str, object], migrated: dict[str, object]) -> list[str]:
    return [
        f"{key}: declared {declared.get(key)!r}, migrated {migrated.get(key)!r}"
        for key in sorted(declared.keys() | migrated.keys())
        if declared.get(key) != migrated.get(key)
    ]


def test_models_match_migrations() -> None:
    """Each desk table as db/models.py declares it is the table the migrations make:
    the same columns, each with its type affinity, NOT NULL and default; the same
    primary key, references, unique constraints, indexes, AUTOINCREMENT and
    WITHOUT ROWID."""
    import ohjaaja.db.models  # noqa: F401  (registers the tables)
    from sqlmodel import SQLModel

    db = _desk()
    declared = SQLModel.metadata.tables
    assert sorted(declared) == sorted(_described_tables(db))
    differences = [
        f"{name}.{line}"
        for name in sorted(declared)
        for line in _differences(_declared(declared[name]), _migrated(db[name]))
    ]
    assert not differences, "\n".join(differences)


def test_the_comparison_sees_a_difference() -> None:
    """The check is not blind: a table declared otherwise than migrated is caught on
    each point it compares."""
    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    db.execute("CREATE TABLE p (id TEXT PRIMARY KEY)")
    db.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, p_id TEXT NOT NULL "
        "REFERENCES p(id), n INTEGER NOT NULL DEFAULT 1, s TEXT UNIQUE)"
    )
    db.execute("CREATE INDEX t_s ON t(s)")
    table = Table(
        "t", MetaData(),
        Column("id", Integer, primary_key=True),
        Column("p_id", String),
        Column("n", String, nullable=False, default="1"),
        Column("s", String),
        Index("t_n", "n"),
    )  # fmt: skip
    Table("p", table.metadata, Column("id", String, primary_key=True))
    table.append_column(Column("q", String, ForeignKey("p.id")))
    assert [line.split(":")[0] for line in _differences(_declared(table), _migrated(db["t"]))] == [
        "AUTOINCREMENT",
        "column n",
        "column p_id",
        "column q",
        "foreign keys",
        "index t_n",
        "index t_s",
        "unique",
    ]
    db.execute("CREATE TABLE w (a TEXT, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID")
    table = Table("w", MetaData(), Column("a", String, primary_key=True), Column("b", String))
    assert [line.split(":")[0] for line in _differences(_declared(table), _migrated(db["w"]))] == [
        "WITHOUT ROWID",
        "column b",
        "primary key",
    ]


def test_migrate_is_idempotent_and_numbered(tmp_path) -> None:
    conn = connect(tmp_path / "desk.sqlite")
    assert migrate(conn) == latest_version()
    assert migrate(conn) == latest_version()
    assert current_version(conn) == latest_version()


def test_newer_database_is_refused(tmp_path) -> None:
    conn = connect(tmp_path / "desk.sqlite")
    migrate(conn)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    try:
        migrate(conn)
    except RuntimeError as exc:
        assert "newer" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a newer schema must be refused")


def test_audit_log_is_append_only() -> None:
    conn = connect(":memory:")
    migrate(conn)
    conn.execute("INSERT INTO audit (id, at, action) VALUES ('a', '2026-01-01T00:00:00Z', 'view')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET action = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit")


def test_the_protocol_rows_are_the_desk_tables() -> None:
    """Every synced column exists in the desk's table; every column the desk requires
    without a default is required by the protocol; the desk's own columns are the
    only ones it keeps apart."""
    from ohjaaja.sync.rows import TABLES

    conn = connect(":memory:")
    migrate(conn)
    local_only = {("client", "search_name"), ("contact", "claim_state")}
    for table, columns in TABLES.items():
        info = {row[1]: row for row in conn.execute(f"PRAGMA table_info({table})")}
        synced = {column.name for column in columns}
        assert synced <= set(info), (table, synced - set(info))
        assert {(table, name) for name in set(info) - synced} <= local_only, table
        for column in columns:
            not_null, default = info[column.name][3], info[column.name][4]
            if not_null and default is None and column.name != "id":
                assert column.required, (table, column.name)


def test_a_pulled_row_changed_here_keeps_every_synced_column_as_signed() -> None:
    """The triggers of migration 0009 copy each synced column; a column added to the
    protocol needs them made again."""
    from ohjaaja.sync.rows import APPEND_ONLY, TABLES

    conn = connect(":memory:")
    migrate(conn)
    for table, columns in TABLES.items():
        if table in APPEND_ONLY:
            continue
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (f"{table}_keep_signed",),
        ).fetchone()
        for column in columns:
            assert f"'{column.name}', OLD.{column.name}" in sql, (table, column.name)
