#!/usr/bin/env python3
"""Set up a virtual environment and run ohjaaja's everyday tasks.

Needs nothing but python3. `python3 dev.py demo` starts the desk on a demo
database; `python3 dev.py test` runs the formatter, the linter, the type checker,
the import contracts and the tests, installing Debian's chromium for the browser
tests when it is missing (`mypy` and `lint-imports` run those two alone);
`python3 dev.py docs` makes the README's pictures from the screens' snapshots;
`python3 dev.py bench` prints the benchmark figures. The environment is made in
`.venv/` and reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
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
    if not stamp.exists():
        spec = f".[{extras}]" if extras else "."
        print(f"dev.py: installing {spec} into .venv (a minute or two the first time)", flush=True)
        quietly([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        quietly([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", spec])
        stamp.touch()
    compile_modules()


def compile_modules() -> None:
    """Byte-compile the project's own modules, as a regular install does. An editable
    install leaves them as source, and where Python writes no cache of its own
    (PYTHONDONTWRITEBYTECODE, a folder the desk's user cannot write) every desk
    compiles some sixty modules again at each start. Up to date, this takes 0.05 s."""
    folders = {
        str(ROOT / path.relative_to(ROOT).parts[0]) for path in installed_packages().values()
    }
    quietly([str(PYTHON), "-m", "compileall", "-q", *sorted(folders)])


CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> None:
    """tests/browser drive Debian's chromium through Playwright's API (Playwright's own
    browsers are never downloaded): installed with apt when missing, as CI runs as root."""
    if CHROMIUM.exists():
        return
    if os.name != "posix" or os.geteuid() != 0:
        print(f"dev.py: no {CHROMIUM}: the browser tests need it (apt-get install chromium)",
              flush=True)  # fmt: skip
        return
    print("dev.py: installing chromium with apt-get (the browser tests)", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env)  # fmt: skip
        if result.returncode != 0:
            sys.stdout.write(result.stdout[-3000:])
            print(f"dev.py: failed (exit {result.returncode}): {' '.join(cmd)}", flush=True)
            sys.exit(result.returncode)


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(result.returncode)


def quietly(cmd: list[str]) -> None:
    """Run pip with its output kept back, shown only if it fails: setuptools warns of
    every editable install with a block that fills the terminal before the desk
    draws, and pip's notices are no newcomer's business."""
    result = subprocess.run(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if result.returncode != 0:
        sys.stdout.write(result.stdout)
        print(f"dev.py: failed (exit {result.returncode}): {' '.join(cmd)}", flush=True)
        sys.exit(result.returncode)


# The sync tests' PostgreSQL: this variable (.ci/run sets it; under CI a missing one
# fails them), else a local server as CI's machine has, else they are skipped.
PG_ENV = "OHJAAJA_TEST_POSTGRES_URL"
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
PROBE = """\
import sys
try:
    import psycopg
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as exc:
    print(" ".join(str(exc).split()) or type(exc).__name__)
    sys.exit(1)
"""


def postgres_for_tests() -> tuple[str | None, str]:
    """The PostgreSQL URL for the tests and what to say of it: $OHJAAJA_TEST_POSTGRES_URL,
    else LOCAL_POSTGRES if a server there accepts it, else None and why not."""
    given = os.environ.get(PG_ENV)
    if given:
        return given, f"PostgreSQL tests on ${PG_ENV}"
    probe = subprocess.run(
        [str(PYTHON), "-c", PROBE, LOCAL_POSTGRES], cwd=ROOT, capture_output=True, text=True
    )
    if probe.returncode == 0:
        return (
            LOCAL_POSTGRES,
            f"PostgreSQL tests on {LOCAL_POSTGRES} (found here; ${PG_ENV} names another)",
        )
    why = probe.stdout.strip() or probe.stderr.strip()[-300:] or f"exit {probe.returncode}"
    return None, f"${PG_ENV} is not set and {LOCAL_POSTGRES} does not answer ({why})"


def run_tests(args: list[str]) -> int:
    """pytest with the PostgreSQL found; without one, pytest lists what it skipped
    (-rs) and the last line says why and how to run them."""
    url, said = postgres_for_tests()
    env = dict(os.environ)
    if url:
        env[PG_ENV] = url
        print(f"dev.py: {said}", flush=True)
    options = [] if url else ["-rs"]
    code = subprocess.run([str(PYTHON), "-m", "pytest", *options, *args], cwd=ROOT, env=env)
    if url is None:
        fate = "failed (required under CI)" if os.environ.get("CI") else "skipped"
        print(
            f"dev.py: the PostgreSQL tests (tests/sync, on each store) were {fate}: {said}; "
            f"to run them: {PG_ENV}=postgresql://USER@HOST:PORT/DB python3 dev.py test",
            flush=True,
        )
    return code.returncode


def in_env() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def installed_packages() -> dict[str, Path]:
    """Every package's installed name and its real folder, from [tool.setuptools].

    screens/, db/ and fixtures/ install as ohjaaja.screens, ohjaaja.db and
    ohjaaja.fixtures (package-dir), which the editable install serves through an
    import hook. Neither mypy nor grimp (the graph of import-linter) follows that
    hook: asked for ohjaaja they see only the ohjaaja/ folder, and handed the
    folders they would name the modules screens.*, db.*. So both are given this
    map instead: each real folder once, under its installed name.
    """
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    moved = setup["tool"]["setuptools"]["package-dir"]
    found = {}
    for package in setup["tool"]["setuptools"]["packages"]:
        parts = package.split(".")
        cut = max((n for n in range(len(parts) + 1) if ".".join(parts[:n]) in moved), default=0)
        base = [moved[".".join(parts[:cut])]] if cut else []
        found[package] = ROOT.joinpath(*base, *parts[cut:])
    return found


def check_types(args: list[str]) -> int:
    """mypy with [tool.mypy] over every installed module, each file once under its
    installed name (mypy's build takes a module name with each file)."""
    from mypy import build, util
    from mypy.fscache import FileSystemCache
    from mypy.main import process_options
    from mypy.modulefinder import BuildSource

    fscache = FileSystemCache()
    _, options = process_options(args, require_targets=False, fscache=fscache)
    sources = [
        BuildSource(str(path.relative_to(ROOT)), module)
        for package, folder in installed_packages().items()
        for path in sorted(folder.glob("*.py"))
        for module in [package if path.stem == "__init__" else f"{package}.{path.stem}"]
    ]
    messages: list[str] = []

    def show(_: str | None, new: list[str], serious: bool) -> None:
        messages.extend(new)
        for line in new:
            print(line, file=sys.stderr if serious else sys.stdout)

    try:
        build.build(sources, options, flush_errors=show, fscache=fscache)
    except build.CompileError as error:  # a blocking error: shown unless already shown
        show(None, [m for m in error.messages if m not in messages], True)
    errors, _, files = util.count_stats(messages)
    if errors:
        print(f"mypy: {errors} errors in {files} files (checked {len(sources)} source files)")
        return 1
    print(f"mypy: no issues found in {len(sources)} source files")
    return 0


def check_imports(args: list[str]) -> None:
    """lint-imports with [tool.importlinter], its graph built from every installed
    module: grimp takes top-level packages only, so the packages that package-dir
    puts inside ohjaaja are added to the root, each read from its real folder."""
    from typing import Any

    from grimp.adaptors.packagefinder import ImportLibPackageFinder
    from grimp.application.config import settings as grimp_settings
    from importlinter import cli
    from importlinter.adapters.building import GraphBuilder
    from importlinter.application.app_config import settings

    folders = installed_packages()
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    moved = list(setup["tool"]["setuptools"]["package-dir"])

    class Finder(ImportLibPackageFinder):
        def determine_package_directories(self, package_name: str, file_system: Any) -> set[str]:
            if package_name in moved:
                return {str(folders[package_name])}
            return super().determine_package_directories(package_name, file_system)

    class Builder(GraphBuilder):
        def build(self, root_package_names: list[str], *args: Any, **kwargs: Any) -> Any:
            inside = [name for name in moved if name.split(".")[0] in root_package_names]
            grimp_settings.configure(PACKAGE_FINDER=Finder())
            return super().build([*root_package_names, *inside], *args, **kwargs)

    settings.configure(GRAPH_BUILDER=Builder())
    cli.lint_imports_command.main(["--no-cache", *args], prog_name="lint-imports")


# The README's pictures (docs/) and the 80x24 snapshots they are copied from.
PICTURES = {"queue.svg": "test_queue", "contact.svg": "test_contact"}


def make_pictures() -> None:
    """docs/*.svg from the snapshots of their screens, once those pass: a picture in
    the README is then the screen as it is (tests/unit/test_docs_pictures.py holds
    it so). After a deliberate change of a screen, update its snapshot first."""
    tests = " or ".join(PICTURES.values())
    run([str(PYTHON), "-m", "pytest", "-q", "tests/snapshots", "-k", tests])
    snapshots = ROOT / "tests" / "snapshots" / "__snapshots__" / "test_screens"
    for picture, test in PICTURES.items():
        (ROOT / "docs" / picture).write_bytes((snapshots / f"{test}.svg").read_bytes())
        print(f"dev.py: docs/{picture} from {test}")


def main(argv: list[str]) -> None:
    task = argv[0] if argv else "help"
    rest = argv[1:]
    if task == "demo":
        ensure_env("")
        os.execv(str(BIN / "ohjaaja"), [str(BIN / "ohjaaja"), "demo", *rest])
    elif task == "test":
        ensure_env("test")
        ensure_chromium()
        run([str(BIN / "ruff"), "format", "--check", "."])
        run([str(BIN / "ruff"), "check", "."])
        run([str(PYTHON), __file__, "mypy"])
        run([str(PYTHON), __file__, "lint-imports", "--no-logo"])
        sys.exit(run_tests(rest))
    elif task in ("mypy", "lint-imports") and not in_env():
        ensure_env("test")
        run([str(PYTHON), __file__, task, *rest])
    elif task == "mypy":
        os.chdir(ROOT)
        sys.exit(check_types(rest))
    elif task == "lint-imports":
        os.chdir(ROOT)
        check_imports(rest)
    elif task == "docs":
        ensure_env("test")
        make_pictures()
    elif task == "bench":
        ensure_env("test")
        run([str(PYTHON), "-m", "tests.bench", *rest])
    else:
        print(__doc__)
        sys.exit(0 if task == "help" else 2)


if __name__ == "__main__":
    main(sys.argv[1:])
