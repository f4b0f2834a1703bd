"""The `ohjaaja` command: the desk, the demo, and headless views for scripts."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ohjaaja.domain.clock import SystemClock, to_iso
from ohjaaja.domain.queue import LINES
from ohjaaja.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from ohjaaja.shell import report_costs_cli  # noqa: F401  (adds report costs' options)
from ohjaaja.shell.cli_language import speak
from ohjaaja.shell.report_cli import add_report_parser
from ohjaaja.shell.serve_cli import add_serve_parser
from ohjaaja.shell.settings import (
    Settings,
    TokenError,
    default_database,
    default_teams,
    default_worker,
    load_keymap,
    preferences_path,
    remembered_language,
    resolve_token,
)
from ohjaaja.shell.train_cli import add_train_parser
from ohjaaja.shell.train_console_cli import COMMANDS as CONSOLE_COMMANDS
from ohjaaja.shell.train_console_cli import add_console_parsers
from ohjaaja.shell.train_debrief_cli import add_debrief_command
from ohjaaja.shell.train_run_cli import add_run_parser
from ohjaaja.sync.protocol import TOKEN_ROLES, WORKER_ROLES


def _lines(text: str) -> tuple[str, ...]:
    codes = tuple(code.strip() for code in text.split(",") if code.strip())
    unknown = [code for code in codes if code not in LINES]
    if unknown:
        raise argparse.ArgumentTypeError(
            t("cli.type.unknown_line", unknown=", ".join(unknown), known=", ".join(LINES))
        )
    return codes


def _municipalities(text: str) -> frozenset[str]:
    from ohjaaja.domain.reference import municipalities

    known = municipalities()
    codes = frozenset(code.strip() for code in text.split(",") if code.strip())
    unknown = sorted(codes - known.keys())
    if unknown or not codes:
        given = ", ".join(unknown) or t("cli.type.none_given")
        raise argparse.ArgumentTypeError(
            t("cli.type.unknown_municipality", unknown=given, known=", ".join(sorted(known)))
        )
    return codes


def _options(
    top: bool,
) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser, argparse.ArgumentParser]:
    """The options shared by the command and its subcommands, as parents: the
    database, its mode, the desk's. Their defaults (top=True) are filled in by
    _Command after parsing; in the parsers themselves they default to nothing
    (SUPPRESS), so `ohjaaja --database X queue` keeps X instead of the subcommand's
    own default (argparse lets a subcommand's defaults overwrite what came before),
    and an option given before a subcommand is seen to be given."""

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database", type=Path, default=default(None),
        help="SQLite file (default: $OHJAAJA_DATABASE or user data dir)",
    )  # fmt: skip
    mode = argparse.ArgumentParser(add_help=False)
    mode.add_argument(
        "--training", action="store_true", default=default(False),
        help="a training database (fixed when the file is first written)",
    )  # fmt: skip
    desk = argparse.ArgumentParser(add_help=False)
    desk.add_argument(
        "--worker", default=default(None), help="worker name (default: $OHJAAJA_WORKER)"
    )
    desk.add_argument(
        "--language",
        choices=LANGUAGES,
        default=default(None),
        help="interface language (default: the one F2 last chose for this worker, else fi)",
    )
    desk.add_argument(
        "--lines", type=_lines, default=default(()), help="lines served, comma separated"
    )
    desk.add_argument(
        "--ansi", action="store_true", default=default(False),
        help="use the terminal's 16 colours",
    )  # fmt: skip
    desk.add_argument(
        "--server", default=default(os.environ.get("OHJAAJA_SERVER")), help="shared server URL"
    )
    _token_options(desk, default(None))
    desk.add_argument(
        "--admin", action="store_true", default=default(False),
        help="may edit the service catalogue (admin role)",
    )  # fmt: skip
    desk.add_argument(
        "--teams",
        type=_teams,
        default=default(_teams(os.environ.get("OHJAAJA_TEAMS", ""))),
        help="teams whose handovers this worker takes: emergency,assessment:853,...",
    )
    return common, mode, desk


class _Command(argparse.ArgumentParser):
    """The top level of `ohjaaja`. Its options may also be given after a subcommand
    that takes them (and the one after wins, as a repeated option does); given
    before a subcommand that has no use for them, they are refused rather than
    silently dropped. Defaults are filled in after parsing (every parser declares
    the shared options with SUPPRESS), which is how "given" is told from "default"."""

    defaults: dict[str, object]

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        parsed = super().parse_args(args, namespace)
        path, leaf = _chosen(self, parsed)
        if path:
            taken = {action.dest for action in leaf._actions}
            stray = [
                action.option_strings[0]
                for action in self._actions
                if action.option_strings
                and hasattr(parsed, action.dest)
                and action.dest not in taken
            ]
            if stray:
                command = " ".join(path)
                self.error(t("cli.stray_options", options=", ".join(stray), command=command))
        for dest, value in self.defaults.items():
            if not hasattr(parsed, dest):
                setattr(parsed, dest, value)
        return parsed


def _chosen(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[tuple[str, ...], argparse.ArgumentParser]:
    """The subcommand chosen (its names) and its parser; () and the top level for the desk."""
    path: tuple[str, ...] = ()
    while True:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        name = getattr(args, subs[0].dest, None) if subs else None
        if name is None:
            return path, parser
        path, parser = (*path, name), subs[0].choices[name]


def _defaults(*parsers: argparse.ArgumentParser) -> dict[str, object]:
    return {
        action.dest: action.default
        for parser in parsers
        for action in parser._actions
        if action.dest != "help"
    }


def build_parser() -> argparse.ArgumentParser:
    common, mode, desk = _options(top=False)
    # No abbreviations at the top: it sees every option of the line, and would take a
    # subcommand's own (`report --to`) for an ambiguous --token or --token-file.
    parser = _Command(
        prog="ohjaaja", description="Keyboard-first desk for client and service guidance.",
        allow_abbrev=False,
        epilog="The options above may also follow a subcommand that takes them; given "
        "before and after it, the one after wins.",
        parents=[common, mode, desk],
    )  # fmt: skip
    parser.defaults = _defaults(*_options(top=True), _store_options(top=True))
    sub = parser.add_subparsers(dest="command", parser_class=argparse.ArgumentParser)
    demo = sub.add_parser(
        "demo", parents=[common, mode, desk],
        help="build and run a demo database (--training: a training demo, in a file of its own)",
    )  # fmt: skip
    demo.add_argument("--clients", type=int, default=2000, help="synthetic clients to make")
    demo.add_argument("--no-arrivals", action="store_true", help="no simulated new contacts")
    queue = sub.add_parser("queue", parents=[common, mode], help="print the waiting queue")
    queue.add_argument("--json", action="store_true", help="as JSON (for wallboards and scripts)")
    queue.add_argument("--lines", type=_lines, default=argparse.SUPPRESS, help="only these lines")
    _server_parser(sub)
    _clients_parser(sub, common, mode)
    _catalogue_parser(sub, common, mode)
    add_report_parser(sub, common, mode)
    add_serve_parser(sub, common, mode)
    _train, train_commands = add_train_parser(sub)
    add_console_parsers(train_commands, common, desk)
    add_debrief_command(train_commands, [common])
    add_run_parser(train_commands)
    sync = sub.add_parser("sync", parents=[common], help="sync the desk database with the server")
    what = sync.add_mutually_exclusive_group(required=True)
    what.add_argument("--once", action="store_true", help="one round, then exit")
    what.add_argument(
        "--quarantine", action="store_true", help="list pulled rows this desk could not store"
    )
    sync.add_argument("--server", default=argparse.SUPPRESS, help="shared server URL")
    _token_options(sync, argparse.SUPPRESS)
    return parser


def _token_options(parser: argparse.ArgumentParser, default: object) -> None:
    """Where the desk's token comes from (settings.resolve_token reads them)."""
    parser.add_argument(
        "--token", default=default,
        help="this desk's token (visible to every user of the host: prefer --token-file)",
    )  # fmt: skip
    parser.add_argument(
        "--token-file", type=Path, default=default,
        help="a file holding the token, readable by its owner only (or $OHJAAJA_TOKEN)",
    )  # fmt: skip


def _store_options(top: bool) -> argparse.ArgumentParser:
    """Where the server's store is and its mode, for `server` and every subcommand of
    it at every level (SUPPRESS in every parser, as in _options; top=True gives the
    defaults): `ohjaaja --database X server token create`, `server --database X
    token create` and `server token create --database X` are the same store."""

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    store = argparse.ArgumentParser(add_help=False)
    where = store.add_mutually_exclusive_group()
    where.add_argument(
        "--database", type=Path, default=default(None), help="SQLite file of the server's store"
    )
    where.add_argument(
        "--database-url", default=default(None), help="postgresql://... for a PostgreSQL store"
    )
    store.add_argument(
        "--admin-log", type=Path, default=default(None),
        help="the admin journal of token and worker changes, kept out of backups "
        "(default: beside an SQLite store, else in the user data directory)",
    )  # fmt: skip
    store.add_argument(
        "--training", action="store_true", default=default(False),
        help="a store for simulated shifts (fixed when created; an admin command may create "
        "a training store, never a client-data one)",
    )  # fmt: skip
    return store


def _server_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    store = _store_options(top=False)
    server = sub.add_parser("server", parents=[store], help="run the shared server")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=8750)
    server.add_argument(
        "--hsds-anonymous", action="store_true",
        help="anyone may read the catalogue's HSDS API (/hsds/) without a token "
        "(default: a live token of any role is needed)",
    )  # fmt: skip
    commands = server.add_subparsers(dest="server_command")
    token = commands.add_parser("token", parents=[store], help="create or revoke access tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", parents=[store], help="print a new token")
    create.add_argument("--role", required=True, choices=TOKEN_ROLES)
    create.add_argument("--name", required=True, type=_desk_name, help="the desk id, or a name")
    create.add_argument(
        "--workers", type=_names, default=(),
        help="registered workers a desk token acts for, comma separated",
    )  # fmt: skip
    create.add_argument(
        "--municipalities", type=_municipalities, default=None,
        help="the municipality codes it serves, comma separated (default: the whole region)",
    )  # fmt: skip
    create.add_argument(  # not the desk's --lines: given before `server`, that is refused
        "--lines", dest="reach_lines", type=_lines, default=None,
        help="the lines it serves (default: all)",
    )  # fmt: skip
    create.add_argument(
        "--no-identity-codes", action="store_true",
        help="its desks never receive identity codes (they find clients by name and number)",
    )  # fmt: skip
    revoke = token_sub.add_parser("revoke", parents=[store], help="revoke a name's tokens")
    revoke.add_argument("--name", required=True)
    token_sub.add_parser("list", parents=[store], help="every token: name, role, workers")
    grant = token_sub.add_parser(
        "workers", parents=[store], help="set the workers a desk token acts for"
    )
    grant.add_argument("--name", required=True)
    grant.add_argument("--workers", type=_names, required=True)
    worker = commands.add_parser("worker", parents=[store], help="the register of workers")
    worker_sub = worker.add_subparsers(dest="worker_command", required=True)
    add = worker_sub.add_parser("add", parents=[store], help="add a worker, or change one")
    add.add_argument("name")
    add.add_argument(
        "--roles", type=_roles, default=None,
        help="guidance,emergency,trainer,admin (a new worker: guidance; else unchanged)",
    )  # fmt: skip
    add.add_argument(  # the register's, not the desk's --teams (refused before `server`)
        "--teams", dest="worker_teams", type=_teams, default=None,
        help="emergency,assessment:853,... (a new worker: none; else unchanged)",
    )  # fmt: skip
    remove = worker_sub.add_parser("remove", parents=[store], help="a worker leaves")
    remove.add_argument("name")
    worker_sub.add_parser("list", parents=[store], help="the register")
    commands.add_parser(
        "new-epoch", parents=[store], help="after restoring a backup: desks give back what it lacks"
    )
    log = commands.add_parser(
        "access-log", parents=[store],
        help="a client's region-wide record: looks, changes, disclosures (this reading too)",
    )  # fmt: skip
    log.add_argument("client_id")
    log.add_argument("--by", required=True, help="who reads it (recorded)")
    log.add_argument("--reason", required=True, help="why, e.g. the client's request (recorded)")
    log.add_argument("--format", choices=("csv", "fhir"), default="csv",
                     help="CSV, or a FHIR Bundle of AuditEvents (IHE BALP)")  # fmt: skip
    log.add_argument("--output", type=Path, help="a file (readable by its owner only)")


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


