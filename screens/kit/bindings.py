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
