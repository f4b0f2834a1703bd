"""`ohjaaja serve` as a real process on a free port, on a desk database with one
contact waiting, and Debian's Chromium (/usr/bin/chromium; `python3 dev.py test`
installs it) driven through Playwright's API. Every wait is on an event: a page's
element, or the websocket frame that brings the awaited text, never a sleep."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, WebSocket, sync_playwright

from ohjaaja.domain.clock import SystemClock
from ohjaaja.usecases.desk import Desk

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "salasana-123"


@dataclass
class Served:
    url: str
    database: Path
    contact_id: str
    process: subprocess.Popen[str]
    log: list[str]
    logged: threading.Condition = field(default_factory=threading.Condition)

    def read_log(self) -> None:
        """Keep reading its log (so a full pipe never stalls the server), waking
        whoever waits for a line."""
        for line in self.process.stdout or ():
            with self.logged:
                self.log.append(line)
                self.logged.notify_all()

    def wait_for_log(self, text: str, timeout: float = 30) -> bool:
        """Has `text` been logged? The server writes an access-log line after its
        answer has gone, so a test that has the answer may not have the line yet."""
        with self.logged:
            return self.logged.wait_for(lambda: text in "".join(self.log), timeout)


def cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "ohjaaja.shell.cli", *args],
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        env=env,
    )


def start_serve(tmp_path: Path, *options: str) -> Served:
    database = tmp_path / "desk.sqlite"
    desk = Desk(database, SystemClock(), "Vastaanotto")
    contact_id = desk.contacts.receive("phone", "lapsiperheet", "853")
    desk.close()
    # The desks it starts keep their preferences here, not in the tester's own.
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"),
               OHJAAJA_PREFERENCES=str(tmp_path / "preferences.json"))  # fmt: skip
    passwords = tmp_path / "passwords.json"
    for worker in ("Aino", "Bertta"):
        cli("serve", "passwd", worker, "--passwords", str(passwords), stdin=PASSWORD + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "ohjaaja.shell.cli", "serve", "--database", str(database),
         "--passwords", str(passwords), "--port", "0", *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    log: list[str] = []
    for line in process.stdout:
        log.append(line)
        found = re.search(r"the desk for browsers on (http://\S+)", line)
        if found:
            served = Served(found.group(1), database, contact_id, process, log)
            threading.Thread(target=served.read_log, daemon=True).start()
            return served
    raise RuntimeError(f"serve did not start (exit {process.wait()}): {''.join(log)}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    running = start_serve(tmp_path, "--keep-desk", "120")
    yield running
    running.process.terminate()
    running.process.wait(timeout=60)


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[Served]:
    running = start_serve(tmp_path, "--proxy-header", "X-Remote-User")
    yield running
    running.process.terminate()
    running.process.wait(timeout=60)


# What the terminal is told besides text: control sequences (CSI, charset choices).
CONTROLS = re.compile(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]")
WAIT_MS = 60_000


class Terminal:
    """What the desk sent the page's terminal since its websocket (re)opened, as text.
    Chromium draws it on a canvas, so it is read from the frames the page received."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.socket: WebSocket | None = None
        self.frames: list[bytes] = []
        page.on("websocket", self._opened)

    def _opened(self, socket: WebSocket) -> None:
        self.socket, self.frames = socket, []
        socket.on("framereceived", self._received)

    def _received(self, payload: str | bytes) -> None:
        self.frames.append(payload.encode() if isinstance(payload, str) else payload)

    def text(self) -> str:
        return CONTROLS.sub(b"", b"".join(self.frames)).decode("utf-8", "replace")

    def wait_for(self, words: str) -> None:
        if self.socket is None:
            self.page.wait_for_event("websocket", timeout=WAIT_MS)
        if words in self.text():
            return
        assert self.socket is not None
        self.socket.wait_for_event(
            "framereceived", predicate=lambda _frame: words in self.text(), timeout=WAIT_MS
        )

    def keys(self, *pressed: str, text: str = "") -> None:
        """Into xterm's own input, as a worker's keyboard would."""
        self.page.focus(".xterm-helper-textarea")
        for key in pressed:
            self.page.keyboard.press(key)
        if text:
            self.page.keyboard.type(text)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "no /usr/bin/chromium: `python3 dev.py test` installs it"
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox will not start.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


def sign_in(page: Page, served: Served, worker: str, password: str = PASSWORD) -> None:
    page.goto(served.url)
    page.fill("#worker", worker)
    page.fill("#password", password)
    page.click("#sign-in")