def _roles(text: str) -> tuple[str, ...]:
    roles = _names(text)
    bad = [role for role in roles if role not in WORKER_ROLES]
    if bad or not roles:
        raise argparse.ArgumentTypeError(t("cli.type.roles", roles=", ".join(WORKER_ROLES)))
    return roles


def _desk_name(text: str) -> str:
    import re

    from ohjaaja.sync.server.models import DESK_PATTERN

    if not re.fullmatch(DESK_PATTERN, text):
        raise argparse.ArgumentTypeError(t("cli.type.desk_name"))
    return text


def _clients_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    mode: argparse.ArgumentParser,
) -> None:
    who = argparse.ArgumentParser(add_help=False, parents=[common, mode])
    who.add_argument("--worker", default=argparse.SUPPRESS, help="who is on the access log")
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


def _catalogue_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    mode: argparse.ArgumentParser,
) -> None:
    who = argparse.ArgumentParser(add_help=False, parents=[common, mode])
    who.add_argument("--worker", default=argparse.SUPPRESS, help="who made the change")
    catalogue = sub.add_parser("catalogue", help="the service-offering catalogue (HSDS 3.0)")
    commands = catalogue.add_subparsers(dest="catalogue_command", required=True)
    load = commands.add_parser("import", parents=[who], help="import HSDS 3.0 JSON or datapackage")
    load.add_argument("path", type=Path, help="a .json file or a datapackage folder")
    load.add_argument(  # not the desk's --language: given before `catalogue`, that is refused
        "--language", dest="text_language", default="fi", choices=("fi", "sv", "en"),
        help="the language of plain HSDS texts (default fi)",
    )  # fmt: skip
    ptv = commands.add_parser(
        "import-ptv", parents=[who], help="import the national Service Catalogue's (PTV) JSON"
    )
    ptv.add_argument(
        "path", type=Path, help="a PTV open API v11 .json file (an object or a page) or a folder"
    )
    out = commands.add_parser("export", parents=[who], help="write HSDS 3.0 files")
    out.add_argument("directory", type=Path)
    out.add_argument("--format", choices=("json", "csv"), default="json")


