"""One measured CLI run: `python -m tests.bench.import_child ARGS...` runs `ohjaaja
ARGS...` (or, with `floor FILE DB`, the floor; with `nothing`, nothing: the
interpreter's own memory) in this fresh process and prints, as
its last line, JSON with the seconds it took, the peak RSS in KiB and the exit code.
`--traced` first also counts Python's own allocations (tracemalloc's peak, in KiB:
the same for the same work on any machine, so a test may compare two runs);
`--batch N` first makes the imports write N records a batch (a test's small files
then span many batches).

A process of its own, so the peak RSS is this import's alone: VmHWM, the high-water
mark of this program's memory. (ru_maxrss will not do: Linux carries it across exec,
so a child started by a parent holding the generated catalogue reports the
parent's peak.)
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sqlite3
import sys
import time
import tracemalloc
from pathlib import Path


def floor(path: Path, database: Path) -> int:
    """What an import cannot do without: parse the file and write one row a service
    (its id and its whole object) in one transaction."""
    services = json.loads(path.read_text(encoding="utf-8"))
    conn = sqlite3.connect(database)
    with conn:
        conn.execute("CREATE TABLE IF NOT EXISTS service (id TEXT PRIMARY KEY, body TEXT)")
        conn.executemany(
            "INSERT OR REPLACE INTO service VALUES (?, ?)",
            ((s["id"], json.dumps(s, ensure_ascii=False)) for s in services),
        )
    conn.close()
    return 0


def high_water_kib() -> int:
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:  # not Linux: the best there is
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1])


def main(argv: list[str]) -> None:
    traced = argv[:1] == ["--traced"]
    if traced:
        argv = argv[1:]
        tracemalloc.start()
    if argv[:1] == ["--batch"]:
        from ohjaaja.exchange import client_import
        from ohjaaja.usecases import catalogue

        client_import.BATCH = catalogue.BATCH = int(argv[1])
        argv = argv[2:]
    if traced:  # what every run imports, whatever its size, is no import's own memory
        import ohjaaja.shell.catalogue_cli
        import ohjaaja.shell.cli
        import ohjaaja.shell.client_cli

        tracemalloc.reset_peak()
    started = time.perf_counter()
    out = io.StringIO()
    if argv[0] == "floor":
        code = floor(Path(argv[1]), Path(argv[2]))
    elif argv[0] == "nothing":  # the floor of a process's memory: the interpreter's own
        code = 0
    else:
        from ohjaaja.shell.cli import main as ohjaaja

        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = ohjaaja(argv)
    seconds = time.perf_counter() - started
    peak = high_water_kib()
    result = {"seconds": seconds, "peak_rss_kib": peak, "code": code, "out": out.getvalue()}
    if traced:
        result["traced_peak_kib"] = tracemalloc.get_traced_memory()[1] // 1024
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
