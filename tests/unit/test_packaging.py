"""What `pip install .` gives: every package and data file inside `ohjaaja`, and a
working `ohjaaja` from a wheel installed outside the repository.

The wheel is built from a copy of the sources and installed, without its
dependencies, into a fresh venv; the dependencies come from this interpreter's
site-packages through a path file. Python adds a path file's folders to sys.path
without reading the path files inside them, so the editable install of the
development venv (its `__editable__` finder) is not seen there: `ohjaaja` can come
only from the wheel.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import site
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Where each installed package's files come from (pyproject's package-dir).
TOPS = {"ohjaaja": "ohjaaja", "screens": "ohjaaja.screens", "db": "ohjaaja.db",
        "fixtures": "ohjaaja.fixtures"}  # fmt: skip
GENERIC = ("db", "screens", "fixtures")


def _setuptools() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["tool"]["setuptools"]


def _source_folders() -> dict[str, Path]:
    """Every folder of the installed tree, by its dotted name once installed."""
    found = {}
    for top, dotted in TOPS.items():
        for folder in [ROOT / top, *sorted(p for p in (ROOT / top).rglob("*") if p.is_dir())]:
            if folder.name == "__pycache__" or "__pycache__" in folder.parts:
                continue
            rest = folder.relative_to(ROOT / top).parts
            found[".".join((dotted, *rest))] = folder
    return found


def test_every_package_is_listed() -> None:
    """A package missing from pyproject's list would be left out of a real install
    while an editable one still finds it."""
    listed = set(_setuptools()["packages"])
    packages = {name for name, folder in _source_folders().items()
                if (folder / "__init__.py").exists()}  # fmt: skip
    assert packages - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - set(_source_folders()) == set(), "listed packages with no folder"


def test_every_data_file_travels() -> None:
    """Every file of the installed tree that is not Python is in its folder's
    package-data, and every folder holding files is a listed package."""
    listed = set(_setuptools()["packages"])
    data = _setuptools()["package-data"]
    for name, folder in _source_folders().items():
        files = [
            p.name for p in folder.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")
        ]
        if not files and not (folder / "__init__.py").exists():
            continue
        assert name in listed, f"{folder} holds files: list {name} in [tool.setuptools] packages"
        for file in files:
            assert any(fnmatch.fnmatch(file, pattern) for pattern in data.get(name, ())), (
                f"{folder / file} is not in [tool.setuptools.package-data] {name!r}"
            )


@dataclass
class Installed:
    venv: Path
    site_packages: Path
    work: Path  # the working folder, outside the repository
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=self.work, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def python(self, code: str, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "python"), "-c", code, *args)

    def ohjaaja(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "ohjaaja"), *args)


def _check(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    if os.name == "nt":
        pytest.skip("the venv layout below is POSIX's")
    tmp = tmp_path_factory.mktemp("packaging")
    source = tmp / "source"  # built from a copy: the repository gets no build/ or egg-info
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "tests",
        "*.sqlite*", "snapshot_report.html",
    ))  # fmt: skip
    wheels = tmp / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _check(subprocess.run(
        [*pip, "wheel", str(source), "--no-deps", "--quiet", "--wheel-dir", str(wheels)],
        capture_output=True, text=True, cwd=tmp,
    ))  # fmt: skip
    (wheel,) = wheels.glob("ohjaaja-*.whl")
    venv = tmp / "venv"
    _check(subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)]))
    python = venv / "bin" / "python"
    _check(subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", "--no-index", "--no-compile",
         "--quiet", str(wheel)],
        capture_output=True, text=True, cwd=tmp,
    ))  # fmt: skip
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    site_packages = Path(purelib)
    # The dependencies: this interpreter's site-packages, after the venv's own.
    (site_packages / "_dependencies.pth").write_text(
        "".join(f"{folder}\n" for folder in site.getsitepackages()), encoding="utf-8"
    )
    work = tmp / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "OHJAAJA_", "VIRTUAL_ENV"))}  # fmt: skip
    env.update(
        HOME=str(tmp / "home"), XDG_DATA_HOME=str(tmp / "data"),
        XDG_CONFIG_HOME=str(tmp / "config"), PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}",
        OHJAAJA_WORKER="Demo",
    )  # fmt: skip
    yield Installed(venv, site_packages, work, env)


def test_nothing_generic_at_the_top_of_site_packages(installed: Installed) -> None:
    top = {p.name for p in installed.site_packages.iterdir()}
    assert top == {"ohjaaja", "ohjaaja-0.1.0.dist-info", "_dependencies.pth"}, top
    code = (
        "import importlib.util, sys, ohjaaja, ohjaaja.db, ohjaaja.screens, ohjaaja.fixtures\n"
        "print(ohjaaja.__file__)\n"
        f"print([n for n in {GENERIC!r} if importlib.util.find_spec(n)])\n"
    )
    where, generic = _check(installed.python(code)).splitlines()
    assert Path(where).is_relative_to(installed.site_packages), where
    assert generic == "[]", f"importable outside ohjaaja: {generic}"


@pytest.fixture(scope="module")
def demo(installed: Installed) -> Path:
    """The demo database, built through the installed package (migrations, fixtures,
    the catalogue, handovers), as `ohjaaja demo` builds it before the desk starts."""
    code = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from ohjaaja.demo.build import build_demo\n"
        "from ohjaaja.domain.clock import FixedClock\n"
        "clock = FixedClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))\n"
        "assert build_demo(sys.argv[1], clock, clients=300)\n"
    )
    path = installed.work / "demo.sqlite"
    _check(installed.python(code, str(path)))
    return path


def test_the_demo_builds_and_its_queue_prints(installed: Installed, demo: Path) -> None:
    rows = json.loads(_check(installed.ohjaaja("queue", "--json", "--database", str(demo))))
    assert rows and {"id", "line", "priority"} <= set(rows[0])


def test_clients_and_catalogue_from_the_shell(installed: Installed, demo: Path) -> None:
    found = json.loads(_check(installed.ohjaaja("clients", "find", "a", "--json",
                                                "--database", str(demo))))  # fmt: skip
    assert found["clients"]
    out = installed.work / "hsds"
    _check(installed.ohjaaja("catalogue", "export", str(out), "--database", str(demo)))
    assert len(json.loads((out / "services.json").read_text(encoding="utf-8"))) > 100


def test_a_report_from_the_shell(installed: Installed, demo: Path) -> None:
    """The figures' modules, their words and openpyxl travel: a table and an XLSX."""
    table = _check(installed.ohjaaja("report", "volumes", "--period", "2026-11",
                                     "--database", str(demo)))  # fmt: skip
    assert table.startswith("Raportti volumes, 2026-11-01..2026-11-30")
    out = installed.work / "report.xlsx"
    _check(installed.ohjaaja("report", "overview", "--period", "2026-11", "--format", "xlsx",
                             "--output", str(out), "--database", str(demo)))  # fmt: skip
    assert out.read_bytes()[:2] == b"PK"  # a zip: the workbook