def _teams(text: str) -> tuple[str, ...]:
    from ohjaaja.domain.teams import is_valid

    codes = tuple(code.strip() for code in text.split(",") if code.strip())
    bad = [code for code in codes if not is_valid(code)]
    if bad:
        raise argparse.ArgumentTypeError(t("cli.type.unknown_team", team=bad[0]))
    return codes


def _store_location(args: argparse.Namespace) -> tuple[str, Path]:
    """The store's URL and its admin journal's path."""
    if args.database_url:
        journal = args.admin_log or Path(default_database()).with_name("server-admin.log")
        return str(args.database_url), journal
    from ohjaaja.db.files import make_folder

    path = args.database or Path(default_database()).with_name("server.sqlite")
    make_folder(path.parent)
    return f"sqlite:///{path}", args.admin_log or path.with_name(path.name + ".admin-log")


def run_server(args: argparse.Namespace) -> int:
    from ohjaaja.db.server.journal import Journal
    from ohjaaja.db.server.store import Store, StoreFileError, StoreModeError

    if args.database and args.database_url:  # given on two levels of the command
        print("ohjaaja: give --database or --database-url, not both", file=sys.stderr)
        return 2
    url, journal = _store_location(args)
    if url.startswith("sqlite:///"):
        path = Path(url[10:])
        # An admin command never makes a client-data store (a mistyped path would be a
        # second register nobody serves); a training store it may, to prepare a session.
        if args.server_command and not args.training and not path.exists():
            print(
                f"ohjaaja: no store at {path} (start the server once to make it)", file=sys.stderr
            )
            return 2
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        store = Store(url, training=args.training or None, journal=Journal(journal))
    except StoreModeError as exc:
        print(f"ohjaaja: {exc}; refusing to mix training and client data", file=sys.stderr)
        return 2
    except StoreFileError as exc:
        print(f"ohjaaja: {exc}", file=sys.stderr)
        return 2
    if args.server_command:
        try:
            return _administer(store, args)
        except KeyError as exc:
            print(f"ohjaaja: {exc.args[0]}", file=sys.stderr)
            return 1
        finally:
            store.close()
    import uvicorn

    from ohjaaja.sync.server import create_app

    app = create_app(
        store, fault=os.environ.get("OHJAAJA_FAULT"), hsds_anonymous=args.hsds_anonymous
    )
    # A push of 500 mutations makes hundreds of thousands of short-lived objects: at
    # Python's default threshold (700) the collector ran every few mutations, and its
    # older generations walked every object loaded at start. Those (the app, its
    # routes and validators; start-up's garbage collected first, not kept) are frozen
    # out of its sight, and the youngest generation is collected every 20,000
    # allocations (bench scale: push 15-30 % faster; memory does not grow by it).
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    # Live event streams never end by themselves: give them 3 s at shutdown, then close.
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_graceful_shutdown=3)
    return 0


