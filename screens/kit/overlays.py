"""An open list (a Select's overlay) placed where it fits whole at 80x24.

Textual opens the list below its field and, where the screen ends, only keeps it
inside the screen: on a field near the bottom (the contact's outcome) it then lies
over the lines below it and the footer's keys, garbling both. Here the list opens
below the field when it fits between the field and the footer, else above the
field when there is more room there; it is never taller than that room (it
scrolls), never covers its own field or the footer, and reaches the screen's
right edge, so that nothing of the lines it covers reads as part of it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen
from textual.widgets import Footer, Select
from textual.widgets._select import SelectOverlay

TALLEST = 12  # lines, its frame included: Textual's own limit for an open list


def watch_lists(screen: Screen) -> None:
    """Places each Select's list of the screen as it opens."""
    for select in screen.query(Select):
        screen.watch(select, "expanded", _placer(select), init=False)


def _placer(select: Select) -> Callable[[bool], None]:
    # One parameter: Textual passes a watcher of two the old value first.
    def opened(expanded: bool) -> None:
        if expanded:
            place(select)

    return opened


def room(select: Select) -> tuple[int, int]:
    """(lines above the field, lines below it) up to the footer, on the screen."""
    screen = select.screen
    bottom = screen.size.height
    for footer in screen.query(Footer):
        if footer.display:
            bottom = min(bottom, footer.region.y)
    field = select.region
    return max(0, field.y), max(0, bottom - field.bottom)


def place(select: Select) -> None:
    overlay = select.query_one(SelectOverlay)
    frame = overlay.styles.gutter.height
    wanted = min(overlay.option_count + frame, TALLEST)
    above, below = room(select)
    if wanted <= below or below >= above:
        height = min(wanted, below)
        offset_y = 0
    else:
        height = min(wanted, above)
        # The list sits in the layout right below the field: lifted by its own
        # height and the field's, it ends on the line above the field.
        offset_y = -(height + select.region.height)
    overlay.styles.max_height = max(height, frame + 1)
    overlay.styles.offset = (0, offset_y)
    # To the screen's right edge: no text of the lines it covers shows beside it,
    # to be read as part of an option.
    overlay.styles.width = max(select.region.width, select.screen.size.width - select.region.x)
