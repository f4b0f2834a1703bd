"""The desk's colours on terminals that have few or none.

`--ansi`: the terminal's own 16 colours and nothing else (a thin terminal's palette,
its own idea of dark and light), so every colour the screens ask for is one of
them, never one made by mixing two (which the terminal would be sent as a 256-
colour or RGB code).

`NO_COLOR` (no-color.org): no colour at all. What colour showed is shown by the
text's own style: the cursor row, a focused list and a field's cursor in reverse, a
table's row where the cursor rests while another field has the keys underlined, a
list's highlighted option underlined (bold too in the list that has the keys:
ohjaaja.tcss); tick boxes read [x] and [ ] (screens/kit/widgets.py); lines' states
are ● and ○.

tests/snapshots/test_colours.py draws every screen both ways and reads the codes.
"""

from __future__ import annotations

from dataclasses import replace

from textual.theme import BUILTIN_THEMES, Theme

_ANSI_BASE = BUILTIN_THEMES["ansi-dark"]

ANSI = Theme(
    name="ohjaaja-ansi",
    primary=_ANSI_BASE.primary,
    secondary=_ANSI_BASE.secondary,
    warning=_ANSI_BASE.warning,
    error=_ANSI_BASE.error,
    success=_ANSI_BASE.success,
    accent=_ANSI_BASE.accent,
    foreground=_ANSI_BASE.foreground,
    background=_ANSI_BASE.background,
    surface=_ANSI_BASE.surface,
    panel=_ANSI_BASE.panel,
    boost=_ANSI_BASE.boost,
    dark=True,
    ansi=True,
    variables=dict(_ANSI_BASE.variables),
)

PLAIN = replace(
    ANSI,
    name="ohjaaja-plain",
    variables={
        **_ANSI_BASE.variables,
        "block-cursor-text-style": "reverse",
        "block-cursor-blurred-text-style": "underline",
        "input-cursor-text-style": "reverse",
    },
)