def _administer(store: Any, args: argparse.Namespace) -> int:
    """The server's admin commands; each is also written to the admin journal."""
    now = to_iso(SystemClock().now())
    if args.server_command == "new-epoch":
        print(store.new_epoch())
        return 0
    if args.server_command == "worker":
        return _register(store, args, now)
    if args.server_command == "access-log":
        return _access_log(store, args, now)
    from ohjaaja.sync.scope import Reach, decode, encode

    if args.token_command == "create":
        lines = frozenset(args.reach_lines) if args.reach_lines is not None else None
        reach = Reach(args.municipalities, lines, not args.no_identity_codes)
        print(f"token for {args.name} ({args.role}; {reach.describe()}):", file=sys.stderr)
        print(store.create_token(args.name, args.role, now, args.workers, encode(reach.munis),
                                 encode(reach.lines), reach.identity_codes))  # fmt: skip
        return 0
    if args.token_command == "list":
        print("name\trole\tacts for\treaches\tmade\trevoked")
        for found in store.tokens():
            reach = Reach(decode(found.munis), decode(found.lines), found.identity_codes)
            print(f"{found.name}\t{found.role}\t{','.join(found.workers) or '-'}\t"
                  f"{reach.describe()}\t{found.created_at[:16]}\t"
                  f"{(found.revoked_at or '-')[:16]}")  # fmt: skip
        return 0
    if args.token_command == "workers":
        changed = store.set_token_workers(args.name, args.workers, now)
        print(f"{changed} token(s) of {args.name} act for {', '.join(args.workers) or 'nobody'}")
        return 0 if changed else 1
    revoked = store.revoke_token(args.name, now)
    print(f"revoked {revoked} token(s) of {args.name}")
    return 0 if revoked else 1


