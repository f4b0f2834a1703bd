import ast
import re
from pathlib import Path

import pytest

from ohjaaja.i18n import LANGUAGES, get_language, messages, set_language, t

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_every_language() -> None:
    for key, entry in messages().items():
        assert set(entry) == set(LANGUAGES), key
        assert all(entry[lang].strip() for lang in LANGUAGES), key


def test_every_binding_id_has_a_title_and_a_help_text() -> None:
    ids = set()
    for path in [*ROOT.glob("screens/**/*.py"), ROOT / "ohjaaja" / "shell" / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "action":
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    ids.add(first.value)
                elif isinstance(first, ast.JoinedStr):  # the line_1..line_5 filters
                    ids.update(f"line_{i}" for i in range(1, 6))
    assert ids, "no bindings found"
    for binding_id in ids:
        assert f"action.{binding_id}" in messages(), binding_id
        assert f"help.{binding_id}" in messages(), binding_id


def test_literal_keys_used_in_code_exist() -> None:
    pattern = re.compile(r"""\b(?:t|T|TitleBar)\(\s*"([a-z_]+\.[a-z_.]+)\"""")
    used = set()
    for path in [*ROOT.glob("screens/**/*.py"), *ROOT.glob("ohjaaja/**/*.py")]:
        used.update(pattern.findall(path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if key not in messages())
    assert not missing


def test_switching_and_params() -> None:
    set_language("sv")
    assert get_language() == "sv"
    assert t("queue.my_open", count=2) == "Egna öppna kontakter: 2 (o)"
    set_language("en")
    assert t("title.queue") == "Queue"
    assert t("no.such.key") == "no.such.key"
    with pytest.raises(ValueError):
        set_language("de")
