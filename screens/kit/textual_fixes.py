"""Workarounds for bugs in Textual, each named for the bug it works around.

Each reaches into Textual's internals, so `tests/app/test_textual_fixes.py` checks
both that the bug is still there in the Textual installed (drop the workaround
when it is fixed) and that the workaround still finds what it relies on.
"""

from __future__ import annotations

from textual import widgets
from textual.dom import DOMNode

# Where Textual keeps the watchers of a node's reactives (textual.reactive._watch).
WATCHERS = "__watchers"


def forget_watchers_of_removed(node: DOMNode) -> None:
    """Drop the watchers of `node`'s reactives that belong to widgets no longer in
    the DOM. Textual prunes them only when the watched reactive changes, so a
    widget that watches a reactive which never changes stays in memory with its
    whole subtree after it is removed (Textual issue 6666)."""
    watchers = getattr(node, WATCHERS, None)
    if not isinstance(watchers, dict):
        return
    for entries in watchers.values():
        entries[:] = [(watcher, callback) for watcher, callback in entries if watcher.is_attached]


class Footer(widgets.Footer):
    """Textual's Footer without its leak: every change of a screen's bindings (each
    return to a screen, F2) composes new keys, each bound to the footer's `compact`,
    which never changes, so the old keys were never freed: a desk visiting screens
    grew by tens of MB in minutes."""

    async def recompose(self) -> None:
        await super().recompose()
        forget_watchers_of_removed(self)