def _access_log(store: Any, args: argparse.Namespace, now: str) -> int:
    """`server access-log CLIENT_ID`: the reading is recorded before anything is shown."""
    from ohjaaja.exchange.exports import write_private
    from ohjaaja.sync.server.trail import as_csv, as_fhir, entries

    store.record([{"at": now, "client_id": args.client_id, "event": "access_log",
                   "action": "read", "desk": None, "workers": json.dumps([args.by]),
                   "role": "admin", "detail": {"reason": args.reason,
                                               "format": args.format}}])  # fmt: skip
    looks, trail = store.trail(args.client_id)
    if not looks and len(trail) <= 1 and not store.knows_client(args.client_id):
        print(f"ohjaaja: no client {args.client_id} on this server", file=sys.stderr)
        return 1
    found = entries(looks, trail, {w.id: w.name for w in store.workers()})
    text = (
        as_csv(args.client_id, found)
        if args.format == "csv"
        else json.dumps(as_fhir(args.client_id, found), ensure_ascii=False, indent=1) + "\n"
    )
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_private(args.output, text)
        print(f"{len(found)} entries written to {args.output}", file=sys.stderr)
    return 0


def _register(store: Any, args: argparse.Namespace, now: str) -> int:
    """`server worker add|remove|list`."""
    known = {w.name: w for w in store.workers()}
    if args.worker_command == "add":
        before = known.get(args.name)
        store.add_worker(args.name, args.roles, args.worker_teams, now)
        after = {w.name: w for w in store.workers()}[args.name]
        if before is None:
            what = "added"
        elif (before.roles, before.teams, before.active) == (after.roles, after.teams, True):
            what = "unchanged"
        else:
            what = "changed"
        print(f"{what}: {after.name}  roles {','.join(after.roles)}  "
              f"teams {','.join(after.teams) or '-'}")  # fmt: skip
        return 0
    if args.worker_command == "remove":
        removed = store.remove_worker(args.name, now)
        print(f"removed {args.name}" if removed else f"no worker {args.name} to remove")
        return 0 if removed else 1
    print("name\troles\tteams\tin the register")
    for worker in known.values():
        print(f"{worker.name}\t{','.join(worker.roles)}\t{','.join(worker.teams) or '-'}\t"
              f"{'yes' if worker.active else 'removed'}")  # fmt: skip
    return 0


