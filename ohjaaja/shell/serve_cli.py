"""`ohjaaja serve`: the desk in a browser, and `serve passwd WORKER`, its passwords."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ohjaaja.shell.serve_signin import (
    PASSWORD_MIN,
    PasswordFile,
    default_password_file,
    worker_name_problem,
)

DEFAULT_PORT = 8760


def add_serve_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    mode: argparse.ArgumentParser,
) -> None:
    passwords = argparse.ArgumentParser(add_help=False)
    passwords.add_argument(
        "--passwords", type=Path, default=argparse.SUPPRESS,
        help="the workers' password file (default: $OHJAAJA_SERVE_PASSWORDS, else "
        "serve-passwords.json in the config directory)",
    )  # fmt: skip
    serve = sub.add_parser(
        "serve", parents=[common, mode, passwords],
        help="serve the desk to browsers: each signed-in worker gets a desk of their own",
    )  # fmt: skip
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--server", default=argparse.SUPPRESS, help="shared server URL")
    serve.add_argument(
        "--token-file", type=Path, default=argparse.SUPPRESS,
        help="the desks' token, in a file readable by its owner only (or $OHJAAJA_TOKEN)",
    )  # fmt: skip
    serve.add_argument(
        "--keep-desk", type=float, default=300.0, metavar="SECONDS",
        help="how long a worker's desk waits for their browser to come back after it "
        "went away (a reload, a dropped network) before it quits (default 300)",
    )  # fmt: skip
    serve.add_argument(
        "--proxy-header", default=None, metavar="NAME",
        help="trust this request header (e.g. X-Remote-User) to name the signed-in worker, "
        "when the request comes from a --proxy-address; off by default (README: reverse "
        "proxy)",
    )  # fmt: skip
    serve.add_argument(
        "--proxy-address", action="append", default=None, metavar="ADDRESS",
        help="the reverse proxy's address, whose --proxy-header is trusted (repeatable; "
        "default 127.0.0.1 and ::1)",
    )  # fmt: skip
    serve.add_argument(
        "--secure-cookies", action="store_true",
        help="the session cookie only over HTTPS (set when browsers reach serve through TLS)",
    )  # fmt: skip
    commands = serve.add_subparsers(dest="serve_command")
    passwd = commands.add_parser(
        "passwd", parents=[passwords],
        help="set a worker's password for the browser desk (asked twice; from standard "
        "input when it is not a terminal)",
    )  # fmt: skip
    passwd.add_argument(
        "name", metavar="WORKER"
    )  # not `worker`: the desk's --worker is refused here
    passwd.add_argument("--remove", action="store_true", help="remove the worker's password")


def run_serve(args: argparse.Namespace, database: Path) -> int:
    passwords = PasswordFile(getattr(args, "passwords", None) or default_password_file())
    if args.serve_command == "passwd":
        return _passwd(passwords, args.name, args.remove)
    from ohjaaja.shell.serve import LOOPBACK, ServeOptions, serve
    from ohjaaja.shell.settings import TokenError, resolve_token

    try:
        token = resolve_token(args)
    except TokenError as exc:
        print(f"ohjaaja: {exc}", file=sys.stderr)
        return 2
    if token:  # to every desk through its environment, never on a command line
        os.environ["OHJAAJA_TOKEN"] = token
    desk: list[str] = []
    if args.training:
        desk.append("--training")
    if args.server:
        desk += ["--server", args.server]
    if args.proxy_header is None and not passwords.read():
        print(
            f"ohjaaja: nobody could sign in: no password in {passwords.path} "
            "(`ohjaaja serve passwd WORKER`) and no --proxy-header",
            file=sys.stderr,
        )
        return 2
    options = ServeOptions(
        database=database.resolve(),
        passwords=passwords,
        desk_arguments=tuple(desk),
        proxy_header=args.proxy_header,
        proxy_addresses=frozenset(args.proxy_address or LOOPBACK),
        keep_desk=args.keep_desk,
        secure_cookies=args.secure_cookies,
    )
    serve(options, args.host, args.port)
    return 0


def _passwd(passwords: PasswordFile, worker: str, remove: bool) -> int:
    problem = worker_name_problem(worker)
    if problem:
        print(f"ohjaaja: {problem}", file=sys.stderr)
        return 2
    if remove:
        removed = passwords.remove(worker)
        print(f"removed the password of {worker}" if removed else f"{worker} had no password")
        return 0 if removed else 1
    if sys.stdin.isatty():
        password = getpass.getpass(f"new password for {worker}: ")
        if getpass.getpass("again: ") != password:
            print("ohjaaja: the two differ; nothing changed", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < PASSWORD_MIN:
        print(f"ohjaaja: a password has at least {PASSWORD_MIN} characters", file=sys.stderr)
        return 2
    passwords.set(worker, password)
    print(f"password set for {worker} in {passwords.path}")
    return 0
