"""The `ohjaaja` command: the desk, the demo, and headless views for scripts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ohjaaja.clock import SystemClock, to_iso
from ohjaaja.i18n import LANGUAGES
from ohjaaja.queue import LINES
from ohjaaja.settings import (
    Settings,
    default_database,
    default_teams,
    default_worker,
    load_keymap,
)


def _lines(text: str) -> tuple[str, ...]:
    codes = tuple(code.strip() for code in text.split(",") if code.strip())
    unknown = [code for code in codes if code not in LINES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown line {', '.join(unknown)}; lines are {', '.join(LINES)}"
        )
    return codes


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database", type=Path, help="SQLite file (default: $OHJAAJA_DATABASE or user data dir)"
    )
    desk = argparse.ArgumentParser(add_help=False)
    desk.add_argument("--worker", default=None, help="worker name (default: $OHJAAJA_WORKER)")
    desk.add_argument("--language", choices=LANGUAGES, default="fi", help="interface language")
    desk.add_argument("--lines", type=_lines, default=(), help="lines served, comma separated")
    desk.add_argument("--ansi", action="store_true", help="use the terminal's 16 colours")
    desk.add_argument(
        "--server", default=os.environ.get("OHJAAJA_SERVER"), help="shared server URL"
    )
    desk.add_argument("--token", default=os.environ.get("OHJAAJA_TOKEN"), help="this desk's token")
    desk.add_argument("--training", action="store_true", help="a training database")
    desk.add_argument(
        "--admin", action="store_true", help="may edit the service catalogue (admin role)"
    )
    desk.add_argument(
        "--teams",
        type=_teams,
        default=_teams(os.environ.get("OHJAAJA_TEAMS", "")),
        help="teams whose handovers this worker takes: emergency,assessment:853,...",
    )

    parser = argparse.ArgumentParser(
        prog="ohjaaja", description="Keyboard-first desk for client and service guidance.",
        parents=[common, desk],
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", parents=[common, desk], help="build and run a demo database")
    demo.add_argument("--clients", type=int, default=2000, help="synthetic clients to make")
    demo.add_argument("--no-arrivals", action="store_true", help="no simulated new contacts")
    queue = sub.add_parser("queue", parents=[common], help="print the waiting queue")
    queue.add_argument("--json", action="store_true", help="as JSON (for wallboards and scripts)")
    queue.add_argument("--lines", type=_lines, default=(), help="only these lines")
    _server_parser(sub)
    _clients_parser(sub, common)
    _catalogue_parser(sub, common)
    sync = sub.add_parser("sync", parents=[common], help="sync the desk database with the server")
    sync.add_argument("--once", action="store_true", required=True, help="one round, then exit")
    sync.add_argument("--server", default=os.environ.get("OHJAAJA_SERVER"))
    sync.add_argument("--token", default=os.environ.get("OHJAAJA_TOKEN"))
    return parser


def _server_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    store = argparse.ArgumentParser(add_help=False)
    where = store.add_mutually_exclusive_group()
    where.add_argument("--database", type=Path, help="SQLite file of the server's store")
    where.add_argument("--database-url", help="postgresql://... for a PostgreSQL store")
    server = sub.add_parser("server", parents=[store], help="run the shared server")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=8750)
    server.add_argument(
        "--training", action="store_true", help="a store for simulated shifts (fixed when created)"
    )
    commands = server.add_subparsers(dest="server_command")
    token = commands.add_parser("token", help="create or revoke access tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", parents=[store], help="print a new token")
    create.add_argument("--role", required=True, choices=("desk", "worker", "integration", "admin"))
    create.add_argument("--name", required=True, help="the desk id, worker or integration")
    revoke = token_sub.add_parser("revoke", parents=[store], help="revoke a name's tokens")
    revoke.add_argument("--name", required=True)
    commands.add_parser(
        "new-epoch", parents=[store], help="after restoring a backup: desks will resend"
    )


def _clients_parser(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: argparse.ArgumentParser,
) -> None:
    who = argparse.ArgumentParser(add_help=False, parents=[common])
    who.add_argument("--worker", default=None, help="who is on the access log")
    who.add_argument("--training", action="store_true", help="a training database")
    clients = sub.add_parser("clients", help="the client register from the shell")
    commands = clients.add_subparsers(dest="clients_command", required=True)
    load = commands.add_parser("import", parents=[who], help="import a legacy register (CSV)")
    load.add_argument("file", type=Path)
    find = commands.add_parser("find", parents=[who], help="search as the desk's search does")
    find.add_argument("query", nargs="?", default="")
    find.add_argument("--municipality", help="only clients of this municipality (code)")
    find.add_argument("--page", type=int, default=1)
    find.add_argument("--json", action="store_true", help="as JSON")
    log = commands.add_parser("access-log", parents=[who], help="export a client's access log")
    log.add_argument("client_id")
    log.add_argument("--reason", default="information request", help="why (logged)")
    log.add_argument("--output", type=Path, help="file to write (default: standard output)")


def _catalogue_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    who = argparse.ArgumentParser(add_help=False, parents=[common])
    who.add_argument("--worker", default=None, help="who made the change")
    who.add_argument("--training", action="store_true", help="a training database")
    catalogue = sub.add_parser("catalogue", help="the service-offering catalogue (HSDS 3.0)")
    commands = catalogue.add_subparsers(dest="catalogue_command", required=True)
    load = commands.add_parser("import", parents=[who], help="import HSDS 3.0 JSON or datapackage")
    load.add_argument("path", type=Path, help="a .json file or a datapackage folder")
    load.add_argument(
        "--language", default="fi", choices=("fi", "sv", "en"),
        help="the language of plain HSDS texts (default fi)",
    )  # fmt: skip
    out = commands.add_parser("export", parents=[who], help="write HSDS 3.0 files")
    out.add_argument("directory", type=Path)
    out.add_argument("--format", choices=("json", "csv"), default="json")


def _teams(text: str) -> tuple[str, ...]:
    from ohjaaja.teams import is_valid

    codes = tuple(code.strip() for code in text.split(",") if code.strip())
    bad = [code for code in codes if not is_valid(code)]
    if bad:
        raise argparse.ArgumentTypeError(
            f"unknown team {bad[0]!r} (kinds: assessment, home_care, child_welfare, "
            "adult_social_work as KIND:MUNICIPALITY_CODE, or emergency)"
        )
    return codes


def _store_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return str(args.database_url)
    path = args.database or Path(default_database()).with_name("server.sqlite")
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def run_server(args: argparse.Namespace) -> int:
    from db.server_store import Store, StoreModeError

    try:
        store = Store(_store_url(args), training=getattr(args, "training", False) or None)
    except StoreModeError as exc:
        print(f"ohjaaja: {exc}; refusing to mix training and client data", file=sys.stderr)
        return 2
    if args.server_command == "new-epoch":
        print(store.new_epoch())
        return 0
    if args.server_command == "token":
        if args.token_command == "create":
            print(f"token for {args.name} ({args.role}):", file=sys.stderr)
            print(store.create_token(args.name, args.role, to_iso(SystemClock().now())))
            return 0
        revoked = store.revoke_token(args.name, to_iso(SystemClock().now()))
        print(f"revoked {revoked} token(s) of {args.name}")
        return 0 if revoked else 1
    import uvicorn

    from ohjaaja.server import create_app

    # Live event streams never end by themselves: give them 3 s at shutdown, then close.
    uvicorn.run(
        create_app(store, fault=os.environ.get("OHJAAJA_FAULT")),
        host=args.host,
        port=args.port,
        log_level="info",
        timeout_graceful_shutdown=3,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "queue":
        return print_queue(args)
    if args.command == "demo":
        return run_demo(args)
    if args.command == "server":
        return run_server(args)
    if args.command == "sync":
        return run_sync(args)
    if args.command == "catalogue":
        from ohjaaja.catalogue_cli import run_catalogue

        return run_catalogue(args, args.database or default_database())
    if args.command == "clients":
        from ohjaaja.client_cli import run_clients

        return run_clients(args, args.database or default_database())
    return run_desk(args, args.database or default_database(), simulate=False)


def _settings(args: argparse.Namespace, database: Path) -> Settings:
    try:
        keymap = load_keymap()
    except ValueError as exc:
        print(f"ohjaaja: {exc}", file=sys.stderr)
        keymap = {}
    return Settings(
        database=database,
        worker_name=args.worker or default_worker(),
        language=args.language,
        lines=args.lines,
        keymap=keymap,
        ansi=args.ansi,
        server=args.server,
        token=args.token,
        training=args.training,
        admin=args.admin,
        teams=args.teams,
    )


def run_desk(args: argparse.Namespace, database: Path, simulate: bool) -> int:
    from ohjaaja.app import make_app
    from ohjaaja.desk import Desk, DeskModeError

    settings = _settings(args, database)
    try:
        roles = ("guidance", "admin") if settings.admin else ("guidance",)
        desk = Desk(
            database, SystemClock(), settings.worker_name, roles, settings.training,
            teams=settings.teams or default_teams(settings.lines),
        )  # fmt: skip
    except DeskModeError as exc:
        print(f"ohjaaja: {database}: {exc}", file=sys.stderr)
        return 2
    simulator = None
    if simulate:
        from ohjaaja.simulator import ArrivalSimulator

        phones = desk.known_phones(1500)
        simulator = ArrivalSimulator(seed=None, known_phones=phones)
    try:
        make_app(desk, settings, simulator).run()
    finally:
        desk.close()
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from ohjaaja.demo import build_demo

    database = args.database or default_database(demo=True)
    if build_demo(database, SystemClock(), clients=args.clients):
        print(f"ohjaaja: built the demo database {database}", file=sys.stderr)
    if args.worker is None:
        args.worker = "Demo"
    if not args.teams:  # the demo worker sees every flow: Turku's teams and the emergency
        args.teams = ("emergency", "assessment:853", "home_care:853", "child_welfare:853",
                      "adult_social_work:853")  # fmt: skip
    return run_desk(args, database, simulate=not args.no_arrivals)


def run_sync(args: argparse.Namespace) -> int:
    import httpx

    from ohjaaja.desk import open_database
    from ohjaaja.sync_client import SyncClient, SyncError

    if not args.server or not args.token:
        print("ohjaaja: sync needs --server and --token (or OHJAAJA_*)", file=sys.stderr)
        return 2
    database = args.database or default_database()
    open_database(database).close()  # migrated and seeded before the client opens it
    client = SyncClient(database, args.server, args.token, SystemClock())
    try:
        report = client.sync_once()
    except (SyncError, httpx.HTTPError) as exc:
        print(f"ohjaaja: sync failed: {exc}", file=sys.stderr)
        return 1
    finally:
        client.close()
    print(
        f"pushed {report.pushed}, rejected {report.rejected}, pulled {report.pulled}"
        + (", server restored: sent again" if report.epoch_changed else "")
        + (f", lost claims {len(report.lost_claims)}" if report.lost_claims else "")
    )
    return 0


def print_queue(args: argparse.Namespace) -> int:
    from ohjaaja.desk import Desk

    database = args.database or default_database()
    if not database.exists():
        print(f"ohjaaja: no database at {database}", file=sys.stderr)
        return 2
    desk = Desk(database, SystemClock(), default_worker())
    try:
        entries = desk.queue(args.lines or None, limit=100_000)
    finally:
        desk.close()
    rows = [
        {
            "id": e.id,
            "channel": e.channel,
            "line": e.line_code,
            "municipality_code": e.municipality_code,
            "language": e.language,
            "received_at": to_iso(e.received_at),
            "priority": e.priority,
        }
        for e in entries
    ]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for row in rows:
            print(
                f"{row['priority']}  {row['received_at']}  {row['line']:<17} "
                f"{row['channel']:<8} {row['municipality_code'] or '—':<4} {row['language']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
