"""The SQLModel declaration and the numbered migrations describe one schema."""

from ohjaaja.db.engine import connect
from ohjaaja.db.migrate import current_version, latest_version, migrate


def _migrated_columns() -> dict[str, set[str]]:
    conn = connect(":memory:")
    migrate(conn)
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    # A full-text index is a virtual table with shadow tables (name_data, ...): not a model.
    virtual = [name for name, sql in rows if sql.startswith("CREATE VIRTUAL TABLE")]
    tables = [
        name
        for name, _ in rows
        if name not in virtual and not any(name.startswith(f"{v}_") for v in virtual)
    ]
    return {t: {row[1] for row in conn.execute(f"PRAGMA table_info({t})")} for t in tables}


def test_models_match_migrations() -> None:
    import ohjaaja.db.models  # noqa: F401  (registers the tables)
    from sqlmodel import SQLModel

    declared = {
        name: {column.name for column in table.columns}
        for name, table in SQLModel.metadata.tables.items()
    }
    assert declared == _migrated_columns()


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
    import sqlite3

    import pytest

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