def test_the_bundled_training_scenarios_and_their_schema(installed: Installed) -> None:
    """The scenarios (fixtures/scenarios) and scenario.schema.json travel: each checks."""
    names = [line.split()[0] for line in _check(installed.ohjaaja("train", "list")).splitlines()]
    assert len(names) >= 4
    for name in names:
        _check(installed.ohjaaja("train", "check", name))


def test_the_desk_starts(installed: Installed, demo: Path) -> None:
    """The app with its stylesheet and texts: the queue, then the catalogue (F7) and
    the client search (F5), drawn headless at 80x24."""
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from ohjaaja.domain.clock import SystemClock\n"
        "from ohjaaja.shell.app import make_app\n"
        "from ohjaaja.shell.settings import Settings\n"
        "from ohjaaja.usecases.desk import Desk\n"
        "async def main():\n"
        "    desk = Desk(Path(sys.argv[1]), SystemClock(), 'Demo')\n"
        "    app = make_app(desk, Settings(database=desk.database, worker_name='Demo'))\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        for key in ('', 'f7', 'escape', 'f5'):\n"
        "            if key:\n"
        "                await pilot.press(key)\n"
        "            await app.workers.wait_for_complete()\n"
        "            await pilot.pause()\n"
        "            print(type(app.screen).__name__)\n"
        "    desk.close()\n"
        "asyncio.run(main())\n"
    )
    shown = _check(installed.python(code, str(demo))).split()
    assert shown == ["QueueScreen", "CatalogueScreen", "QueueScreen", "ClientSearchScreen"]


def test_the_server_starts_and_answers(installed: Installed) -> None:
    """The server makes its store (its migrations), answers, and its admin commands
    work on the store it made."""
    store = ["--database", str(installed.work / "server.sqlite")]
    process = subprocess.Popen(
        [str(installed.venv / "bin" / "ohjaaja"), "server", *store, "--port", "0"],
        cwd=installed.work, env=installed.env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        url = None
        for line in process.stderr:
            match = re.search(r"Uvicorn running on (http://\S+)", line)
            if match:
                url = match.group(1)
                threading.Thread(target=process.stderr.read, daemon=True).start()
                break
        assert url, f"the server did not start (exit {process.poll()})"
        health = httpx.get(f"{url}/v1/health", timeout=30)
        assert health.status_code == 200, health.text
        _check(installed.ohjaaja("server", "worker", "add", "anna", "--roles", "guidance",
                                 *store))  # fmt: skip
        assert "anna" in _check(installed.ohjaaja("server", "worker", "list", *store))
    finally:
        process.terminate()
        process.wait(timeout=30)