# Exit status of a command whose reader went away (`ohjaaja queue --json | head`):
# 128 + SIGPIPE, what a shell reports for `cat` or `grep` there.
BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """The console script. Output into a pipe whose reader has gone ends the command
    quietly: no traceback, exit status 141 (`set -o pipefail` sees it, as for any
    tool ended by SIGPIPE). SIGPIPE itself stays ignored, as Python sets it: the
    server's and sync's sockets report a closed peer as an error to handle."""
    try:
        try:
            return _main(argv)
        finally:  # what is still buffered goes now, while a broken pipe can be caught
            sys.stdout.flush()
    except BrokenPipeError:
        # Nothing more reaches the reader; point stdout at /dev/null so that the
        # interpreter's own flush at exit finds nowhere to fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    speak(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.command in (None, "demo", "sync"):  # the commands that talk to the server
        try:
            args.token, args.token_file = resolve_token(args), None
        except TokenError as exc:
            print(f"ohjaaja: {exc}", file=sys.stderr)
            return 2
    if args.command == "queue":
        return print_queue(args)
    if args.command == "demo":
        return run_demo(args)
    if args.command == "server":
        return run_server(args)
    if args.command == "sync":
        return run_sync(args)
    if args.command == "catalogue":
        from ohjaaja.shell.catalogue_cli import run_catalogue

        return run_catalogue(args, args.database or default_database())
    if args.command == "train" and args.train_command in CONSOLE_COMMANDS:
        from ohjaaja.shell.train_console_cli import run_console

        return run_console(args, _settings)
    if args.command == "train" and args.train_command == "debrief":
        from ohjaaja.shell.train_debrief_cli import run_debrief

        return run_debrief(args)
    if args.command == "train":
        from ohjaaja.shell.train_cli import run_train

        handler = getattr(args, "train_handler", None)  # a command added from another module
        return int(handler(args)) if handler else run_train(args)
    if args.command == "report":
        from ohjaaja.shell.report_cli import run_report_command

        return run_report_command(args, args.database or default_database())
    if args.command == "serve":
        from ohjaaja.shell.serve_cli import run_serve

        return run_serve(args, args.database or default_database())
    if args.command == "clients":
        from ohjaaja.shell.client_cli import run_clients

        return run_clients(args, args.database or default_database())
    from ohjaaja.shell.opening import first_run_notices

    database = args.database or default_database()
    return run_desk(args, database, simulate=False, notices=first_run_notices(database))


