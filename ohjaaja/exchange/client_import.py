"""Importing a legacy client register from CSV (`ohjaaja clients import FILE`).

The file: a header row, comma or semicolon delimited (whichever makes more of
the header into known columns), UTF-8 with or without a byte-order mark.
Each row is checked with the same rules as the client form, plus the file's
own: an ISO birth date, a municipality the database knows, as many fields as
the header. Bad rows are reported (line, field, reason) and skipped; good rows
are stored in one transaction (read, checked and written a batch at a time, so
memory does not grow with the file), each with its outbox mutation and access-log
row, so they sync like clients made at the desk. A person already in the
register (same identity code, or with no code the same name and birth date) is
left as it is, so importing a file again changes nothing. A file that cannot be
read at all raises ImportFileError before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ohjaaja.db import clients as client_rows
from ohjaaja.db.bulk import insert_many
from ohjaaja.db.ids import new_id
from ohjaaja.db.text import fold
from ohjaaja.domain.clients import REGISTER_FIELDS, FieldError, validate_client
from ohjaaja.domain.clock import to_iso
from ohjaaja.sync.outgoing import record_many

if TYPE_CHECKING:
    from ohjaaja.usecases.desk import Desk

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # a tab or a quoted line break may stay


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message names the file (and line)."""


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    rejected_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"imported {self.imported}, unchanged {self.unchanged}, rejected {self.rejected_rows}"
        )


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]
    fields: int  # how many the line held


# Rows checked and stored a batch at a time, all batches in one transaction: memory
# stays that of one batch whatever the file's size.
BATCH = 2000

Progress = Callable[[int, int], None]  # bytes read so far, the file's size


