"""The command line's own words in the worker's language: argparse's messages
(usage, errors) and the option types' reasons.

argparse looks its messages up through the module's `_` (gettext) each time it
writes one, so replacing it translates them; Python ships no catalogue for them.
The language is decided before parsing, from the line itself: `--language` where
given, else the one F2 last chose for the worker (`--worker`, else
$OHJAAJA_WORKER or the login), else Finnish - the rule of `ohjaaja report`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ohjaaja.i18n import LANGUAGES, set_language, t

# argparse's messages as Python 3.11 writes them -> our keys (messages.json).
ARGPARSE_KEYS = {
    "usage: ": "cli.usage",
    "%(prog)s: error: %(message)s\n": "cli.error",
    "unrecognized arguments: %s": "cli.unrecognized",
    "the following arguments are required: %s": "cli.required",
    "argument %(argument_name)s: %(message)s": "cli.argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.invalid_choice",
    "expected one argument": "cli.expected_one",
    "expected at most one argument": "cli.expected_at_most_one",
    "expected at least one argument": "cli.expected_at_least_one",
    "invalid %(type)s value: %(value)r": "cli.invalid_value",
    "not allowed with argument %s": "cli.not_allowed_with",
    "one of the arguments %s is required": "cli.one_required",
    "ambiguous option: %(option)s could match %(matches)s": "cli.ambiguous",
    "ignored explicit argument %r": "cli.ignored_argument",
    "show this help message and exit": "cli.help",
    "positional arguments": "cli.positional",
    "options": "cli.options",
}


def translate(message: str) -> str:
    """argparse's message in the current language (its %-fields kept for argparse)."""
    key = ARGPARSE_KEYS.get(message)
    return message if key is None else t(key)


def _given(argv: Sequence[str], option: str) -> str | None:
    """The value of `option` on the line (the last one given), without parsing."""
    found = None
    for index, word in enumerate(argv):
        if word == option and index + 1 < len(argv):
            found = argv[index + 1]
        elif word.startswith(option + "="):
            found = word.partition("=")[2]
    return found


def choose_language(argv: Sequence[str]) -> str:
    from ohjaaja.shell.settings import default_worker, preferences_path, remembered_language

    given = _given(argv, "--language")
    if given in LANGUAGES:
        return given
    worker = _given(argv, "--worker") or default_worker()
    return remembered_language(preferences_path(), worker) or "fi"


def speak(argv: Sequence[str]) -> None:
    """Before parsing `argv`: the language set, and argparse speaking it."""
    set_language(choose_language(argv))
    argparse._ = translate  # type: ignore[attr-defined]
