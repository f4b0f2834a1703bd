"""One worker's desk on one database file: the context the parts share, and the
parts, one per feature.

    desk.contacts   the queue, intake, claiming, the contact's draft and closing
    desk.clients    search, the card, edits, relatives, the access log
    desk.catalogue  services, offers and unmet needs; the admin's edits
    desk.handovers  handovers, notifications, callbacks, shift handovers
    desk.drafts     drafts of the long forms
    desk.reports    the organiser's figures from what this desk holds

Each part is handed the same DeskContext (connection, lock, clock, worker,
audit) and holds no state another part reads. Screens call the parts from
Textual thread workers; every method holds the context's lock for the length of
its transaction and returns plain values.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ohjaaja.db import outbox
from ohjaaja.db.engine import connect, data_version, file_problem, transaction
from ohjaaja.db.files import held_open_lock
from ohjaaja.db.migrate import migrate
from ohjaaja.db.reference import (
    get_meta,
    municipality_codes,
    set_meta,
    upsert_lines,
    upsert_municipalities,
)
from ohjaaja.db.workers import ensure_worker
from ohjaaja.domain import reference
from ohjaaja.domain.clock import Clock, to_iso
from ohjaaja.usecases.clients import ClientUseCases
from ohjaaja.usecases.contacts import ContactUseCases
from ohjaaja.usecases.context import DeskContext
from ohjaaja.usecases.drafts import FormDraftUseCases
from ohjaaja.usecases.failures import FailureLog
from ohjaaja.usecases.handovers import HandoverUseCases

if TYPE_CHECKING:
    from ohjaaja.usecases.catalogue import CatalogueUseCases
    from ohjaaja.usecases.reports import ReportUseCases


class Desk:
    """One worker's desk on one database file (shared with other desk processes)."""

    def __init__(
        self,
        database: str | Path,
        clock: Clock,
        worker_name: str,
        roles: Sequence[str] = ("guidance",),
        training: bool = False,
        teams: Sequence[str] = (),
    ) -> None:
        self.failures = FailureLog(database, clock)  # what failed in the screens' work
        conn = open_database(database)
        training = check_mode(conn, training, database)
        with transaction(conn):
            # The id comes from the name, as in the server's register, which every
            # desk pulls: no desk announces its worker.
            worker_id = ensure_worker(conn, worker_name, list(roles), to_iso(clock.now()))
        self.ctx = DeskContext(
            database, conn, clock, worker_id, worker_name, tuple(roles), tuple(teams), training
        )
        self.contacts = ContactUseCases(self.ctx)
        self.clients = ClientUseCases(self.ctx)
        self.drafts = FormDraftUseCases(self.ctx)
        self.handovers = HandoverUseCases(self.ctx, self.drafts)
        self._seen_version = -1

    @functools.cached_property
    def catalogue(self) -> CatalogueUseCases:
        """Services, offers and unmet needs: made when first asked for, so the queue's
        start does not pay for the catalogue's rules and their libraries (phone
        numbers, e-mail addresses: a third of the desk's own imports)."""
        from ohjaaja.usecases.catalogue import CatalogueUseCases

        return CatalogueUseCases(self.ctx)

    @functools.cached_property
    def reports(self) -> ReportUseCases:
        """The organiser's figures: made when first asked for, so the desk's start
        does not pay for importing every family of figures (some 30 ms)."""
        from ohjaaja.usecases.reports import ReportUseCases

        return ReportUseCases(self.ctx)

    # Who and where, read by the screens and the sync client.
    @property
    def database(self) -> str | Path:
        return self.ctx.database

    @property
    def conn(self) -> sqlite3.Connection:
        return self.ctx.conn

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def worker_id(self) -> str:
        return self.ctx.worker_id

    @property
    def worker_name(self) -> str:
        return self.ctx.worker_name

    @property
    def roles(self) -> tuple[str, ...]:
        return self.ctx.roles

    @property
    def teams(self) -> tuple[str, ...]:
        return self.ctx.teams

    @property
    def training(self) -> bool:
        return self.ctx.training

    @property
    def is_admin(self) -> bool:
        return self.ctx.is_admin

    def close(self) -> None:
        with self.ctx.lock:
            self.ctx.conn.close()

    def writing(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """One write transaction under the desk's lock, for work done in bulk (a client
        register imported) through the db modules."""
        return self.ctx.writing()

    def municipality_codes(self) -> set[str]:
        with self.ctx.reading() as conn:
            return municipality_codes(conn)

    def on_write(self, listener: Callable[[], None]) -> None:
        """Call `listener` after each write this desk commits, in the writing thread,
        outside the lock."""
        self.ctx.listeners.append(listener)

    def has_changed(self) -> bool:
        """True once after another connection (another desk process, the sync client)
        commits to the database (PRAGMA data_version). This desk's own writes do not
        change it: they are told through on_write."""
        with self.ctx.reading() as conn:
            version = data_version(conn)
            changed = version != self._seen_version
            self._seen_version = version
            return changed

    def changed_if_free(self) -> bool | None:
        """has_changed, asked without waiting for the connection: None while another
        thread holds it (a write, a load). For the UI thread's look every second, which
        must never wait: PRAGMA data_version reads no page and takes no file lock."""
        if not self.ctx.lock.acquire(blocking=False):
            return None
        try:
            return self.has_changed()
        finally:
            self.ctx.lock.release()

    def pending_changes(self) -> int:
        with self.ctx.reading() as conn:
            return outbox.pending_count(conn)


class DeskOpenError(RuntimeError):
    """A database this desk must not open; the message says why and what to do."""


class DeskModeError(DeskOpenError):
    """A training desk on a client-data database, or the other way round."""


BUSY_ATTEMPTS = 12  # each after the busy timeout (5 s) and a growing pause: ~2 min
BUSY_BACKOFF_SECONDS = 0.5


class DeskFileError(DeskOpenError):
    """A database file that is empty or not a database."""


def open_database(database: str | Path) -> sqlite3.Connection:
    """Connect, migrate to the current schema, and seed the reference data once.

    A new database is made only where no file is. An existing file that is empty
    (truncated) or not a database is refused, never made anew over: its
    unsynced work would be gone without a word."""
    for attempt in range(BUSY_ATTEMPTS):
        conn: sqlite3.Connection | None = None
        try:
            with held_open_lock(Path(database)):
                _check_file(Path(database))
                conn = connect(database)
                migrate(conn)
                with transaction(conn):
                    if conn.execute("SELECT count(*) FROM line").fetchone()[0] == 0:
                        seed_reference(conn)
            return conn
        except sqlite3.OperationalError as exc:
            if conn is not None:
                conn.close()
            if not _busy(exc):
                raise _broken(database, exc) from exc
            # Another process holds the file past the busy timeout (desks starting
            # together under load): wait and try again; the file is fine.
            time.sleep(BUSY_BACKOFF_SECONDS * (attempt + 1))
        except sqlite3.DatabaseError as exc:
            raise _broken(database, exc) from exc
    raise DeskOpenError(f"{database}: busy: other processes held it for too long; try again")


def _busy(exc: sqlite3.OperationalError) -> bool:
    return any(word in str(exc) for word in ("locked", "busy"))


def _broken(database: str | Path, exc: sqlite3.DatabaseError) -> DeskFileError:
    return DeskFileError(
        f"{database}: {exc}; restore the file from a backup, or move it aside to start "
        "a new database"
    )


def _check_file(path: Path) -> None:
    problem = file_problem(path)
    if problem is not None:
        raise DeskFileError(
            f"{problem}. Restore it from a backup, or move it aside to start a new database"
        )


def check_mode(conn: sqlite3.Connection, training: bool, database: str | Path) -> bool:
    """A database is for training or for client data from its first write on, whoever
    writes first: the desk, an import, the demo, or a first sync (the server's mode,
    ohjaaja.sync.client)."""
    wanted = "training" if training else "production"
    with transaction(conn):
        mode = get_meta(conn, "mode")
        if mode is None:
            set_meta(conn, "mode", wanted)
            mode = wanted
    if mode != wanted:
        raise DeskModeError(f"{database}: {mode} database: training and client data never mix")
    return training


def seed_reference(conn: sqlite3.Connection) -> None:
    """Municipalities and lines from fixtures/ into a new database."""
    upsert_municipalities(
        conn,
        (
            {
                "code": m.code,
                "name_fi": m.name_fi,
                "name_sv": m.name_sv,
                "population": m.population,
                "population_75plus": m.population_75plus,
                "in_agreement": int(m.in_agreement),
            }
            for m in reference.municipalities().values()
        ),
    )
    upsert_lines(
        conn,
        (
            {
                "code": line.code,
                "name_fi": line.names["fi"],
                "name_sv": line.names["sv"],
                "name_en": line.names["en"],
                "phone": line.phone,
                "hours": line.hours_spec,
            }
            for line in reference.lines().values()
        ),
    )
