"""The shared server's store: SQLite or PostgreSQL through SQLAlchemy Core."""
