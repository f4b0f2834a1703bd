"""Client search on a 500,000-client register, beside the raw SQLite look-up that
does the same work (the floor), and the import speed of a 100,000-row CSV.

Run: `python3 dev.py bench clients`. Targets (issue 4): p95 under 10 ms for phone
and identity code and under 30 ms for names, and within 3x the floor.
"""

from __future__ import annotations

import csv
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ohjaaja.db.text import fold

from ohjaaja.demo.build import load_clients
from ohjaaja.demo.synthetic import generate_clients
from ohjaaja.domain.clock import SystemClock
from ohjaaja.domain.phones import display_phone
from ohjaaja.exchange.client_import import import_clients, read_register
from ohjaaja.usecases.desk import Desk
from tests.bench import sized

REGISTER = sized("CLIENTS_REGISTER", 500_000)
QUERIES = sized("CLIENTS_QUERIES", 1_000)
IMPORT_ROWS = sized("CLIENTS_IMPORT", 100_000)
SUMMARY = "c.id, c.last_name, c.first_names, c.birth_date, c.municipality_code, c.language"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(run: Callable[[str], object], queries: list[str]) -> list[float]:
    for query in queries[:20]:  # warm the page cache the same way for both
        run(query)
    times = []
    for query in queries:
        start = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - start) * 1000)
    return times


def floors(conn: sqlite3.Connection) -> dict[str, Callable[[str], object]]:
    """The same look-ups in plain SQL on already-normalised keys: no parsing, no
    ranking, no paging logic, one statement each."""

    def phone(e164: str) -> object:  # the client's own numbers and their relatives'
        return conn.execute(
            f"SELECT {SUMMARY} FROM client_phone p JOIN client c ON c.id = p.client_id "
            f"WHERE p.e164 = ?1 UNION ALL SELECT {SUMMARY} FROM relative r "
            "JOIN client c ON c.id = r.client_id WHERE r.phone_e164 = ?1 LIMIT 21",
            (e164,),
        ).fetchall()

    def hetu(code: str) -> object:
        return conn.execute(f"SELECT {SUMMARY} FROM client c WHERE c.hetu = ?", (code,)).fetchall()

    def name(folded: str) -> object:
        return conn.execute(
            f"SELECT {SUMMARY} FROM client c WHERE c.search_name >= ? AND c.search_name < ? "
            "ORDER BY c.search_name LIMIT 21",
            (folded, folded + "\uffff"),
        ).fetchall()

    return {"phone": phone, "hetu": hetu, "name prefix": name, "folded name": name}


def sample(conn: sqlite3.Connection, rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """(what a worker types, the normalised key the floor gets) per kind of search."""
    rows = conn.execute(
        "SELECT c.last_name, c.first_names, c.hetu, p.e164 FROM client c "
        "JOIN client_phone p ON p.client_id = c.id ORDER BY random() LIMIT ?",
        (QUERIES,),
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {k: [] for k in floors(conn)}
    for last, first, code, e164 in rows:
        out["phone"].append((display_phone(e164), e164))
        out["hetu"].append((code, code))
        prefix = last[: rng.randint(3, 5)]
        out["name prefix"].append((prefix, fold(prefix)))
        plain = fold(f"{last} {first.split()[0]}")  # 'Mäkinen Aino' typed 'makinen aino'
        out["folded name"].append((plain, plain))
    return out


def bench_search(workdir: Path) -> None:
    database = workdir / "register.sqlite"
    desk = Desk(database, SystemClock(), "Bench")
    start = time.perf_counter()
    load_clients(desk.conn, generate_clients(REGISTER))
    print(f"register: {REGISTER:,} clients loaded in {time.perf_counter() - start:.1f} s")
    desk.conn.execute("ANALYZE")
    rng = random.Random(4)
    queries = sample(desk.conn, rng)
    floor = floors(desk.conn)
    targets = {"phone": 10, "hetu": 10, "name prefix": 30, "folded name": 30}
    print(f"search, {QUERIES:,} queries each (first page of 20):")
    for kind, pairs in queries.items():
        ours = timed(lambda q: desk.clients.search_clients(q), [typed for typed, _ in pairs])
        raw = timed(floor[kind], [key for _, key in pairs])
        ratio = pct(ours, 0.95) / pct(raw, 0.95)
        print(
            f"  {kind:12}: p50 {pct(ours, 0.5):6.2f} ms  p95 {pct(ours, 0.95):6.2f} ms"
            f" (target < {targets[kind]} ms) | floor p50 {pct(raw, 0.5):6.3f} ms"
            f"  p95 {pct(raw, 0.95):6.3f} ms | p95 ratio {ratio:4.1f}x (target < 3x)"
        )
    desk.close()


def legacy_register(path: Path, rows: int, seed: int = 77) -> Path:
    """A legacy register of ROWS generated people, as `clients import` reads it."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(
            ["last_name", "first_names", "hetu", "birth_date", "phone", "email",
             "municipality_code", "language", "address"]
        )  # fmt: skip
        for person in generate_clients(rows, seed=seed):
            writer.writerow(
                [person.last_name, person.first_names, person.hetu,
                 person.birth_date.isoformat(), display_phone(person.phones[0]) if person.phones
                 else "", "", person.municipality_code, person.language, ""]
            )  # fmt: skip
    return path


def bench_import(workdir: Path) -> None:
    path = legacy_register(workdir / "legacy.csv", IMPORT_ROWS)
    desk = Desk(workdir / "import.sqlite", SystemClock(), "Bench")
    start = time.perf_counter()
    report = import_clients(desk, read_register(path))
    seconds = time.perf_counter() - start
    again = time.perf_counter()
    second = import_clients(desk, read_register(path))
    again_seconds = time.perf_counter() - again
    desk.close()
    print(
        f"import: {IMPORT_ROWS:,} rows in {seconds:.1f} s = {IMPORT_ROWS / seconds:,.0f} rows/s"
        f" ({report.summary()}); the same file again {again_seconds:.1f} s ({second.summary()})"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_search(Path(tmp))
        bench_import(Path(tmp))


if __name__ == "__main__":
    main()