@dataclass(frozen=True)
class Register:
    """A file whose header is read and whose every line splits into fields; its rows
    are read again, one at a time, by rows()."""

    path: Path
    header: list[str]
    delimiter: str
    warnings: list[str]

    def rows(self, progress: Progress | None = None) -> Iterator[_Row]:
        """The rows after the header, blank lines passed over; ImportFileError if a
        line cannot be read (read_register found none, so only if the file changed)."""
        size = self.path.stat().st_size
        try:
            with (
                self.path.open("rb") as raw,
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle,
            ):
                reader = csv.reader(handle, delimiter=self.delimiter)
                next(reader, None)
                for count, fields in enumerate(reader):
                    if progress is not None and count % 1000 == 0:
                        progress(raw.tell(), size)
                    if not fields or fields == [""]:
                        continue  # a blank line is no row
                    values = dict(zip(self.header, fields, strict=False))
                    yield _Row(reader.line_num, values, len(fields))
                if progress is not None:
                    progress(size, size)
        except OSError as exc:
            raise ImportFileError(f"{self.path}: cannot read: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            line = _line_at(self.path, exc)
            raise ImportFileError(f"{self.path}:{line}: not UTF-8 text") from exc
        except csv.Error as exc:
            raise ImportFileError(f"{self.path}:{reader.line_num}: {exc}") from exc


def read_register(path: Path) -> Register:
    """The header, and every line read once (kept nowhere) before anything is written:
    ImportFileError if the file cannot be read."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}:{_line_at(path, exc)}: not UTF-8 text") from exc
    first = first.rstrip("\r\n")
    if not first.strip():
        raise ImportFileError(f"{path}:1: no header row")
    delimiter = max(",;", key=lambda d: sum(c.strip() in REGISTER_FIELDS for c in first.split(d)))
    header = [name.strip().lower() for name in next(csv.reader([first], delimiter=delimiter))]
    missing = [name for name in ("last_name", "first_names") if name not in header]
    if missing or not {"hetu", "birth_date"} & set(header):
        needed = missing or ["hetu or birth_date"]
        raise ImportFileError(f"{path}:1: header: missing column {', '.join(needed)}")
    doubled = sorted({name for name in header if header.count(name) > 1})
    if doubled:
        raise ImportFileError(f"{path}:1: header: column {doubled[0]} twice")
    warnings = [
        f"{path}:1: header: unknown column {name!r} ignored"
        for name in header
        if name not in REGISTER_FIELDS
    ]
    register = Register(path, header, delimiter, warnings)
    for _ in register.rows():  # a line that cannot be read stops it here, nothing written
        pass
    return register


def _line_at(path: Path, exc: UnicodeDecodeError) -> int:
    """The line of the first byte that is not UTF-8, counted a block at a time."""
    line = 1
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                block.decode("utf-8")
            except UnicodeDecodeError as inner:
                if inner.reason != "unexpected end of data":
                    return line + block[: inner.start].count(b"\n")
            line += block.count(b"\n")
    return line


def import_clients(
    desk: Desk, register: Register, progress: Progress | None = None
) -> ImportReport:
    """Every good row stored in one transaction, a batch at a time; each bad row named."""
    header = register.header
    report = ImportReport(warnings=register.warnings)
    municipalities = desk.municipality_codes()
    now = to_iso(desk.clock.now())
    with desk.writing() as conn:
        accepted: list[tuple[int, Any]] = []
        for row in register.rows(progress):
            count = row.fields
            if count != len(header):
                report.rejected_rows += 1
                report.problems.append(
                    Problem(row.line, "row", f"{count} fields, the header has {len(header)}")
                )
                continue
            own = _check(row.values, municipalities)
            clean, errors = validate_client(row.values, municipalities)
            flagged = {e.field for e in own}
            errors = own + [e for e in errors if e.field not in flagged]
            if errors:
                report.rejected_rows += 1
                report.problems += [Problem(row.line, e.field, e.message) for e in errors]
                continue
            accepted.append((row.line, clean))
            if len(accepted) >= BATCH:
                _store(desk, conn, now, register.path, accepted, report)
                accepted = []
        _store(desk, conn, now, register.path, accepted, report)
    report.problems.sort(key=lambda problem: problem.line)
    return report


def _check(values: dict[str, str], municipalities: set[str]) -> list[FieldError]:
    """The file's rules beyond the form's (which accepts 13.10.1952 and a blank language)."""
    errors = [
        FieldError(name, "error.control", "contains a control character")
        for name, value in values.items()
        if _CONTROL.search(value)
    ]
    born = values.get("birth_date", "").strip()
    if born:
        try:
            if not _ISO_DATE.match(born):
                raise ValueError
            date.fromisoformat(born)
        except ValueError:
            errors.append(
                FieldError("birth_date", "error.date", f"{born!r} is not a date as YYYY-MM-DD")
            )
    code = values.get("municipality_code", "").strip()
    if code and code not in municipalities:
        errors.append(FieldError("municipality_code", "error.municipality", f"unknown {code!r}"))
    return errors


def _store(
    desk: Desk,
    conn: sqlite3.Connection,
    now: str,
    path: Path,
    accepted: list[tuple[int, Any]],
    report: ImportReport,
) -> None:
    """Insert a batch's new people in the caller's transaction; count the ones already
    there (stored before, or earlier in this file: the earlier batches are in the
    database already, so a look-up finds them)."""
    from ohjaaja.usecases.clients import phone_row

    reason = f"import:{path.name}"
    clients, phones, audits, mutations = [], [], [], []
    known_codes = client_rows.names_by_hetu(conn, [c.hetu for _, c in accepted if c.hetu])
    seen_codes: dict[str, str] = {}
    seen_people: set[tuple[str, str | None]] = set()
    for line, clean in accepted:
        name = fold(f"{clean.last_name} {clean.first_names}")
        born = clean.birth_date.isoformat() if clean.birth_date else None
        if clean.hetu:
            owner = known_codes.get(clean.hetu) or seen_codes.get(clean.hetu)
            if owner is not None:
                if owner == name:
                    report.unchanged += 1
                else:
                    report.rejected_rows += 1
                    report.problems.append(
                        Problem(line, "hetu", "already a client with another name")
                    )
                continue
            seen_codes[clean.hetu] = name
        elif (name, born) in seen_people or client_rows.person_exists(conn, name, born):
            report.unchanged += 1
            continue
        seen_people.add((name, born))
        client = {"id": new_id(), **clean.columns(), "created_at": now, "updated_at": now}
        own_phones = [phone_row(client["id"], e164, now) for e164 in clean.phones]
        audit = {
            "id": new_id(),
            "at": now,
            "worker_id": desk.worker_id,
            "client_id": client["id"],
            "action": "import",
            "reason": reason,
            "detail": "{}",
        }
        clients.append({**client, "search_name": name})
        phones += own_phones
        audits.append(audit)
        first = own_phones[0] if own_phones else None
        mutations.append(
            ("client.create", {"client": client, "phone": first, "phones": own_phones[1:]})
        )
        mutations.append(("audit.append", audit))
    insert_many(conn, "client", clients)
    insert_many(conn, "client_phone", phones)
    insert_many(conn, "audit", audits)
    record_many(conn, mutations, now, desk.worker_id)
    report.imported += len(clients)
