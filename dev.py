#!/usr/bin/env python3
"""Set up a virtual environment and run ohjaaja's everyday tasks.

Needs nothing but python3. `python3 dev.py demo` starts the desk on a demo
database; `python3 dev.py test` runs the formatter, the linter and the tests;
`python3 dev.py bench` prints the benchmark figures. The environment is made in
`.venv/` and reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def ensure_env(extras: str) -> None:
    """Create .venv and install the project with the given extras, once per pyproject."""
    if not PYTHON.exists():
        print("dev.py: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{extras or 'base'}-{digest}"
    if stamp.exists():
        return
    spec = f".[{extras}]" if extras else "."
    print(f"dev.py: installing {spec}", flush=True)
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", spec])
    stamp.touch()


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(result.returncode)


def main(argv: list[str]) -> None:
    task = argv[0] if argv else "help"
    rest = argv[1:]
    if task == "demo":
        ensure_env("")
        os.execv(str(BIN / "ohjaaja"), [str(BIN / "ohjaaja"), "demo", *rest])
    elif task == "test":
        ensure_env("test")
        run([str(BIN / "ruff"), "format", "--check", "."])
        run([str(BIN / "ruff"), "check", "."])
        run([str(PYTHON), "-m", "pytest", *rest])
    elif task == "bench":
        ensure_env("test")
        run([str(PYTHON), "-m", "tests.bench", *rest])
    else:
        print(__doc__)
        sys.exit(0 if task == "help" else 2)


if __name__ == "__main__":
    main(sys.argv[1:])
