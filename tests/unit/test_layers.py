"""The layers of DESIGN.md: the core never imports Textual; screens never touch SQL."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_does_not_import_textual() -> None:
    core = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "ohjaaja").rglob("*.py")
        if p.stem not in ("__init__", "app") or p.parent.name != "ohjaaja"
    ]
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in core)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'screens'))\n"
        + "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_desk_start_path_does_not_pay_for_sqlmodel() -> None:
    code = (
        "import sys, ohjaaja.desk, ohjaaja.app, screens.queue, screens.contact\n"
        "sys.exit(1 if 'sqlmodel' in sys.modules or 'sqlalchemy' in sys.modules else 0)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_screens_reach_data_only_through_the_use_cases() -> None:
    for path in (ROOT / "screens").rglob("*.py"):
        forbidden = _imports(path) & {"db", "sqlite3", "sqlalchemy", "sqlmodel", "sqlite_utils"}
        assert not forbidden, f"{path.name} imports {forbidden}"


def test_db_does_not_import_upwards() -> None:
    for path in (ROOT / "db").rglob("*.py"):
        assert not _imports(path) & {"ohjaaja", "screens", "textual"}, path.name


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
