"""Signing in to the browser desk (`ohjaaja serve`): the workers' passwords, kept
hashed with scrypt in a file only its owner reads, and the limit on failed tries.

The password file is a JSON object of worker name -> `scrypt$n$r$p$salt$hash`
(salt and hash in base64). `ohjaaja serve passwd WORKER` sets or removes one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import platformdirs

# scrypt's cost: 16 MiB and ~50 ms a try on the 2-core host; a stolen file costs an
# attacker the same per guess. Stored with each hash, so it may be raised later.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
PASSWORD_MIN = 10
WORKER_NAME_MAX = 100


def default_password_file() -> Path:
    """$OHJAAJA_SERVE_PASSWORDS, else serve-passwords.json in the config directory."""
    return Path(
        os.environ.get("OHJAAJA_SERVE_PASSWORDS")
        or Path(platformdirs.user_config_dir("ohjaaja")) / "serve-passwords.json"
    )


def worker_name_problem(name: str) -> str | None:
    """Why a name cannot be a browser desk's worker (it becomes the desk's --worker)."""
    if not name.strip() or name != name.strip():
        return "a worker name is not blank and has no spaces at its ends"
    if len(name) > WORKER_NAME_MAX:
        return f"a worker name is at most {WORKER_NAME_MAX} characters"
    if any(not ch.isprintable() for ch in name):
        return "a worker name has no control characters"
    return None


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(
        ("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest))
    )


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        found = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, base64.b64decode(digest))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# A name with no password is checked against this, so that a wrong name takes as
# long as a wrong password and the time does not tell which names exist.
_NOBODY = hash_password(secrets.token_hex(16))


class PasswordFile:
    """The workers' hashed passwords. Read at each sign-in, so a change made by
    `serve passwd` holds at once, without restarting the server."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise ValueError(f"{self.path}: not a password file (name -> scrypt hash)")
        return data

    def check(self, worker: str, password: str) -> bool:
        stored = self.read().get(worker)
        matches = password_matches(password, stored or _NOBODY)
        return stored is not None and matches

    def set(self, worker: str, password: str) -> None:
        entries = self.read()
        entries[worker] = hash_password(password)
        self._write(entries)

    def remove(self, worker: str) -> bool:
        entries = self.read()
        if entries.pop(worker, None) is None:
            return False
        self._write(entries)
        return True

    def _write(self, entries: dict[str, str]) -> None:
        """Whole or not at all (a new file renamed over the old), owner-only."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".passwords-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entries, handle, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class FailedTries:
    """Failed sign-ins, by worker name and by address: after `limit` failures within
    `window` seconds either one is refused until the oldest of them is that old. A
    guesser is slowed whichever they vary; a worker who mistypes is held up minutes."""

    def __init__(
        self, limit: int = 5, window: float = 600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def wait_seconds(self, *keys: str) -> float:
        """How long these keys must wait before trying again (0: they may try)."""
        now = self.clock()
        longest = 0.0
        for key in keys:
            found = self._recent(key, now)
            if len(found) >= self.limit:
                longest = max(longest, found[0] + self.window - now)
        return longest

    def failed(self, *keys: str) -> None:
        now = self.clock()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        found = self._failures.setdefault(key, deque())
        while found and found[0] <= now - self.window:
            found.popleft()
        return found
