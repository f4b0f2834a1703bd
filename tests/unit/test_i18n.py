import ast
import re
from pathlib import Path

import pytest

from ohjaaja.i18n import LANGUAGES, get_language, messages, set_language, t

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_every_language() -> None:
    for key, entry in messages().items():
        assert set(entry) == set(LANGUAGES), key
        for lang in LANGUAGES:
            forms = entry[lang] if isinstance(entry[lang], dict) else {"": entry[lang]}
            assert all(isinstance(text, str) and text.strip() for text in forms.values()), key


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


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("fi", "Korjaa 1 kenttä", "Korjaa 2 kenttää"),
        ("sv", "Rätta 1 fält", "Rätta 2 fält"),
        ("en", "Fix 1 field", "Fix 2 fields"),
    ],
)
def test_a_count_of_one_is_singular(language: str, one: str, two: str) -> None:
    set_language(language)
    assert t("form.fix_fields", count=1) == one
    assert t("form.fix_fields", count=2) == two
    assert t("form.fix_fields", count=0) == two.replace("2", "0")


# Counts shown as a figure beside a label ('Palveluja: 1', 'myöhässä 1', '(1)'): one
# form does for every number. A count read in a sentence has a form for one.
FIGURES = {
    "card.history", "catalogue.count", "catalogue.offered", "handover.count",
    "handover.overdue_count", "queue.handovers", "queue.lost", "queue.my_open",
    "queue.shifts", "summary.offered", "sync.quarantined", "sync.refused",
}  # fmt: skip


def test_every_count_in_a_sentence_has_its_plural_forms() -> None:
    for key, entry in messages().items():
        counted = any("{count}" in str(text) for text in entry.values())
        if not counted or key in FIGURES:
            continue
        for language in LANGUAGES:
            forms = entry[language]
            assert isinstance(forms, dict) and set(forms) == {"one", "other"}, (key, language)
            assert all("{count}" in form for form in forms.values()), (key, language)
    assert {"form.fix_fields", "log.count", "sync.server_restored"} <= {
        key for key, entry in messages().items() if isinstance(entry["fi"], dict)
    }
