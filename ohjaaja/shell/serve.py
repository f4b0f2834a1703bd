"""The desk in a browser: `ohjaaja serve`, for thin clients that have only a browser.

Built on textual-serve (its terminal page, its process protocol, its downloads), with
what a desk of client data needs around it:

- Nobody reaches a desk without signing in: a password per worker (`serve_signin.py`),
  or, when the server is told to trust it, a reverse proxy's header naming the worker.
  A session is a random cookie, held in this process's memory only.
- Each signed-in worker has one desk process, `ohjaaja --worker NAME` on the served
  database, so what they do is theirs in the desk's access log. Their browser tab
  shows it; a second tab of the same worker takes it over.
- A tab that goes away (a reload, a dropped network) leaves the desk running for
  `--keep-desk` seconds: coming back finds the same screen with what was typed.
  After that the desk quits; the contact's draft is in the database, and the next
  desk opens on it.
- Downloads (the exports) are served only to the worker whose desk made them.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import secrets
import shlex
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSMsgType, web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.helpers import content_disposition_header
from aiohttp.web import BaseRequest, StreamResponse
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from ohjaaja.i18n import DEFAULT_LANGUAGE, LANGUAGES, t_in
from ohjaaja.shell.serve_signin import FailedTries, PasswordFile, worker_name_problem

log = logging.getLogger("ohjaaja.serve")

COOKIE = "ohjaaja_session"
WORKER = web.RequestKey("worker", str)  # who a request was served to, for the access log
STATIC = Path(textual_serve.__file__).parent / "static"
SESSION_HOURS = 12

# What Textual's web driver writes to a new terminal as the desk starts (alternate
# screen, mouse reports, no cursor, bracketed paste; textual/drivers/web_driver.py,
# start_application_mode). A tab that comes back to a running desk has a new
# terminal, which is told the same before the desk draws on it again.
TERMINAL_MODES = b"\x1b[?1049h\x1b[?1000h\x1b[?1003h\x1b[?1015h\x1b[?1006h\x1b[?25l\x1b[?2004h"

LOOPBACK = frozenset({"127.0.0.1", "::1"})


@dataclass(frozen=True)
class ServeOptions:
    database: Path
    passwords: PasswordFile
    desk_arguments: tuple[str, ...] = ()  # given to every desk after --database, --worker
    proxy_header: str | None = None  # trusted only from proxy_addresses
    proxy_addresses: frozenset[str] = LOOPBACK
    keep_desk: float = 300.0
    secure_cookies: bool = False


class _DeskService(AppService):
    """textual-serve's process, telling its owner when the process has ended."""

    def __init__(self, *args: Any, ended: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ended = ended

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            self._ended()


class WorkerDesk:
    """One worker's desk process and the browser tab that shows it (or none)."""

    def __init__(
        self, worker: str, command: str, downloads: DownloadManager, ended: Callable[[], None]
    ) -> None:
        self.worker = worker
        self.socket: web.WebSocketResponse | None = None
        self.service = _DeskService(
            command,
            write_bytes=self._to_tab_bytes,
            write_str=self._to_tab_text,
            close=self._desk_quit,
            download_manager=downloads,
            ended=ended,
        )
        self._stop_later: asyncio.TimerHandle | None = None

    async def start(self, socket: web.WebSocketResponse, width: int, height: int) -> None:
        self.socket = socket
        await self.service.start(width, height)

    async def attach(self, socket: web.WebSocketResponse, width: int, height: int) -> None:
        """A tab comes back (or another tab of the same worker takes the desk)."""
        if self._stop_later is not None:
            self._stop_later.cancel()
            self._stop_later = None
        previous, self.socket = self.socket, socket
        if previous is not None and not previous.closed:
            await previous.close(code=4000, message=b"the desk was opened in another tab")
        await socket.send_bytes(TERMINAL_MODES)
        await self.service.set_terminal_size(width, height)
        # The desk draws its whole screen again on focus when it runs in a browser
        # (ohjaaja/shell/app.py): the new terminal is blank.
        await self.service.focus()

    def detach(self, socket: web.WebSocketResponse, keep: float) -> None:
        if self.socket is not socket:
            return  # taken over by another tab meanwhile
        self.socket = None
        loop = asyncio.get_running_loop()
        self._stop_later = loop.call_later(keep, lambda: loop.create_task(self.stop()))

    async def stop(self) -> None:
        """The desk quits (as by Ctrl+Q: what was typed is in its drafts)."""
        if self._stop_later is not None:
            self._stop_later.cancel()
            self._stop_later = None
        await self.service.stop()

    async def _to_tab_bytes(self, data: bytes) -> None:
        await self._send(lambda socket: socket.send_bytes(data))

    async def _to_tab_text(self, text: str) -> None:
        await self._send(lambda socket: socket.send_str(text))

    async def _send(self, write: Callable[[web.WebSocketResponse], Awaitable[None]]) -> None:
        # With no tab (or one going), what the desk draws is dropped: a tab that comes
        # back is drawn whole.
        socket = self.socket
        if socket is None or socket.closed:
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            await write(socket)

    async def _desk_quit(self) -> None:
        socket, self.socket = self.socket, None
        if socket is not None and not socket.closed:
            await socket.close()


@dataclass
class _Session:
    worker: str
    until: float


@dataclass
class BrowserDesks:
    """The web server: sign-in, the desk page and its websocket, downloads."""

    options: ServeOptions
    clock: Callable[[], float] = time.monotonic
    tries: FailedTries = field(default_factory=FailedTries)
    sessions: dict[str, _Session] = field(default_factory=dict)
    desks: dict[str, WorkerDesk] = field(default_factory=dict)
    downloads: DownloadManager = field(default_factory=DownloadManager)

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[_no_caching])
        app.add_routes(
            [
                web.get("/", self.page),
                web.get("/signin", self.signin_page),
                web.post("/signin", self.signin),
                web.post("/signout", self.signout),
                web.get("/ws", self.websocket),
                web.get("/download/{key}", self.download),
                web.static("/static", STATIC),
            ]
        )
        app.on_shutdown.append(self._stop_all)
        return app

    # -- who is asking ------------------------------------------------------------
    def worker_of(self, request: web.Request) -> str | None:
        """The signed-in worker: the trusted proxy's header, else the session cookie."""
        worker = self._worker_of(request)
        if worker is not None:
            request[WORKER] = worker
        return worker

    def _worker_of(self, request: web.Request) -> str | None:
        header = self.options.proxy_header
        if header and request.remote in self.options.proxy_addresses:
            named = request.headers.get(header, "")
            if named and worker_name_problem(named) is None:
                return named
        token = request.cookies.get(COOKIE, "")
        session = self.sessions.get(token)
        if session is None:
            return None
        if session.until < self.clock():
            del self.sessions[token]
            return None
        return session.worker

    # -- pages ----------------------------------------------------------------------
    async def page(self, request: web.Request) -> web.StreamResponse:
        if self.worker_of(request) is None:
            raise web.HTTPSeeOther("/signin" + _lang_query(request))
        language = _language(request)
        return _html(
            DESK_PAGE.substitute(
                lang=language,
                ended=html.escape(t_in(language, "serve.ended")),
                again=html.escape(t_in(language, "serve.open_again")),
                signout=html.escape(t_in(language, "serve.sign_out")),
            )
        )

    async def signin_page(self, request: web.Request) -> web.StreamResponse:
        return _signin_html(_language(request), "", 200)

    async def signin(self, request: web.Request) -> web.StreamResponse:
        if not _same_origin(request):
            raise web.HTTPForbidden(text="cross-site sign-in refused")
        form = await request.post()
        language = _chosen(str(form.get("lang", ""))) or _language(request)
        worker = str(form.get("worker", "")).strip()
        password = str(form.get("password", ""))
        keys = (f"worker:{worker.casefold()}", f"address:{request.remote}")
        wait = self.tries.wait_seconds(*keys)
        if wait > 0:
            minutes = max(1, int(wait // 60) + 1)
            log.warning("sign-in refused, too many tries: %r from %s", worker, request.remote)
            return _signin_html(language, t_in(language, "serve.too_many", minutes=minutes), 429)
        loop = asyncio.get_running_loop()  # scrypt takes tens of milliseconds: off the loop
        accepted = worker_name_problem(worker) is None and await loop.run_in_executor(
            None, self.options.passwords.check, worker, password
        )
        if not accepted:
            self.tries.failed(*keys)
            log.warning("sign-in failed: %r from %s", worker, request.remote)
            return _signin_html(language, t_in(language, "serve.refused"), 401)
        self.tries.succeeded(keys[0])
        token = secrets.token_urlsafe(32)
        self.sessions[token] = _Session(worker, self.clock() + SESSION_HOURS * 3600)
        request[WORKER] = worker
        log.info("signed in: %r from %s", worker, request.remote)
        response = web.HTTPSeeOther("/?lang=" + language)
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            secure=self.options.secure_cookies,
            max_age=SESSION_HOURS * 3600,
        )
        return response

    async def signout(self, request: web.Request) -> web.StreamResponse:
        if not _same_origin(request):
            raise web.HTTPForbidden(text="cross-site sign-out refused")
        worker = self.worker_of(request)
        self.sessions.pop(request.cookies.get(COOKIE, ""), None)
        desk = self.desks.get(worker) if worker else None
        if desk is not None:
            await desk.stop()
        log.info("signed out: %r", worker)
        response = web.HTTPSeeOther("/signin" + _lang_query(request))
        response.del_cookie(COOKIE)
        return response

    # -- the desk -------------------------------------------------------------------
    async def websocket(self, request: web.Request) -> web.StreamResponse:
        worker = self.worker_of(request)
        if worker is None or not _same_origin(request):
            raise web.HTTPForbidden(text="sign in first")
        socket = web.WebSocketResponse(heartbeat=15)
        await socket.prepare(request)
        width = _size(request.query.get("width"), 80)
        height = _size(request.query.get("height"), 24)
        desk = self.desks.get(worker)
        if desk is None:
            desk = self.desks[worker] = WorkerDesk(
                worker, self._desk_command(worker), self.downloads, lambda: self._ended(worker)
            )
            log.info("desk started for %r", worker)
            await desk.start(socket, width, height)
        else:
            await desk.attach(socket, width, height)
        try:
            await _relay(socket, desk.service)
        finally:
            desk.detach(socket, self.options.keep_desk)
        return socket

    def _desk_command(self, worker: str) -> str:
        return shlex.join(
            [
                sys.executable,
                "-m",
                "ohjaaja.shell.cli",
                "--database",
                str(self.options.database),
                "--worker",
                worker,
                *self.options.desk_arguments,
            ]
        )

    def _ended(self, worker: str) -> None:
        desk = self.desks.pop(worker, None)
        if desk is not None:
            log.info("desk ended for %r", worker)

    async def download(self, request: web.Request) -> web.StreamResponse:
        """An export, to the worker whose desk made it and to nobody else."""
        worker = self.worker_of(request)
        key = request.match_info["key"]
        try:
            found = await self.downloads.get_download_metadata(key)
        except KeyError:
            found = None
        desk = self.desks.get(worker) if worker else None
        if found is None or desk is None or found.app_service is not desk.service:
            raise web.HTTPNotFound(text="no such download")
        response = web.StreamResponse()
        content_type = found.mime_type
        if found.encoding:
            content_type += f"; charset={found.encoding}"
        response.headers["Content-Type"] = content_type
        response.headers["Content-Disposition"] = content_disposition_header(
            "attachment", filename=found.file_name
        )
        await response.prepare(request)
        async for chunk in self.downloads.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def _stop_all(self, _app: web.Application) -> None:
        await asyncio.gather(*(desk.stop() for desk in list(self.desks.values())))


async def _relay(socket: web.WebSocketResponse, service: AppService) -> None:
    """The browser's keys, sizes and focus to the desk (textual-serve's envelopes)."""
    async for message in socket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = message.json()
            kind = envelope[0]
            if kind == "stdin":
                await service.send_bytes(str(envelope[1]).encode("utf-8"))
            elif kind == "resize":
                size = envelope[1]
                await service.set_terminal_size(
                    _size(size.get("width"), 80), _size(size.get("height"), 24)
                )
            elif kind == "ping":
                await socket.send_json(["pong", envelope[1]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            continue  # not textual-serve's: ignored, as it ignores what it does not know


def _size(value: object, default: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return default
    return min(max(number, 10), 500)


def _same_origin(request: web.Request) -> bool:
    """A browser's request from this server's own page: no Origin (not a browser's
    cross-site request), or one naming this host. A websocket or a form from another
    site is refused even if the browser would send the cookie."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


@web.middleware
async def _no_caching(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    # same-origin, not no-referrer: with that a browser sends `Origin: null` on the
    # sign-in form, which _same_origin refuses.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if isinstance(response, web.HTTPException) and response.status >= 300:
        raise response
    return response


# -- languages and pages -------------------------------------------------------------
def _chosen(code: str) -> str | None:
    return code if code in LANGUAGES else None


def _language(request: web.Request) -> str:
    """?lang=, else the browser's first language we speak, else Finnish."""
    asked = _chosen(request.query.get("lang", ""))
    if asked:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def _lang_query(request: web.Request) -> str:
    asked = _chosen(request.query.get("lang", ""))
    return f"?lang={asked}" if asked else ""


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def _signin_html(language: str, problem: str, status: int) -> web.Response:
    def said(key: str) -> str:
        return html.escape(t_in(language, key))

    others = " · ".join(
        f'<a href="/signin?lang={code}">{html.escape(t_in(code, "language." + code))}</a>'
        for code in LANGUAGES
        if code != language
    )
    return _html(
        SIGNIN_PAGE.substitute(
            lang=language,
            title=said("serve.title"),
            worker=said("serve.worker"),
            password=said("serve.password"),
            submit=said("serve.sign_in"),
            problem=f'<p id="problem" role="alert">{html.escape(problem)}</p>' if problem else "",
            others=others,
        ),
        status,
    )


SIGNIN_PAGE = Template("""<!DOCTYPE html>
<html lang="$lang"><head><meta charset="utf-8"><title>$title</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body { background: #0c181f; color: #eee; font-family: monospace; display: flex;
        justify-content: center; margin-top: 10vh; }
 form { background: #12232d; padding: 2em; min-width: 20em; }
 label, input, button { display: block; width: 100%; margin: .4em 0; font: inherit; }
 input { padding: .4em; } button { padding: .6em; }
 #problem { color: #ffb4a8; } a { color: #9cd; }
</style></head>
<body><form method="post" action="/signin">
<h1>$title</h1>
$problem
<input type="hidden" name="lang" value="$lang">
<label for="worker">$worker</label>
<input id="worker" name="worker" autocomplete="username" required autofocus>
<label for="password">$password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="sign-in">$submit</button>
<p>$others</p>
</form></body></html>
""")

# textual-serve's terminal page, less its web font from a third party (a desk of
# client data tells nobody else who opens it) and with the websocket's address
# taken from where the page was loaded, so that it works behind a reverse proxy.
DESK_PAGE = Template("""<!DOCTYPE html>
<html lang="$lang"><head><meta charset="utf-8"><title>Ohjaaja</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<style>
 @font-face { font-family: "Roboto Mono";
   src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }
 html, body { margin: 0; height: 100%; background: #0c181f; }
 .textual-terminal { width: 100vw; height: 100vh; }
 #ended { display: none; position: absolute; inset: 0; z-index: 10;
          align-items: center; justify-content: center; flex-direction: column;
          color: #eee; font-family: monospace; background: #0c181fee; }
 body.-closed #ended { display: flex; }
 #ended button { font: inherit; padding: .6em 2em; margin: .5em; }
</style>
<script>
 document.addEventListener("DOMContentLoaded", () => {
   const scheme = location.protocol === "https:" ? "wss://" : "ws://";
   document.getElementById("terminal").dataset.sessionWebsocketUrl =
     scheme + location.host + "/ws";
 });
</script>
<script src="/static/js/textual.js"></script>
</head>
<body>
<div id="ended"><p>$ended</p>
 <button type="button" id="again" onclick="location.reload()">$again</button>
 <form method="post" action="/signout"><button type="submit" id="sign-out">$signout</button></form>
</div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="" data-font-size="16"></div>
</body></html>
""")


def serve(options: ServeOptions, host: str, port: int) -> None:
    """Run until Ctrl+C or SIGTERM; every desk quits first."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(ValueError):
        if options.proxy_header and not ip_address(host).is_loopback:
            log.warning(
                "the %s header is trusted from %s only: make sure nothing else reaches %s:%s",
                options.proxy_header,
                ", ".join(sorted(options.proxy_addresses)),
                host,
                port,
            )
    asyncio.run(_serve(BrowserDesks(options), host, port))


async def _serve(desks: BrowserDesks, host: str, port: int) -> None:
    runner = web.AppRunner(desks.make_app(), access_log_class=_AccessLog)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound = runner.addresses[0][1]  # the port chosen, when 0 asked for any free one
    where = f"http://{host}:{bound}/" if ":" not in host else f"http://[{host}]:{bound}/"
    print(f"ohjaaja serve: the desk for browsers on {where} ({desks.options.database})",
          flush=True)  # fmt: skip
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()  # on_shutdown: every desk quits


class _AccessLog(AbstractAccessLogger):
    """aiohttp's access log, with who: the signed-in worker a request was served to."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %s %s %.3fs",
            request.remote,
            request.get(WORKER, "-"),
            request.method,
            request.path,
            response.status,
            time,
        )
