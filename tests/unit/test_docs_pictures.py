"""The README's pictures are the screens as they are (issue 15, item 27): each is
the 80x24 snapshot of its screen (tests/snapshots), copied by `python3 dev.py docs`
after the snapshot tests pass. A deliberate change of the screen updates its
snapshot, and then this test asks for the copy."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "tests" / "snapshots" / "__snapshots__" / "test_screens"
PICTURES = {"queue.svg": "test_queue.svg", "contact.svg": "test_contact.svg"}


@pytest.mark.parametrize(("picture", "snapshot"), PICTURES.items())
def test_the_readme_shows_the_current_screen(picture: str, snapshot: str) -> None:
    assert (ROOT / "docs" / picture).read_bytes() == (SNAPSHOTS / snapshot).read_bytes(), (
        f"docs/{picture} is not the current screen: python3 dev.py docs"
    )


def test_every_picture_in_the_readme_is_covered() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = {
        line.split("(docs/")[1].split(")")[0] for line in readme.splitlines() if "](docs/" in line
    }
    assert shown == set(PICTURES)
