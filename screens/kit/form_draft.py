"""Forms that keep what is typed (a handover, a notification, a shift handover).

Every change saves the form's fields as a draft on this desk, in a thread worker;
opening the form again (after a crash, a lost SSH session or an Esc) brings them
back and says so. Sending discards the draft in the use case's own transaction.
"""

from __future__ import annotations

import time
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from ohjaaja.screens.kit.base import db_work
from ohjaaja.screens.kit.widgets import Said
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, SelectionList, TextArea
from textual.widgets.select import InvalidSelectValueError

from ohjaaja.domain.clock import local
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.drafts import FormDraft

if TYPE_CHECKING:
    _Base = Screen[Any]
else:
    _Base = object

FIELDS = "Input, TextArea, Select, Checkbox, SelectionList"


def read_fields(root: Widget) -> dict[str, Any]:
    """Each form widget's value by its id."""
    values: dict[str, Any] = {}
    for widget in root.query(FIELDS):
        if widget.id is None:
            continue
        if isinstance(widget, Input):
            values[widget.id] = widget.value
        elif isinstance(widget, TextArea):
            values[widget.id] = widget.text
        elif isinstance(widget, Select):
            values[widget.id] = None if widget.value is Select.NULL else widget.value
        elif isinstance(widget, Checkbox):
            values[widget.id] = widget.value
        elif isinstance(widget, SelectionList):
            values[widget.id] = list(widget.selected)
    return values


def write_fields(root: Widget, values: dict[str, Any]) -> None:
    """Put saved values back; a field the form no longer has, or a choice it no
    longer offers (a colleague who left the list), is passed over."""
    for widget_id, value in values.items():
        try:
            widget = root.query_one(f"#{widget_id}")
        except NoMatches:
            continue
        if isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, TextArea):
            widget.load_text(str(value))
        elif isinstance(widget, Select) and value is not None:
            with suppress(InvalidSelectValueError):
                widget.value = value
        elif isinstance(widget, Checkbox):
            widget.value = bool(value)
        elif isinstance(widget, SelectionList):
            offered = {widget.get_option_at_index(i).value for i in range(widget.option_count)}
            widget.deselect_all()
            for chosen in value:
                if chosen in offered:
                    widget.select(chosen)


class KeepsDraft(_Base):
    """Mixed into a form screen before DeskScreen. The screen sets `desk`, and calls
    `restore_draft(form, subject)` at the end of mounted(), once its fields exist;
    `draft_status` says when a draft was brought back."""

    desk: Desk
    draft_status = "#form-status"  # where "draft restored" is said
    _draft_form = ""
    _draft_subject = ""
    _pristine: dict[str, Any] | None = None

    def restore_draft(self, form: str, subject: str) -> None:
        """Fill the form from its draft, if it has one (read in a thread worker, as
        every screen reads the database); then after_restore says whether it had."""
        self._draft_form, self._draft_subject = form, subject
        self._pristine = read_fields(self)
        self._load_draft()

    @db_work("draft_load", group="form-draft-load", exclusive=True)
    def _load_draft(self) -> None:
        draft = self.desk.drafts.load(self._draft_form, self._draft_subject)
        self.app.call_from_thread(self._apply_draft, draft)

    def _apply_draft(self, draft: FormDraft | None) -> None:
        if draft is not None:
            self.before_restore(draft.fields)
            write_fields(self, draft.fields)
            when = f"{local(draft.updated_at):%d.%m. %H.%M}"
            self.query_one(self.draft_status, Said).say("form.draft_restored", at=when)
        self.after_restore(draft is not None)

    def before_restore(self, fields: dict[str, Any]) -> None:
        """Ready the form for the saved values (a list whose options depend on another)."""

    def after_restore(self, restored: bool) -> None:
        """The draft, if any, is in the form."""

    def on_input_changed(self) -> None:
        self._changed()

    def on_text_area_changed(self) -> None:
        self._changed()

    def on_select_changed(self) -> None:
        self._changed()

    def on_checkbox_changed(self) -> None:
        self._changed()

    def on_selection_list_selected_changed(self) -> None:
        self._changed()

    def _changed(self) -> None:
        if self._pristine is None:
            return  # still mounting: the form's own defaults are not a draft
        fields = read_fields(self)
        if fields != self._pristine:
            self._save_draft(fields, time.monotonic_ns())

    @db_work("draft", group="form-draft")
    def _save_draft(self, fields: dict[str, Any], revision: int) -> None:
        self.desk.drafts.save(self._draft_form, self._draft_subject, fields, revision)
