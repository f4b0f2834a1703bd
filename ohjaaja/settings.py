"""Where the desk's settings come from: command line, environment, user directories."""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

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
    teams: tuple[str, ...] = ()  # teams whose handovers this worker takes (ohjaaja.teams)


def default_database(demo: bool = False, training: bool = False) -> Path:
    """--database, else $OHJAAJA_DATABASE, else a file in the user's data directory
    (the demos each in a file of their own: a file's mode never changes)."""
    env = os.environ.get("OHJAAJA_DATABASE")
    if env and not demo:
        return Path(env)
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


def default_teams(lines: tuple[str, ...]) -> tuple[str, ...]:
    """A worker of the social emergency line takes the emergency team's handovers."""
    return ("emergency",) if "sosiaalipaivystys" in lines else ()
