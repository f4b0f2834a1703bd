"""Key bindings with ids and translated descriptions.

Every action is declared once with `action(...)`: its id is what a user keymap
remaps (`{"take_next": "space"}`), and the message keys `action.<id>` (footer,
palette title) and `help.<id>` (F1 help, palette help) translate it.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from ohjaaja.i18n import t

# The one keymap. A meaning is one key on every screen, and a key is one meaning:
# the ids are its forms on each screen (closing a contact, sending a form and
# completing a handover all finish the thing in front of the worker). An action
# named nowhere here belongs to one screen; tests/app/test_keys.py walks every
# screen and checks each key against this, and that one id has one key.
KEYMAP: dict[str, tuple[str, frozenset[str]]] = {
    # F10 finishes: closes the contact, saves or sends the form, completes the handover.
    "finish": (
        "f10",
        frozenset(
            {
                "close_contact",
                "save",
                "save_callback",
                "send_handover",
                "send_notification",
                "hand_over_shift",
                "complete",
                "abandon_confirm",
                "show_report",
            }
        ),
    ),
    # F9 gives back: the contact to the queue, the handover to its sender.
    "give_back": ("f9", frozenset({"release", "return_handover"})),
    # a takes on what a colleague passed: a handover, a shift's handover.
    "accept": ("a", frozenset({"accept", "acknowledge_shift"})),
    "take": ("t", frozenset({"take_selected"})),
    # p: the caller hung up (puhelu katkesi), a waiting contact marked abandoned; F10 confirms.
    "abandon": ("p", frozenset({"abandon_contact"})),
    "new": ("f4", frozenset({"new_client", "new_service", "new_organization", "add_relative"})),
    # F6 the record behind this one: the client's card, the organisation, the existing client.
    "related": ("f6", frozenset({"client_card", "edit_organization", "use_existing"})),
    # Ctrl+O uses this one for the contact: the client picked, the service offered.
    "choose": ("ctrl+o", frozenset({"pick_client", "offer"})),
    "new_handover": ("ctrl+t", frozenset({"handover"})),
    "new_notification": ("ctrl+n", frozenset({"notification"})),
    "edit": ("e", frozenset({"edit_client", "edit_service"})),
    "to_file": ("x", frozenset({"export_log", "save_summary", "export_report"})),
    # Ctrl+S from anywhere: the reports mode (statistics, statistik).
    "reports": ("ctrl+s", frozenset({"reports"})),
    "help": ("f1", frozenset({"help", "close_help_f1"})),
    "back": ("escape", frozenset({"go_back", "back", "cancel", "close_help"})),
    # Enter opens or asks what the cursor is on (never takes a contact: that is t).
    "open_this": ("enter", frozenset({"read_caller", "ask_topic"})),
    # A training shift's clock and its replay: one key each, the console's and the debrief's.
    "run_pause": ("space", frozenset({"run_pause", "replay_play"})),
    "faster": ("plus", frozenset({"faster", "replay_faster"})),
    "slower": ("minus", frozenset({"slower", "replay_slower"})),
    "step": ("full_stop", frozenset({"step", "replay_step"})),
}


def meaning(binding_id: str) -> str:
    """The meaning an id is a form of, or the id itself (one screen's own action)."""
    for name, (_key, ids) in KEYMAP.items():
        if binding_id in ids:
            return name
    return binding_id


# Keys of Textual's own widgets that show in the footer, by the English Textual
# gives them (an open list's Esc): translated where a screen translates its own.
TEXTUAL_KEYS = {"Dismiss menu": "textual.dismiss_menu"}


def action(
    binding_id: str,
    key: str,
    action_name: str,
    *,
    show: bool = True,
    priority: bool = False,
    key_display: str | None = None,
) -> Binding:
    return Binding(
        key,
        action_name,
        description=binding_id,
        id=binding_id,
        show=show,
        priority=priority,
        key_display=key_display,
    )


def group(binding: Binding, group_key: str) -> Binding:
    """Put a binding in a footer group (e.g. the line filters 1-5 show as one entry)."""
    return replace(binding, group=Binding.Group(group_key, compact=True))


def translate_bindings(node: DOMNode) -> None:
    """Give the node its class's bindings with descriptions in the current language.

    The class-level map keeps the message keys, so this can run at every switch.
    """
    source = type(node)._merged_bindings
    if source is None:
        return
    node._bindings = BindingsMap.from_keys(
        {
            key: [_translated(b) for b in bindings]
            for key, bindings in source.key_to_bindings.items()
        }
    )
    node.refresh_bindings()


def _translated(binding: Binding) -> Binding:
    if binding.id is None:
        known = TEXTUAL_KEYS.get(binding.description)
        return binding if known is None else replace(binding, description=t(known))
    updated = replace(binding, description=t(f"action.{binding.id}"))
    if binding.group is not None:
        updated = replace(updated, group=Binding.Group(t(binding.group.description), compact=True))
    return updated


def help_text(binding: Binding) -> str:
    return t(f"help.{binding.id}")
