"""The desk in a real browser: Chromium (Debian's, /usr/bin/chromium; `python3 dev.py
test` installs it) through Playwright's API. Every wait is on an event: a page's
element, or the websocket frame that brings the awaited text, never a sleep."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from playwright.sync_api import Browser

from ohjaaja.i18n import t_in
from tests.browser.conftest import Served, Terminal, sign_in


def test_sign_in_take_a_contact_type_a_note_reload_and_find_it(
    browser: Browser, served: Served
) -> None:
    page = browser.new_page(viewport={"width": 820, "height": 500})
    screen = Terminal(page)
    sign_in(page, served, "Aino")
    screen.wait_for(t_in("fi", "title.queue"))
    screen.keys("n")
    screen.wait_for(t_in("fi", "title.contact"))
    note = "Soitti itse, kysyi perhetyöstä"
    screen.keys("F12", text=note)
    screen.wait_for(note)  # the desk has it: drawn back to the page
    page.reload()
    screen.wait_for(note)  # the same desk, drawn whole on the new page
    page.close()
    # Who took it is the signed-in worker, as the desk records every act.
    with sqlite3.connect(served.database) as conn:
        taken_by = conn.execute(
            "SELECT w.name FROM contact c JOIN worker w ON w.id = c.taken_by WHERE c.id = ?",
            (served.contact_id,),
        ).fetchone()
    assert taken_by == ("Aino",)


def test_the_summary_downloads_in_the_browser_not_on_the_host(
    browser: Browser, served: Served
) -> None:
    page = browser.new_page(viewport={"width": 820, "height": 500}, accept_downloads=True)
    screen = Terminal(page)
    sign_in(page, served, "Aino")
    screen.wait_for(t_in("fi", "title.queue"))
    screen.keys("n")
    screen.wait_for(t_in("fi", "title.contact"))
    screen.keys("F7")
    screen.wait_for(t_in("fi", "title.catalogue"))
    screen.keys("Control+r")
    screen.wait_for(t_in("fi", "title.summary"))
    with page.expect_download(timeout=60_000) as download:
        screen.keys("x")
    got = download.value
    assert got.suggested_filename.startswith(f"summary-{served.contact_id}-")
    assert got.suggested_filename.endswith(".txt")
    assert Path(got.path()).read_text(encoding="utf-8").strip()
    # Told so (the file's name, too long for one line at 80 columns, wraps).
    screen.wait_for(t_in("fi", "export.downloaded", name="").strip())
    page.close()
    assert not (served.database.parent / "exports").exists()  # nothing left on the host