def _settings(args: argparse.Namespace, database: Path) -> Settings:
    try:
        keymap = load_keymap()
    except ValueError as exc:
        print(f"ohjaaja: {exc}", file=sys.stderr)
        keymap = {}
    worker = args.worker or default_worker()
    preferences = preferences_path()
    return Settings(
        database=database,
        worker_name=worker,
        language=args.language or remembered_language(preferences, worker) or DEFAULT_LANGUAGE,
        preferences=preferences,
        lines=args.lines,
        keymap=keymap,
        ansi=args.ansi,
        server=args.server,
        token=args.token,
        training=args.training,
        admin=args.admin,
        teams=args.teams,
    )


def run_desk(
    args: argparse.Namespace,
    database: Path,
    simulate: bool,
    notices: tuple[tuple[str, dict[str, str]], ...] = (),
) -> int:
    from dataclasses import replace

    from ohjaaja.shell.app import make_app
    from ohjaaja.shell.opening import open_desk

    settings = replace(_settings(args, database), notices=notices)
    roles = ("guidance", "admin") if settings.admin else ("guidance",)
    desk = open_desk(database, settings.worker_name, roles, settings.training,
                     teams=settings.teams or default_teams(settings.lines))  # fmt: skip
    if desk is None:
        return 2
    simulator = None
    if simulate:
        from ohjaaja.demo.simulator import ArrivalSimulator

        phones = desk.clients.known_phones(1500)
        simulator = ArrivalSimulator(seed=None, known_phones=phones)
    app = make_app(desk, settings, simulator)
    try:
        app.run()
    finally:
        desk.close()
    # An exception that escaped ended the app (Textual printed it): 1, not a quiet 0.
    return app.return_code or 0


def run_demo(args: argparse.Namespace) -> int:
    from ohjaaja.demo.build import build_demo
    from ohjaaja.usecases.desk import DeskOpenError

    # --database, else $OHJAAJA_DATABASE, else the demo's own file; never a desk's
    # database (build_demo refuses one that is not a demo's).
    database = args.database or default_database(demo=True, training=args.training)
    notices: list[tuple[str, dict[str, str]]] = []
    try:
        if not database.exists():  # a few seconds, before the desk can draw
            print(f"ohjaaja: {t('cli.demo_building', file=database)}", file=sys.stderr)
        if build_demo(database, SystemClock(), clients=args.clients, training=args.training):
            notices.append(("demo.built", {"file": str(database)}))  # said in the desk
    except DeskOpenError as exc:
        from_env = args.database is None and os.environ.get("OHJAAJA_DATABASE")
        hint = t("cli.demo_env_names") if from_env else ""
        print(f"ohjaaja: {exc} ({hint}{t('cli.demo_needs_file')})", file=sys.stderr)
        return 2
    if args.worker is None:
        args.worker = os.environ.get("OHJAAJA_WORKER") or "Demo"
    if not args.teams:  # the demo worker sees every flow: Turku's teams and the emergency
        args.teams = ("emergency", "assessment:853", "home_care:853", "child_welfare:853",
                      "adult_social_work:853")  # fmt: skip
    return run_desk(args, database, simulate=not args.no_arrivals, notices=tuple(notices))


