"""Many runs of the sync adversary-and-fault harness: `python3 dev.py bench chaos
--runs N [--steps S] [--store sqlite|postgresql|both]`. PostgreSQL needs
OHJAAJA_TEST_POSTGRES_URL. Prints each run that breaks an invariant, and the
totals: runs, runs with a violation, and what the runs did."""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import psycopg

from tests.sync.chaos import run


def _store(kind: str, folder: Path) -> tuple[list[str], str | None]:
    if kind == "sqlite":
        return ["--database", str(folder / "server.sqlite")], None
    base = os.environ["OHJAAJA_TEST_POSTGRES_URL"]
    name = f"ohjaaja_chaos_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return ["--database-url", base.rsplit("/", 1)[0] + "/" + name], name


def _drop(name: str) -> None:
    with psycopg.connect(os.environ["OHJAAJA_TEST_POSTGRES_URL"], autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench chaos")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    if "postgresql" in kinds and not os.environ.get("OHJAAJA_TEST_POSTGRES_URL"):
        kinds.remove("postgresql")
        print("(no OHJAAJA_TEST_POSTGRES_URL: SQLite only)")
    totals: Counter[str] = Counter()
    failed = 0
    seconds = 0.0
    for n in range(args.runs):
        seed = args.first_seed + n
        kind = kinds[n % len(kinds)]
        with tempfile.TemporaryDirectory() as tmp:
            store_args, database = _store(kind, Path(tmp))
            try:
                outcome = run(seed, store_args, Path(tmp), steps=args.steps)
            finally:
                if database:
                    _drop(database)
        totals.update(outcome.counts)
        seconds += outcome.seconds
        if outcome.violations:
            failed += 1
            print(f"seed {seed} ({kind}): {len(outcome.violations)} violation(s)")
            for violation in outcome.violations[:5]:
                print(f"   {violation}")
        print(f"run {n + 1}/{args.runs}: seed {seed} {kind} {outcome.seconds:5.1f} s, "
              f"{len(outcome.violations)} violation(s)", flush=True)  # fmt: skip
    print(f"\nchaos: {args.runs} runs of {args.steps} steps ({', '.join(kinds)}), "
          f"{failed} with an invariant broken, {seconds / 60:.1f} min")  # fmt: skip
    for what, count in sorted(totals.items()):
        print(f"  {what:28} {count:7d}")
