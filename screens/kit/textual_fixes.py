"""Workarounds for bugs in Textual, each named for the bug it works around.

Each reaches into Textual's internals, so `tests/app/test_textual_fixes.py` checks
both that the bug is still there in the Textual installed (drop the workaround
when it is fixed) and that the workaround still finds what it relies on.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

from rich.console import Console
from rich.control import Control
from textual import events, widgets
from textual._compositor import ChopsUpdate
from textual.app import App
from textual.dom import DOMNode
from textual.notifications import Notifications
from textual.screen import Screen
from textual.widgets._toast import Toast, ToastHolder, ToastRack

# Textual's own, kept before write_only_the_dirty_spans replaces it (for the tests).
TEXTUAL_RENDER_SEGMENTS = ChopsUpdate.render_segments

# Textual's own, kept before show_toasts_without_empty_holders wraps it (for the tests).
TEXTUAL_SHOW_TOASTS = ToastRack.show

# Where Textual keeps the watchers of a node's reactives (textual.reactive._watch).
WATCHERS = "__watchers"


def forget_watchers_of_removed(node: DOMNode) -> None:
    """Drop the watchers of `node`'s reactives that belong to widgets no longer in
    the DOM. Textual prunes them only when the watched reactive changes, so a
    widget that watches a reactive which never changes stays in memory with its
    whole subtree after it is removed (Textual issue 6666): the Footer's keys (below),
    and every TextArea, which watches the app's theme (the desk's heartbeat)."""
    watchers = getattr(node, WATCHERS, None)
    if not isinstance(watchers, dict):
        return
    for entries in watchers.values():
        entries[:] = [(watcher, callback) for watcher, callback in entries if watcher.is_attached]


class Footer(widgets.Footer):
    """Textual's Footer without its leak: every change of a screen's bindings (each
    return to a screen, F2) composes new keys, each bound to the footer's `compact`,
    which never changes, so the old keys were never freed: a desk visiting screens
    grew by tens of MB in minutes.

    Nor does it compose its keys again for nothing. Textual's composes them anew at
    every signal that bindings may have changed, each signal its own pass: opening
    the shift handover composed them six times, the queue's start four, each time the
    same keys. Here the signals of one moment make one pass, and keys the same as
    those shown make none."""

    _pending = False  # a pass is asked for, after the next refresh
    _shown: tuple[object, ...] | None = None  # what the keys shown were made from

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._compose_if_changed)

    async def _compose_if_changed(self) -> None:
        self._pending = False
        if self.is_attached and self.screen.is_active and self._keys() != self._shown:
            await self.recompose()

    def _keys(self) -> tuple[object, ...]:
        """What compose makes the keys from: the bindings shown, as the app shows them."""
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (key, self.app.get_key_display(binding), binding.description, binding.action,
                 binding.group, enabled, tooltip)
                for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show
            ),
        )  # fmt: skip

    async def recompose(self) -> None:
        await super().recompose()
        self._shown = self._keys() if self._bindings_ready else None
        forget_watchers_of_removed(self)


def _render_only_the_spans(self: ChopsUpdate, console: Console) -> str:
    """ChopsUpdate.render_segments writing each dirty span from its own first cell.
    Textual's writes a line's chop from the chop's start (its "TODO: crop to x
    extents"): a wait time's cell at the right of the queue sent the whole row, every
    second."""
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items(), strict=False):
            start, stop = max(x, x1), min(end, x2)
            if strip is None or start >= stop:
                continue
            if (start, stop) != (x, end):
                strip = strip.crop(start - x, stop - x)
            append(move_to(start, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def write_only_the_dirty_spans() -> None:
    """Install _render_only_the_spans (the app does, as it starts)."""
    ChopsUpdate.render_segments = _render_only_the_spans  # type: ignore[method-assign]


def _show_without_empty_holders(self: ToastRack, notifications: Notifications) -> None:
    """ToastRack.show that takes a stale toast away with its holder. Textual's removes
    the toast alone: a notice that timed out while its screen lay under another left
    an empty holder in that screen's rack for good (the soak: one or two a round)."""
    stale = [
        toast.parent
        for toast in self.query(Toast)
        if toast._notification not in notifications and isinstance(toast.parent, ToastHolder)
    ]
    TEXTUAL_SHOW_TOASTS(self, notifications)
    for holder in stale:
        holder.remove()


def show_toasts_without_empty_holders() -> None:
    """Install _show_without_empty_holders (the app does, as it starts)."""
    ToastRack.show = _show_without_empty_holders  # type: ignore[method-assign]


# How long a priority key waits for the focused widget to take in what was typed
# before it: only a safety net, should that widget be waiting on the app itself.
TYPED_FIRST_SECONDS = 1.0


class KeysAsTyped(App[Any]):
    """An app whose keys act in the order typed, and on the screen they were typed on.

    Textual hands a key to the focused widget as it reads it, and runs the key's
    (non-priority) binding only when the key comes back up to the app, so in a burst
    of keys (a fast typist, a slow SSH link, a browser desk) every key is on its way
    before the first one's binding has run:
    - a priority binding ran before the keys typed before it: a note and F10 saved the
      note without its last letters, or found it empty. Such a key now first lets the
      focused widget handle its queue;
    - a key's binding ran on whichever screen a key before it had opened (a burst of
      `o` and `x`: `x` ran the opened screen's binding, tests/app/test_textual_fixes).
      A key typed on one screen no longer acts on another; and a screen may hold
      keys (`hold_key`: the queue while a take is on its way), asked here in order."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            event.typed_on = self.screen  # type: ignore[attr-defined]
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """Before App._on_key (which runs the bindings), in the order typed: a key
        typed on a screen no longer in front is nobody's, and a screen's
        `hold_key(event) -> bool` may hold it; either way prevent_default keeps App's
        from running."""
        if getattr(event, "typed_on", self.screen) is not self.screen:
            event.prevent_default()
            return
        hold = getattr(self.screen, "hold_key", None)
        if hold is not None and hold(event):
            event.prevent_default()

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        if priority and self.focused is not None and self._bound_first(key):
            handled = asyncio.get_running_loop().create_future()

            def done() -> None:
                if not handled.done():
                    handled.set_result(None)

            if self.focused.call_later(done):  # after the keys already in its queue
                with suppress(TimeoutError):
                    await asyncio.wait_for(handled, TYPED_FIRST_SECONDS)
        return await super()._check_bindings(key, priority)

    def _bound_first(self, key: str) -> bool:
        """Whether `key` has a priority binding on the screen (the others are checked
        only after the focused widget has had the key, so in order)."""
        return any(
            binding.priority
            for _, bindings in self.screen._binding_chain
            for binding in bindings.key_to_bindings.get(key, ())
        )
