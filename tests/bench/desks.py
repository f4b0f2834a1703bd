"""N desks on one thin-terminal host: `python3 dev.py bench desks`.

A server (SQLite; PostgreSQL when OHJAAJA_TEST_POSTGRES_URL is set) and N real desk
processes, each in a pseudo-terminal of 80x24 as an SSH session gives it, all on one
shared desk database syncing to the server and following its event stream. The
arrival simulator's contacts come in through the server's intake (`POST
/v1/contacts`), as a phone system's would, so every arrival moves the server's head
and reaches every desk.

Real processes in PTYs rather than Textual's headless driver: the headless driver
writes nothing, so the cost of rendering to a terminal and the time for a key to come
back as bytes on the terminal would be left out, and N apps in one process would
share one interpreter's lock, which N SSH sessions do not.

For each N: while the desks run, keys are pressed one desk after another (F1 opens
the help, F1 closes it), each timed from writing the key to the PTY until the
changed screen's text arrives from it. Printed: the p50/p95 of that time, the desks'
total CPU (in cores) and resident memory, the bytes a second they write to their
terminals, and the server's CPU and memory while N desks follow its event stream.
The floor in the same run: N bare Textual apps in PTYs answering the same key with
the same screen text. Then every desk is quit with Ctrl+Q, as a worker would, and
the run says how many did not exit cleanly and what ohjaaja-errors.log holds.

Sizes from the environment: OHJAAJA_BENCH_DESKS (the Ns, "10,50,100"),
OHJAAJA_BENCH_DESKS_WINDOW (seconds measured per N, 30), OHJAAJA_BENCH_DESKS_RATE
(arrivals a minute, 20), OHJAAJA_BENCH_PORT (the server's port; 0: any free one).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from ohjaaja.demo.simulator import ArrivalSimulator
from ohjaaja.domain.clock import SystemClock
from ohjaaja.usecases.desk import Desk
from tests.bench import sized
from tests.bench.__main__ import pct
from tests.sync.conftest import AT, PG_ENV, Server, start_server, stop

ROOT = Path(__file__).resolve().parents[2]
F1, CTRL_Q = b"\x1bOP", b"\x11"
# What each side draws: the queue's footer (the take-next key's word), the help's
# title. The bare app (bench/desks_bare.py) draws the same words.
READY = CLOSED = b"Seuraava"
OPENED = "Näppäimet".encode()
ANSWER_TIMEOUT = 20.0
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Terminal:
    """One process on a pseudo-terminal of 80x24; what it writes is read by Reader."""

    process: subprocess.Popen[bytes]
    fd: int
    written: int = 0
    seen: bytearray = field(default_factory=bytearray)
    wanted: bytes | None = None
    found_at: float = 0.0
    found: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, argv: list[str], env: dict[str, str]) -> Terminal:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        os.set_blocking(master, False)
        return cls(process, master)

    def expect(self, wanted: bytes) -> None:
        with self.lock:
            self.seen.clear()
            self.wanted = wanted
            self.found.clear()

    def took(self, key: bytes, wanted: bytes) -> float | None:
        """Seconds from writing the key to the wanted text coming back; None if not
        within ANSWER_TIMEOUT."""
        self.expect(wanted)
        started = time.perf_counter()
        os.write(self.fd, key)
        if not self.found.wait(ANSWER_TIMEOUT):
            return None
        return self.found_at - started

    def received(self, data: bytes) -> None:
        with self.lock:
            self.written += len(data)
            if self.wanted is None:
                return
            self.seen += data
            if self.wanted in self.seen:
                self.found_at = time.perf_counter()
                self.wanted = None
                self.found.set()


class Reader(threading.Thread):
    """Reads every terminal's output as it comes (a desk whose terminal is not read
    blocks on its writes)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.selector = selectors.DefaultSelector()
        self.pending: list[Terminal] = []
        self.lock = threading.Lock()
        self.stopped = False

    def add(self, terminal: Terminal) -> None:
        with self.lock:
            self.pending.append(terminal)

    def run(self) -> None:
        while not self.stopped:
            with self.lock:
                for terminal in self.pending:
                    self.selector.register(terminal.fd, selectors.EVENT_READ, terminal)
                self.pending.clear()
            for key, _ in self.selector.select(0.05):
                terminal: Terminal = key.data
                try:
                    data = os.read(terminal.fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:  # the process ended: its side of the PTY is gone
                    data = b""
                if not data:
                    self.selector.unregister(terminal.fd)
                    continue
                terminal.received(data)


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far (its finished children too)."""
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / TICK
    return 0.0


def rss_mib(pid: int) -> float:
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Figures:
    label: str
    n: int
    started: int = 0
    window: float = 0.0
    answers: list[float] = field(default_factory=list)
    unanswered: int = 0
    cpu: float = 0.0  # cores, all N together
    rss: float = 0.0  # MiB, all N together
    bytes_per_s: float = 0.0  # to all N terminals
    server_cpu: float = 0.0
    server_rss: float = 0.0
    arrivals: int = 0
    quit_unclean: int = 0

    def line(self) -> str:
        if not self.answers:
            return f"  {self.label:14}: no key answered ({self.unanswered} unanswered)"
        return (
            f"  {self.label:14}: key->screen p50 {pct(self.answers, 0.5) * 1000:7.1f} ms"
            f"  p95 {pct(self.answers, 0.95) * 1000:7.1f} ms ({len(self.answers)} keys,"
            f" {self.unanswered} unanswered) | CPU {self.cpu:4.2f} cores"
            f" | RSS {self.rss:6.0f} MiB ({self.rss / max(self.started, 1):4.1f} each)"
            f" | {self.bytes_per_s / 1024:6.1f} KiB/s to the terminals"
        )


def start_all(
    argvs: list[list[str]], env: dict[str, str], reader: Reader, figures: Figures
) -> list[Terminal]:
    """Start the processes a few at a time, each batch drawn before the next (as a
    shift's desks come up over a minute, not in one instant)."""
    terminals: list[Terminal] = []
    batch = 4
    for first in range(0, len(argvs), batch):
        started = []
        for argv in argvs[first : first + batch]:
            terminal = Terminal.start(argv, env)
            terminal.expect(READY)
            reader.add(terminal)
            started.append(terminal)
        for terminal in started:
            if terminal.found.wait(120):
                figures.started += 1
            terminals.append(terminal)
    return terminals


def press_keys(terminals: list[Terminal], seconds: float, figures: Figures) -> None:
    """One desk after another: F1 opens the help, F1 closes it; each timed."""
    deadline = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < deadline:
        terminal = terminals[n % len(terminals)]
        n += 1
        if terminal.process.poll() is not None:
            continue
        for wanted in (OPENED, CLOSED):
            answer = terminal.took(F1, wanted)
            if answer is None:
                figures.unanswered += 1
                break
            figures.answers.append(answer)
        time.sleep(0.05)  # a worker's keys are not back to back


def measure(
    label: str,
    n: int,
    argvs: list[list[str]],
    env: dict[str, str],
    window: float,
    server: Server | None = None,
    arrive: threading.Event | None = None,
) -> Figures:
    figures = Figures(label, n)
    reader = Reader()
    reader.start()
    terminals = start_all(argvs, env, reader, figures)
    try:
        time.sleep(3)  # the first sync rounds and loads settle
        pids = [t.process.pid for t in terminals]
        cpu0 = sum(cpu_seconds(pid) for pid in pids)
        server_cpu0 = cpu_seconds(server.process.pid) if server else 0.0
        written0 = sum(t.written for t in terminals)
        t0 = time.perf_counter()
        if arrive is not None:
            arrive.set()
        press_keys(terminals, window, figures)
        if arrive is not None:
            arrive.clear()
        figures.window = time.perf_counter() - t0
        figures.cpu = (sum(cpu_seconds(pid) for pid in pids) - cpu0) / figures.window
        figures.rss = sum(rss_mib(pid) for pid in pids)
        figures.bytes_per_s = (sum(t.written for t in terminals) - written0) / figures.window
        if server is not None:
            figures.server_cpu = (cpu_seconds(server.process.pid) - server_cpu0) / figures.window
            figures.server_rss = rss_mib(server.process.pid)
    finally:
        for terminal in terminals:  # as a worker quits: Ctrl+Q
            with contextlib.suppress(OSError):
                os.write(terminal.fd, CTRL_Q)
        for terminal in terminals:
            try:
                code = terminal.process.wait(30)
            except subprocess.TimeoutExpired:
                terminal.process.send_signal(signal.SIGKILL)
                code = terminal.process.wait()
            if code != 0:
                figures.quit_unclean += 1
        reader.stopped = True
        reader.join()
        for terminal in terminals:
            os.close(terminal.fd)
    return figures


def arrivals(server: Server, token: str, per_minute: int, go: threading.Event,
             done: threading.Event, figures: list[int]) -> None:  # fmt: skip
    """The demo's arrival simulator, through the server's intake, at a fixed rate."""
    simulator = ArrivalSimulator(seed=19)
    clock = SystemClock()
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        while not done.is_set():
            if not go.wait(0.2):
                continue
            arrival = simulator.arrival(clock.now())
            response = http.post("/v1/contacts", json={
                "channel": arrival.channel, "line": arrival.line,
                "municipality_code": arrival.municipality_code, "language": arrival.language,
                "phone": arrival.caller_phone,
            })  # fmt: skip
            response.raise_for_status()
            figures[0] += 1
            done.wait(60 / per_minute)


def desk_argv(database: Path, worker: str, server: Server, token: Path) -> list[str]:
    return [sys.executable, "-m", "ohjaaja.shell.cli", "--database", str(database),
            "--worker", worker, "--server", server.url, "--token-file", str(token)]  # fmt: skip


def run_size(n: int, folder: Path, store_args: list[str], window: float, rate: int,
             port: int) -> tuple[Figures, Figures, list[str]]:  # fmt: skip
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24",
           "COLORTERM": "truecolor"}  # fmt: skip
    env.pop("NO_COLOR", None)
    floor = measure(
        "bare Textual", n, [[sys.executable, "-m", "tests.bench.desks_bare"]] * n, env, window
    )
    server = start_server(store_args, port=port, quiet=True)
    try:
        admin = server.admin()
        workers = [f"Työntekijä {i:03d}" for i in range(n)]
        for name in workers:
            admin.add_worker(name, ["guidance"], [], AT)
        token = folder / "desk.token"
        token.write_text(admin.create_token("bench-desks", "desk", AT, workers))
        token.chmod(0o600)
        intake = admin.create_token("bench-intake", "integration", AT)
        admin.close()
        database = folder / "desks.sqlite"
        Desk(database, SystemClock(), workers[0]).close()
        go, done, count = threading.Event(), threading.Event(), [0]
        feeder = threading.Thread(
            target=arrivals, args=(server, intake, rate, go, done, count), daemon=True
        )
        feeder.start()
        argvs = [desk_argv(database, name, server, token) for name in workers]
        desks = measure("desks", n, argvs, env, window, server, go)
        done.set()
        feeder.join()
        desks.arrivals = count[0]
        log = database.with_name("ohjaaja-errors.log")
        errors = log.read_text().splitlines() if log.exists() else []
    finally:
        stop(server)
    return floor, desks, errors


def pg_store(base: str) -> tuple[list[str], str]:
    name = f"ohjaaja_desks_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return ["--database-url", base.rsplit("/", 1)[0] + "/" + name], name


def main() -> None:
    sizes = [int(n) for n in os.environ.get("OHJAAJA_BENCH_DESKS", "10,50,100").split(",")]
    window = float(sized("DESKS_WINDOW", 30))
    rate = sized("DESKS_RATE", 20)
    port = sized("PORT", 0)
    base = os.environ.get(PG_ENV)
    store = "PostgreSQL" if base else "SQLite"
    print(f"N desks in PTYs (80x24) on one desk database, a server ({store}) and {rate} "
          f"arrivals a minute through its intake; {window:.0f} s measured per N")  # fmt: skip
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            dropped = None
            if base:
                store_args, dropped = pg_store(base)
            else:
                store_args = ["--database", str(folder / "server.sqlite")]
            try:
                floor, desks, errors = run_size(n, folder, store_args, window, rate, port)
            finally:
                if dropped and base:
                    with psycopg.connect(base, autocommit=True) as admin:
                        admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
        print(f"N = {n}: {desks.started}/{n} desks drew their queue, "
              f"{desks.arrivals} arrivals in the window")  # fmt: skip
        print(floor.line())
        print(desks.line())
        if floor.answers and desks.answers:
            ratio = pct(desks.answers, 0.95) / pct(floor.answers, 0.95)
            cpu, rss = desks.cpu / max(floor.cpu, 1e-3), desks.rss / max(floor.rss, 1e-3)
            print(f"  desks / floor : p95 {ratio:5.1f}x   CPU {cpu:5.1f}x   RSS {rss:4.1f}x")
        print(f"  server        : CPU {desks.server_cpu:4.2f} cores, RSS "
              f"{desks.server_rss:5.0f} MiB while {n} desks follow its event stream")  # fmt: skip
        print(
            f"  Ctrl+Q: {desks.quit_unclean} of {n} desks did not exit cleanly "
            f"({floor.quit_unclean} bare apps); ohjaaja-errors.log: {len(errors)} lines"
        )
        for line in [e for e in errors if "Error" in e][:3]:
            print(f"    {line[:150]}")


if __name__ == "__main__":
    main()
