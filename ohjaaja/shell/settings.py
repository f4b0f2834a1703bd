"""Where the desk's settings come from: command line, environment, user directories."""

from __future__ import annotations

import getpass
import json
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from ohjaaja.i18n import LANGUAGES

if TYPE_CHECKING:
    import argparse

APP_NAME = "ohjaaja"


@dataclass
class Settings:
    database: Path
    worker_name: str
    language: str = "fi"
    lines: tuple[str, ...] = ()  # the lines this worker serves; () = all
    keymap: dict[str, str] = field(default_factory=dict)
    ansi: bool = False  # 16-colour terminals: use the terminal's own palette
    server: str | None = None  # the shared server's URL; None works alone
    token: str | None = None
    training: bool = False  # a simulated-shift database; never syncs with client data
    admin: bool = False  # may edit the service catalogue
    teams: tuple[str, ...] = ()  # teams whose handovers this worker takes (ohjaaja.domain.teams)
    # Said in the desk when it starts, in the worker's language: (message key, params).
    # What a command did before the app took the terminal (a line printed then is
    # hidden behind the app until the worker quits).
    notices: tuple[tuple[str, dict[str, str]], ...] = ()
    preferences: Path | None = None  # where F2's language is kept for next time; None: not kept


def default_database(demo: bool = False, training: bool = False) -> Path:
    """The database when no --database is given: $OHJAAJA_DATABASE (for the demo too),
    else the data directory's file (data_file)."""
    env = os.environ.get("OHJAAJA_DATABASE")
    return Path(env) if env else data_file(demo, training)


def data_file(demo: bool = False, training: bool = False) -> Path:
    """desk.sqlite in the user's data directory; the demos each in a file of their
    own beside it (a file's mode never changes, and no command opens a demo's file
    unless it is named)."""
    name = ("demo-training.sqlite" if training else "demo.sqlite") if demo else "desk.sqlite"
    return Path(platformdirs.user_data_dir(APP_NAME)) / name


def default_worker() -> str:
    return os.environ.get("OHJAAJA_WORKER") or getpass.getuser()


def load_keymap() -> dict[str, str]:
    """A user keymap {binding id: keys}: $OHJAAJA_KEYMAP or keymap.json in the config dir."""
    path = Path(
        os.environ.get("OHJAAJA_KEYMAP")
        or Path(platformdirs.user_config_dir(APP_NAME)) / "keymap.json"
    )
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path}: a keymap is a JSON object of binding id -> keys")
    return {str(k): v for k, v in data.items()}


def preferences_path() -> Path:
    """What a worker chooses at the desk, kept between sessions (the language F2
    switches to): $OHJAAJA_PREFERENCES, else preferences.json in the config directory.
    One file may keep several workers' choices (a shared login), each by name."""
    return Path(
        os.environ.get("OHJAAJA_PREFERENCES")
        or Path(platformdirs.user_config_dir(APP_NAME)) / "preferences.json"
    )


def _preferences(path: Path) -> dict[str, object]:
    """The file's choices; a missing or broken file is none."""
    from ohjaaja.db.files import read_json_object

    return read_json_object(path)


def remembered_language(path: Path, worker: str) -> str | None:
    languages = _preferences(path).get("language")
    chosen = languages.get(worker) if isinstance(languages, dict) else None
    return chosen if chosen in LANGUAGES else None


def remember_language(path: Path, worker: str, language: str) -> None:
    """Keep a worker's language in the file (its owner's only: it names workers)."""
    from ohjaaja.db.files import write_file

    data = _preferences(path)
    languages = data.get("language")
    data["language"] = {**(languages if isinstance(languages, dict) else {}), worker: language}
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_file(path, text.encode("utf-8"))


def default_teams(lines: tuple[str, ...]) -> tuple[str, ...]:
    """A worker of the social emergency line takes the emergency team's handovers."""
    return ("emergency",) if "sosiaalipaivystys" in lines else ()


class TokenError(ValueError):
    """A token that cannot be used; the message names the file and what to do."""


TOKEN_WARNING = (
    "ohjaaja: warning: a token given with --token can be read by every user of this "
    "host (/proc/PID/cmdline, ps); use --token-file PATH (mode 600) or OHJAAJA_TOKEN"
)


def resolve_token(args: argparse.Namespace) -> str | None:
    """The desk's token: --token-file, else --token (with a warning), else
    $OHJAAJA_TOKEN. The top-level options and the subcommands' share this."""
    given, path = getattr(args, "token", None), getattr(args, "token_file", None)
    if given is not None and path is not None:
        raise TokenError("give --token or --token-file, not both")
    if path is not None:
        return read_token_file(path)
    if given is not None:
        print(TOKEN_WARNING, file=sys.stderr)
        return str(given)
    return os.environ.get("OHJAAJA_TOKEN") or None


def read_token_file(path: Path) -> str:
    """The token in a file only its owner, the user running the desk, can read.
    A file others can read is refused: the token would be theirs too."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise TokenError(f"{path}: cannot read the token file: {exc.strerror}") from exc
    try:
        info = os.fstat(fd)  # of the file opened, not of whatever the name points to later
        if info.st_uid != os.geteuid():
            raise TokenError(
                f"{path}: the token file is owned by uid {info.st_uid}, not by this user "
                f"(uid {os.geteuid()}); keep your own copy, chmod 600"
            )
        if info.st_mode & 0o077:
            raise TokenError(
                f"{path}: a token file must be readable by its owner only, this one is "
                f"{stat.S_IMODE(info.st_mode):04o}; chmod 600 {path}"
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(65536)
    finally:
        os.close(fd)
    try:
        token = data.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise TokenError(f"{path}: the token file is not text") from exc
    if not token:
        raise TokenError(f"{path}: the token file is empty")
    return token
