"""The layers of ARCHITECTURE.md: the core never imports Textual; screens never touch SQL."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module(path: Path) -> str:
    """A file's dotted name once installed (screens/ and db/ install in ohjaaja)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts if parts[0] == "ohjaaja" else ("ohjaaja", *parts))


def test_core_does_not_import_textual() -> None:
    """Below the shell nothing imports Textual or the screens, even indirectly."""
    core = [
        _module(p)
        for p in (ROOT / "ohjaaja").rglob("*.py")
        if "shell" not in p.relative_to(ROOT).parts
    ]
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in core)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith(('ohjaaja.screens', 'ohjaaja.shell')))\n"
        + "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_desk_start_path_does_not_pay_for_sqlmodel() -> None:
    code = (
        "import sys, ohjaaja.usecases.desk, ohjaaja.shell.app, ohjaaja.screens.queue.queue\n"
        "import ohjaaja.screens.contact.contact\n"
        "sys.exit(1 if 'sqlmodel' in sys.modules or 'sqlalchemy' in sys.modules else 0)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# What the first screen (the queue) does not need, imported when first used: each
# a part of the start-up a thin terminal pays for every desk (README, start-up).
NOT_ON_THE_START_PATH = (
    "ohjaaja.usecases.catalogue",  # desk.catalogue is made when first asked for
    "ohjaaja.sync.mutations",  # the checks of a mutation, at the first write
    "ohjaaja.exchange",
    "ohjaaja.training",
    "ohjaaja.usecases.reports",
    "phonenumbers",
    "email_validator",
    "jsonschema",
    "httpx",
)


def test_the_queue_s_start_path_defers_what_it_does_not_need() -> None:
    code = (
        "import sys, ohjaaja.usecases.desk, ohjaaja.shell.app, ohjaaja.screens.queue.queue\n"
        f"gone = {NOT_ON_THE_START_PATH!r}\n"
        "inside = tuple(g + '.' for g in gone)\n"
        "print(sorted(m for m in sys.modules if m in gone or m.startswith(inside)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# What the queue's first minute runs (its lines, which are open, the first refresh)
# loads nothing of NOT_ON_THE_START_PATH either: a worker thread that imports a
# library as the queue draws takes the interpreter from the draw.
FIRST_DRAW = """
import asyncio, sys
from ohjaaja.domain.clock import SystemClock
from ohjaaja.screens.queue.queue import QueueScreen
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, settle

async def main() -> None:
    app = app_for(Desk(sys.argv[1], SystemClock(), "Testi"))
    async with app.run_test(size=(80, 24)) as pilot:
        while not (isinstance(app.screen, QueueScreen) and app.screen.lines_open):
            await settle(pilot)
    inside = tuple(g + "." for g in GONE)
    print(sorted(m for m in sys.modules if m in GONE or m.startswith(inside)))

asyncio.run(main())
"""


def test_the_queue_s_first_draw_defers_what_it_does_not_need(tmp_path: Path) -> None:
    from ohjaaja.demo.build import build_demo
    from ohjaaja.domain.clock import SystemClock

    database = tmp_path / "demo.sqlite"
    build_demo(database, SystemClock())
    code = f"GONE = {NOT_ON_THE_START_PATH!r}\n" + FIRST_DRAW
    done = subprocess.run(
        [sys.executable, "-c", code, str(database)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, dotted in full."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _reaches(path: Path, *forbidden: str) -> set[str]:
    return {n for n in _imports(path) if n in forbidden or n.startswith(tuple(
        f"{f}." for f in forbidden))}  # fmt: skip


def test_screens_reach_data_only_through_the_use_cases() -> None:
    for path in (ROOT / "screens").rglob("*.py"):
        found = _reaches(path, "ohjaaja.db", "sqlite3", "sqlalchemy", "sqlmodel", "sqlite_utils")
        assert not found, f"{path} imports {found}"


def test_db_does_not_import_upwards() -> None:
    for path in (ROOT / "db").rglob("*.py"):
        found = {n for n in _imports(path) if n.split(".")[0] in ("ohjaaja", "textual")
                 and not n.startswith("ohjaaja.db")}  # fmt: skip
        assert not found, f"{path} imports {found}"


def test_nothing_calls_now_directly() -> None:
    for folder in ("ohjaaja", "screens", "db"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name == "clock.py":
                continue
            assert "datetime.now(" not in text and "utcnow(" not in text, path


def test_screens_show_text_as_written() -> None:
    """Data may hold square brackets; Textual's text widgets would read them as markup
    (and '[/b]' ends the app): screens use screens.plain's."""
    plain = {"Static", "Label", "OptionList", "DataTable"}
    for path in (ROOT / "screens").rglob("*.py"):
        if path.name == "plain.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "textual.widgets":
                used = {alias.name for alias in node.names} & plain
                assert not used, f"{path.name} imports {used} from textual.widgets"


def test_database_work_runs_one_way() -> None:
    """Thread workers are started only by screens.kit.base's db_work, which catches,
    logs and tells what fails: no screen (nor the app) starts one of its own."""
    allowed = ROOT / "screens" / "kit" / "base.py"
    for path in [*(ROOT / "screens").rglob("*.py"), ROOT / "ohjaaja" / "shell" / "app.py"]:
        if path == allowed:
            continue
        text = path.read_text(encoding="utf-8")
        found = _reaches(path, "textual.work")
        assert not found and "run_worker(" not in text, f"{path} starts workers itself"


def test_every_screen_is_a_desk_screen() -> None:
    """Every screen gets its keys, cursors and language from screens.kit.base, and
    says what it adds through the hooks, not by overriding what the base does."""
    import importlib

    from ohjaaja.screens.kit.base import DeskModal, DeskScreen
    from textual.screen import Screen

    for path in (ROOT / "screens").rglob("*.py"):
        importlib.import_module(_module(path))
    screens = [s for s in _subclasses(Screen) if s.__module__.startswith("ohjaaja.screens")]
    assert len(screens) > 20
    for screen in screens:
        assert issubclass(screen, DeskScreen | DeskModal), screen
        if screen in (DeskScreen, DeskModal):
            continue
        for name in ("on_mount", "_on_mount", "retranslate", "check_action"):
            assert name not in vars(screen), f"{screen.__name__} overrides {name}"


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_kind_of_database_work_is_named_in_every_language() -> None:
    """@db_work("take", ...) tells a failure as work.take: each one has its text."""
    from ohjaaja.i18n import messages

    names = set()
    for path in [*(ROOT / "screens").rglob("*.py"), ROOT / "ohjaaja" / "shell" / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "db_work":
                names.add(node.args[0].value)  # type: ignore[attr-defined]
    assert len(names) > 20
    missing = sorted(name for name in names if f"work.{name}" not in messages())
    assert not missing


PARTS = {"contacts", "clients", "catalogue", "handovers", "drafts"}


def _calls_off_the_worker(path: Path) -> list[str]:
    """Calls of a desk part (`self.desk.clients.find_clients(...)`) made anywhere but
    in a method decorated with @db_work: those would run on the UI thread."""
    found: list[str] = []

    def visit(node: ast.AST, in_work: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            decorated = any(
                isinstance(d, ast.Call) and getattr(d.func, "id", None) == "db_work"
                for d in node.decorator_list
            )
            # A function defined inside a worker's method runs where it is called.
            in_work = decorated or (in_work and not isinstance(node, ast.AsyncFunctionDef))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if (
                isinstance(owner, ast.Attribute)
                and owner.attr in PARTS
                and isinstance(owner.value, ast.Attribute | ast.Name)
                and getattr(owner.value, "attr", getattr(owner.value, "id", None)) == "desk"
                and not in_work
            ):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node.func)}")
        for child in ast.iter_child_nodes(node):
            visit(child, in_work)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def test_screens_call_the_desk_only_from_workers() -> None:
    paths = [*(ROOT / "screens").rglob("*.py"), ROOT / "ohjaaja" / "shell" / "app.py"]
    found = [call for path in paths for call in _calls_off_the_worker(path)]
    assert not found, "database work on the UI thread: " + ", ".join(found)
