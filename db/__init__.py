"""The desk's storage: SQLite connection, numbered migrations, the outbox.

The desk talks to SQLite through the standard library's sqlite3 (start-up
matters on a thin terminal); `db.models` declares the same tables as SQLModel
classes, and tests/unit/test_schema.py keeps the two in step (ARCHITECTURE.md
says what it is for).
"""
