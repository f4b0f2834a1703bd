"""A statutory notification: the fields its kind requires, where it will go (the
municipality's team, or the social emergency when that team is closed), and once
made, its clocks. A child-welfare notification is never anonymous: the notifier is
the worker signed in."""

from __future__ import annotations

from datetime import date
from typing import Any

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.form_draft import KeepsDraft
from ohjaaja.screens.kit.widgets import (
    FORM_KEYS,
    Said,
    Tick,
    TickList,
    TitleBar,
    choice,
    coded,
    desk_footer,
    field_line,
    field_row,
    show_field_errors,
)
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select, SelectionList

from ohjaaja.domain import notifications, teams
from ohjaaja.domain.clients import finnish_date
from ohjaaja.domain.clock import local
from ohjaaja.domain.limits import TEXT_MAX
from ohjaaja.i18n import get_language, t
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.drafts import about

TEXTS = ("subject", "birth_date", "guardians", "concern")


class NotificationFormScreen(KeepsDraft, DeskScreen[str | None]):
    """Dismissed with the notification's id, or None."""

    BINDINGS = [
        action("send_notification", "f10", "send", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(
        self,
        desk: Desk,
        contact_id: str | None,
        client_id: str | None,
        subject: str,
        municipality_code: str | None,
        kind: str | None = None,
        birth_date: str | None = None,
        line_code: str | None = None,
    ) -> None:
        """kind None: the kind the client's age suggests; birth_date (ISO) fills the field."""
        super().__init__()
        self.desk = desk
        self.contact_id = contact_id
        self.client_id = client_id
        self.subject = subject
        self.municipality_code = municipality_code
        self.birth_date = date.fromisoformat(birth_date) if birth_date else None
        today = local(desk.clock.now()).date()
        self.kind = kind or notifications.kind_for(self.birth_date, today, line_code)
        if self.kind != notifications.kind_for(self.birth_date, today):
            # Not about the client (a parent calling about a child): not their name or date.
            self.birth_date = None
            self.subject = ""

    def compose(self) -> ComposeResult:
        yield TitleBar("title.notification", self.desk.worker_name, id="title")
        with VerticalScroll(id="form-scroll"):
            kinds = choice(coded("notification.kind", notifications.KINDS), "kind", self.kind)
            yield field_row("notification.kind", kinds, "error-kind")
            for name in TEXTS:
                value = self.subject if name == "subject" else ""
                if name == "birth_date" and self.birth_date is not None:
                    value = finnish_date(self.birth_date)
                yield field_row(
                    f"notification.{name}",
                    Input(value, id=name, compact=True, max_length=TEXT_MAX),
                    f"error-{name}",
                )
            danger = Tick("notification.danger_hint", id="danger_now")
            yield field_row("notification.danger_now", danger, "error-danger_now")
            consent = choice(coded("notification.consent", notifications.CONSENT), "consent")
            yield field_row("notification.consent", consent, "error-consent")
            observed = TickList(
                *[(t(f"notification.observed.{o}"), o) for o in notifications.OBSERVED],
                id="observed",
                labels=lambda code: t(f"notification.observed.{code}"),
            )
            yield field_row("notification.observed", observed, "error-observed", tall=True)
        yield Said("", id="route")
        yield Said("", id="form-status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#title", TitleBar).show(self.desk.clock.now(), self.subject or None)
        self._fit_kind()
        self.query_one("#kind", Select).focus()
        self.restore_draft("notification", about(self.contact_id, self.client_id))

    def retranslated(self) -> None:
        self._fit_kind()

    @on(Select.Changed, "#kind")
    def _fit_kind(self) -> None:
        """Only the fields this kind has; the route it will take now."""
        self.kind = str(self.query_one("#kind", Select).value)
        fields = notifications.FIELDS[self.kind]
        for name in (*TEXTS, "danger_now", "consent", "observed"):
            field_line(self.query_one(f"#{name}")).display = name in fields
        routed = teams.route(
            notifications.TEAM_KIND[self.kind], self.municipality_code, self.desk.clock.now()
        )
        self.query_one("#route", Said).show(
            lambda: t("notification.route", team=teams.team_name(routed, get_language()))
        )

    def values(self) -> dict[str, Any]:
        fields = notifications.FIELDS[self.kind]
        values: dict[str, Any] = {}
        for name in TEXTS:
            if name in fields:
                values[name] = self.query_one(f"#{name}", Input).value.strip()
        if "danger_now" in fields:
            values["danger_now"] = self.query_one("#danger_now", Tick).value
        if "consent" in fields:
            selected = self.query_one("#consent", Select).value
            values["consent"] = "" if selected is Select.NULL else str(selected)
        if "observed" in fields:
            values["observed"] = list(self.query_one("#observed", SelectionList).selected)
        return values

    def action_send(self) -> None:
        self._send(self.kind, self.values())

    @db_work("notification_send", group="notification-send", exclusive=True)
    def _send(self, kind: str, values: dict[str, Any]) -> None:
        made = self.desk.handovers.create_notification(
            kind, values, self.contact_id, self.client_id, self.municipality_code
        )
        self.app.call_from_thread(self._after, *made)

    def _after(self, notification_id: str | None, errors: list[tuple[str, str]]) -> None:
        by_field = {name: key for name, key in reversed(errors)}  # the first per field
        if not show_field_errors(self, (*TEXTS, "danger_now", "consent", "observed"), by_field):
            self.dismiss(notification_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
