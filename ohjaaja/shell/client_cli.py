"""`ohjaaja clients ...`: import a register, search, export an access log."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ohjaaja.domain.clients import age_on
from ohjaaja.domain.clock import local
from ohjaaja.exchange.exports import write_private
from ohjaaja.i18n import t
from ohjaaja.shell.opening import existing, open_desk
from ohjaaja.shell.settings import default_worker
from ohjaaja.usecases.desk import Desk

if TYPE_CHECKING:
    from ohjaaja.exchange.client_import import Register


def run_clients(args: argparse.Namespace, database: Path) -> int:
    register = None
    if args.clients_command == "import":
        from ohjaaja.exchange.client_import import ImportFileError, read_register

        try:  # read once before the database is opened: an unreadable file changes nothing
            register = read_register(args.file)
        except ImportFileError as exc:
            print(f"ohjaaja: {exc}; nothing was imported", file=sys.stderr)
            print("imported 0, unchanged 0, rejected 0")
            return 2
    elif not existing(database):  # find, access-log: read; an import may make the file
        return 2
    desk = open_desk(database, args.worker or default_worker(), training=args.training)
    if desk is None:
        return 2
    try:
        if register is not None:
            return import_file(desk, register)
        if args.clients_command == "find":
            return find(desk, args)
        return access_log(desk, args)
    finally:
        desk.close()


def import_file(desk: Desk, register: Register) -> int:
    from ohjaaja.exchange.client_import import import_clients
    from ohjaaja.shell.progress import progress_bar

    with progress_bar(f"importing {register.path.name}") as progress:
        report = import_clients(desk, register, progress)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for problem in report.problems:
        print(f"{register.path}:{problem.line}: {problem.field}: {problem.reason}")
    print(report.summary())
    return 0 if report.rejected_rows == 0 else 1


def find(desk: Desk, args: argparse.Namespace) -> int:
    """The desk's search, a page at a time. Exit status: 0 found, 1 none found (said
    on standard error; standard output holds only results, with --json the page
    with its list empty), 2 nothing to search for."""
    from ohjaaja.domain.reference import municipality_names
    from ohjaaja.domain.search import lookups
    from ohjaaja.usecases.clients import PAGE_SIZE

    if args.page < 1:
        print("ohjaaja: --page counts from 1", file=sys.stderr)
        return 2
    if not lookups(args.query, municipality_names()) and not args.municipality:
        print(
            f"ohjaaja: nothing to search for in {args.query!r}: a name (last name first, or "
            "either order), a phone number from its area code on (040, 022), an identity "
            "code or its birth-date part (131052), a birth date (13.10.1952), a "
            "municipality, or --municipality CODE",
            file=sys.stderr,
        )
        return 2
    page = desk.clients.search_clients(
        args.query, args.municipality, offset=(args.page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    today = local(desk.clock.now()).date()
    rows = [
        {
            "id": m.id,
            "name": m.name,
            "birth_date": m.birth_date,
            "age": age_on(date.fromisoformat(m.birth_date), today) if m.birth_date else None,
            "municipality_code": m.municipality_code,
            "language": m.language,
            "found_via": m.via,
            "relative": m.relative_name,
        }
        for m in page.matches
    ]
    if args.json:
        json.dump(
            {"page": args.page, "more": page.has_more, "clients": rows},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        _print_rows(rows)
        if page.has_more:
            print(t("cli.find_more", page=args.page + 1), file=sys.stderr)
    if rows:
        return 0
    where = t("cli.find_in_municipality", code=args.municipality) if args.municipality else ""
    if args.page > 1:
        said = t("cli.find_page_empty", page=args.page, query=repr(args.query), where=where)
    else:
        said = t("cli.find_none", query=repr(args.query), where=where)
    print(f"ohjaaja: {said}", file=sys.stderr)
    return 1


def _print_rows(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        via = f"  (relative {row['relative']})" if row["relative"] else ""
        print(
            f"{row['name']:<34} {row['birth_date'] or '':<10} {row['age'] or '':>3}  "
            f"{row['municipality_code'] or '—':<4} {row['language']}  {row['id']}{via}"
        )


def access_log(desk: Desk, args: argparse.Namespace) -> int:
    try:
        text = desk.clients.export_access_log(args.client_id, args.reason)
    except KeyError:
        print(f"ohjaaja: {t('cli.no_client', id=args.client_id)}", file=sys.stderr)
        return 1
    if args.output:
        write_private(args.output, text)
    else:
        sys.stdout.write(text)
    print(f"ohjaaja: {t('cli.access_log_region', id=args.client_id)}", file=sys.stderr)
    return 0
