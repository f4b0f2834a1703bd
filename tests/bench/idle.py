"""What an idle desk costs its host, and whether a long session grows.

Run: `python3 dev.py bench idle`. The demo desk (no arrivals: nothing happens but
the clock) runs in a pseudo-terminal of 80x24 as on a thin-terminal host; after it
settles, for a window of seconds, this reads from /proc its share of a core and
its resident memory, and counts the bytes it writes to the terminal. Beside it,
measured the same way in the same run, the floors: a bare Textual app showing a
label and a clock ticking every second (`clock_app.py`), and `less` on a file.

Then the soak: the desk visits its screens by keys in a loop (each screen opened
and closed again, F2 through the languages) and its RSS is printed at the start
and every few minutes.

Sizes from the environment:
- OHJAAJA_BENCH_IDLE_SECONDS: the idle window (60)
- OHJAAJA_BENCH_SETTLE_SECONDS: time to start and draw before the window (8)
- OHJAAJA_BENCH_SOAK_MINUTES: the soak's length (10; 0 skips it)
- OHJAAJA_BENCH_SOAK_REPORT_MINUTES: how often the soak prints RSS (1)
"""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ohjaaja.demo.build import build_demo
from ohjaaja.domain.clock import SystemClock

ROOT = Path(__file__).resolve().parents[2]
COLUMNS, ROWS = 80, 24
TICK = os.sysconf("SC_CLK_TCK")

# The screens a worker reaches from the queue, each visit as the keys that open a
# screen (and one beneath it) and the Escs that come back; F2 three times goes
# through every language and back to the first.
F1, F2, F5, F7, ESC, ENTER = "\x1bOP", "\x1bOQ", "\x1b[15~", "\x1b[18~", "\x1b", "\r"
VISITS: tuple[tuple[str, ...], ...] = (
    ("h", ENTER, ESC, ESC),  # handovers, one handover
    ("s", ESC),  # shift handover
    ("l", ESC),  # log a contact
    (F5, "Virtanen", ENTER, ENTER, ESC, ESC, ESC),  # client search, a client's card
    (F7, ENTER, ESC, ESC),  # catalogue, a service
    ("\x13", ENTER, ESC, ESC),  # Ctrl+S: the reports, one report
    ("\x10", ESC),  # Ctrl+P: the command palette
    (F1, ESC),  # help
    (F2, F2, F2),  # the languages
)


def env_number(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class Terminal:
    """A process in a pseudo-terminal of 80x24; counts what it writes."""

    def __init__(self, command: Sequence[str], cwd: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            list(command), stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
            start_new_session=True, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.bytes = 0
        self.recording: list[bytes] | None = None  # set to a list to keep what it writes
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.bytes += len(chunk)
            if self.recording is not None:
                self.recording.append(chunk)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self.master)


@dataclass(frozen=True)
class Idle:
    cpu_percent: float
    bytes_per_second: float
    rss_mb: float


def measure(terminal: Terminal, settle: float, window: float) -> Idle:
    time.sleep(settle)
    if terminal.process.poll() is not None:
        raise SystemExit(f"bench idle: {terminal.process.args} ended at start")
    cpu0, bytes0, t0 = terminal.cpu_seconds(), terminal.bytes, time.monotonic()
    time.sleep(window)
    cpu1, bytes1, t1 = terminal.cpu_seconds(), terminal.bytes, time.monotonic()
    return Idle(100 * (cpu1 - cpu0) / (t1 - t0), (bytes1 - bytes0) / (t1 - t0), terminal.rss_mb())


def desk_command(database: Path) -> list[str]:
    script = Path(sys.executable).with_name("ohjaaja")
    return [str(script), "demo", "--database", str(database), "--no-arrivals"]


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:6.1f}x" if floor > 0 else "     -"


def idle_figures(workdir: Path, database: Path, settle: float, window: float) -> None:
    floors = {
        "bare Textual app, clock": [sys.executable, "-m", "tests.bench.clock_app"],
        "less on a file": ["less", str(ROOT / "README.md")],
    }
    figures: dict[str, Idle] = {}
    for name, command in [("ohjaaja demo, queue", desk_command(database)), *floors.items()]:
        if command[0] == "less" and shutil.which("less") is None:
            continue
        terminal = Terminal(command, ROOT)
        try:
            figures[name] = measure(terminal, settle, window)
        finally:
            terminal.stop()
    bare = figures["bare Textual app, clock"]
    print(f"idle at {COLUMNS}x{ROWS}, {window:.0f} s after {settle:.0f} s to settle")
    print(f"  {'':26} {'CPU %':>7} {'bytes/s':>9} {'RSS MB':>7}   desk / bare app")
    for name, figure in figures.items():
        line = (
            f"  {name:26} {figure.cpu_percent:7.2f} {figure.bytes_per_second:9.0f} "
            f"{figure.rss_mb:7.1f}"
        )
        if name.startswith("ohjaaja"):
            line += (
                f"   CPU {ratio(figure.cpu_percent, bare.cpu_percent)}"
                f"  bytes {ratio(figure.bytes_per_second, bare.bytes_per_second)}"
                f"  RSS {ratio(figure.rss_mb, bare.rss_mb)}"
            )
        print(line, flush=True)
    print("  targets (issue 19): CPU <= 0.2 %, <= 500 bytes/s", flush=True)


def soak(database: Path, settle: float, minutes: float, every: float) -> None:
    terminal = Terminal(desk_command(database), ROOT)
    try:
        time.sleep(settle)
        start_rss = terminal.rss_mb()
        print(f"soak: screens visited by keys in a loop for {minutes:g} min", flush=True)
        print(f"  at start            RSS {start_rss:6.1f} MB", flush=True)
        started = time.monotonic()
        next_report = every * 60
        rounds = 0
        while time.monotonic() - started < minutes * 60:
            for visit in VISITS:
                for key in visit:
                    terminal.send(key)
                    time.sleep(0.6)  # Esc alone is told from a key's start by a pause
            rounds += 1
            if terminal.process.poll() is not None:
                raise SystemExit("bench idle: the desk ended during the soak")
            elapsed = time.monotonic() - started
            if elapsed >= next_report or elapsed >= minutes * 60:
                print(
                    f"  after {elapsed / 60:5.1f} min    RSS {terminal.rss_mb():6.1f} MB"
                    f"   ({rounds} rounds of {len(VISITS)} screens)",
                    flush=True,
                )
                next_report += every * 60
    finally:
        terminal.stop()


def main() -> None:
    settle = env_number("OHJAAJA_BENCH_SETTLE_SECONDS", 8)
    window = env_number("OHJAAJA_BENCH_IDLE_SECONDS", 60)
    minutes = env_number("OHJAAJA_BENCH_SOAK_MINUTES", 10)
    every = env_number("OHJAAJA_BENCH_SOAK_REPORT_MINUTES", 1)
    with tempfile.TemporaryDirectory(prefix="ohjaaja-idle-") as tmp:
        workdir = Path(tmp)
        database = workdir / "demo.sqlite"
        build_demo(database, SystemClock())
        idle_figures(workdir, database, settle, window)
        if minutes > 0:
            soak(database, settle, minutes, every)


if __name__ == "__main__":
    main()
