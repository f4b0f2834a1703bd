"""Catalogue search on a 20,000-service catalogue, beside the raw SQLite full-text
query (the floor), and the HSDS import's throughput.

Run: `python3 dev.py bench catalogue`. Target (issue 5): p95 under 30 ms.
"""

from __future__ import annotations

import random
import re
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

from ohjaaja.db import catalogue as store
from ohjaaja.db.catalogue import Filters
from ohjaaja.db.text import fold

from ohjaaja.demo.catalogue import demo_catalogue
from ohjaaja.domain.catalogue import Service
from ohjaaja.domain.clock import SystemClock
from ohjaaja.exchange.hsds import organization_object, service_object
from ohjaaja.exchange.hsds_files import read_catalogue, write_json
from ohjaaja.usecases.catalogue import match_expression, name_weights
from ohjaaja.usecases.desk import Desk
from tests.bench import sized
from tests.bench.clients import pct, timed

SERVICES = sized("CATALOGUE_SERVICES", 20_000)
QUERIES = sized("CATALOGUE_QUERIES", 1_000)


def synthetic_catalogue(count: int, rng: random.Random) -> list[Service]:
    """The demo's services over and over, each with new ids and two extra words from
    the demo's own vocabulary, so names and texts vary as a real region's do."""
    _, templates = demo_catalogue()
    words = sorted(
        {w for s in templates for t in s.description.values() for w in re.findall(r"\w{4,}", t)}
    )
    made = []
    for number in range(count):
        base = templates[number % len(templates)]
        extra = " ".join(rng.sample(words, 2))

        def new(old: str, n: int = number) -> str:
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{old}/{n}"))

        made.append(
            replace(
                base,
                id=new(base.id),
                name={lang: f"{text} {extra}" for lang, text in base.name.items()},
                phones=tuple(replace(p, id=new(p.id)) for p in base.phones),
                schedules=tuple(replace(r, id=new(r.id)) for r in base.schedules),
                locations=tuple(
                    replace(place, id=new(place.id), link_id=new(place.link_id))
                    for place in base.locations
                ),
            )
        )
    return made


def queries(services: list[Service], rng: random.Random) -> list[tuple[str, str]]:
    """(what a worker types, the language) — a word's first 4 to 8 letters, sometimes two."""
    out = []
    for service in rng.sample(services, QUERIES):
        language = rng.choice(["fi", "sv"])
        words = re.findall(r"\w{4,}", service.name[language])
        typed = " ".join(w[: rng.randint(4, 8)] for w in rng.sample(words, min(len(words), 2)))
        out.append((typed, language))
    return out


def main() -> None:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        organizations, _ = demo_catalogue()
        services = synthetic_catalogue(SERVICES, rng)
        by_id = {o.id: o for o in organizations}
        write_json(
            workdir / "hsds",
            [service_object(s, by_id[s.organization_id]) for s in services],
            [organization_object(o) for o in organizations],
        )
        desk = Desk(workdir / "catalogue.sqlite", SystemClock(), "Bench", roles=("admin",))
        started = time.perf_counter()
        reading = read_catalogue(workdir / "hsds" / "services.json", "fi")
        parsed = time.perf_counter()
        report, errors = desk.catalogue.save_catalogue(
            list(reading.organizations.values()), list(reading.services.values())
        )
        written = time.perf_counter()
        assert not errors and report is not None and report.created == SERVICES
        print(
            f"import: {SERVICES:,} HSDS services (JSON, {len(organizations)} organisations) in"
            f" {written - started:.1f} s = {SERVICES / (written - started):,.0f} services/s"
            f" (read and check {parsed - started:.1f} s, write {written - parsed:.1f} s)"
        )
        again = time.perf_counter()
        reading = read_catalogue(workdir / "hsds" / "services.json", "fi")
        report, _ = desk.catalogue.save_catalogue(
            list(reading.organizations.values()), list(reading.services.values())
        )
        assert report is not None and report.unchanged == SERVICES
        print(f"  the same file again: {time.perf_counter() - again:.1f} s, all unchanged")
        desk.conn.execute("ANALYZE")
        typed = queries(services, rng)
        conn = desk.conn

        def floor(text: str) -> object:  # the index alone: match, rank, first page of ids
            return conn.execute(
                "SELECT rowid FROM service_fts WHERE service_fts MATCH ? ORDER BY rank LIMIT 100",
                (match_expression(text),),
            ).fetchall()

        def ids_only(pair: tuple[str, str]) -> object:
            text, language = pair
            words = re.findall(r"\w+", fold(text))
            return store.search(
                conn, match_expression(text), words[0], Filters(), name_weights(language),
                language, 100,
            )  # fmt: skip

        def full(pair: tuple[str, str]) -> object:
            return desk.catalogue.search_services(pair[0], language=pair[1])

        def in_turku(pair: tuple[str, str]) -> object:
            return desk.catalogue.search_services(
                pair[0], Filters(municipality_code="853"), pair[1]
            )

        raw = timed(floor, [text for text, _ in typed])
        print(f"search, {QUERIES:,} queries on {SERVICES:,} services (first 100 results):")
        floor_text = f"p50 {pct(raw, 0.5):6.2f} ms  p95 {pct(raw, 0.95):6.2f} ms"
        print(f"  {'raw FTS5 query (floor)':29}: {floor_text}")
        for label, run in (
            ("ranked ids (SQL of the search)", ids_only),
            ("search, services loaded", full),
            ("search, Turku filter", in_turku),
        ):
            times = timed(run, typed)  # type: ignore[arg-type]
            ratio = pct(times, 0.95) / pct(raw, 0.95)
            print(
                f"  {label:29}: p50 {pct(times, 0.5):6.2f} ms  p95 {pct(times, 0.95):6.2f} ms"
                f"  | p95 {ratio:4.1f}x the floor (target p95 < 30 ms)"
            )
        desk.close()


if __name__ == "__main__":
    main()