def run_sync(args: argparse.Namespace) -> int:
    import sqlite3

    import httpx

    from ohjaaja.sync.client import SyncClient, SyncError
    from ohjaaja.usecases.desk import DeskFileError, open_database

    database = args.database or default_database()
    if args.quarantine:
        return print_quarantine(database)
    if not args.server or not args.token:
        print(f"ohjaaja: {t('cli.sync_needs')}", file=sys.stderr)
        return 2
    try:
        open_database(database).close()  # migrated and seeded before the client opens it
    except DeskFileError as exc:
        print(f"ohjaaja: {exc}", file=sys.stderr)
        return 2
    client = SyncClient(database, args.server, args.token, SystemClock())
    try:
        report = client.sync_once()
    except httpx.TransportError as exc:
        said = t("cli.sync_unreachable", server=args.server, error=exc)
        print(f"ohjaaja: {said}", file=sys.stderr)
        return 1
    except (SyncError, httpx.HTTPError, sqlite3.Error) as exc:
        print(f"ohjaaja: {t('cli.sync_failed', error=exc)}", file=sys.stderr)
        return 1
    finally:
        client.close()
    print(describe(report))
    for name, reason in report.refusals:
        print(f"  refused: {name}: {reason}")
    return 0


def print_quarantine(database: Path) -> int:
    """What this desk holds aside, read without writing a byte (an empty or broken
    file stays as it is, for its owner to restore)."""
    import sqlite3

    from ohjaaja.db.engine import file_problem
    from ohjaaja.db.sync_state import quarantine_entries
    from ohjaaja.shell.opening import existing

    if not existing(database):
        return 2
    problem = file_problem(database)
    if problem is not None:
        print(f"ohjaaja: {problem}", file=sys.stderr)
        return 2
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        entries = quarantine_entries(conn)
    except sqlite3.Error as exc:
        print(f"ohjaaja: {database}: {exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    for entry in entries:
        print(f"{entry['tbl']}\t{entry['id']}\tseq {entry['seq']}\t{entry['attempts']} tries\t"
              f"{entry['reason']}")  # fmt: skip
    print(f"{len(entries)} row(s) held aside.", end=" ")
    print("Each is tried again at every sync; one that stays: tell the server's admin its "
          "table and id." if entries else "")  # fmt: skip
    return 0


def describe(report: Any) -> str:
    """One line of what a sync round did, for `sync --once`."""
    parts = [f"pushed {report.pushed}, rejected {report.rejected}, pulled {report.pulled}"]
    if report.removed:
        parts.append(f"removed {report.removed} that left this desk's scope")
    if report.epoch_changed:
        parts.append(f"server restored: gave back {report.restored} row(s), sent again")
    if report.new_incarnation:
        parts.append("this database's numbering started again: sent as a new incarnation")
    if report.lost_claims:
        parts.append(f"lost claims {len(report.lost_claims)}")
    if report.kept_notes:
        parts.append(f"refused closes kept as notes {report.kept_notes}")
    if report.merged_clients:
        parts.append(
            f"clients merged (identity code already registered) {len(report.merged_clients)}"
        )
    if report.quarantined:
        parts.append(f"quarantined rows {report.quarantined} (see `ohjaaja sync --quarantine`)")
    return ", ".join(parts)


def print_queue(args: argparse.Namespace) -> int:
    from ohjaaja.shell.opening import existing, open_desk

    database = args.database or default_database()
    if not existing(database):
        return 2
    desk = open_desk(database, default_worker(), training=args.training)
    if desk is None:
        return 2
    try:
        entries = desk.contacts.queue(args.lines or None, limit=100_000)
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
