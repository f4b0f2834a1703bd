"""The browser desk's passwords (scrypt, owner-only file) and its limit on failed tries."""

from __future__ import annotations

import json
import stat
import subprocess
import sys

from ohjaaja.shell.serve_signin import FailedTries, PasswordFile, password_matches


def test_a_password_is_kept_hashed_and_checked(tmp_path) -> None:
    passwords = PasswordFile(tmp_path / "conf" / "passwords.json")
    passwords.set("Aino", "pitkä salasana")
    stored = json.loads(passwords.path.read_text(encoding="utf-8"))["Aino"]
    assert stored.startswith("scrypt$16384$8$1$") and "pitkä" not in stored
    assert stat.S_IMODE(passwords.path.stat().st_mode) == 0o600
    assert passwords.check("Aino", "pitkä salasana")
    assert not passwords.check("Aino", "pitkä salasanA")
    assert not passwords.check("Bertta", "pitkä salasana")
    assert not password_matches("x", "md5$abc")  # another kind is never taken
    assert passwords.remove("Aino") and not passwords.check("Aino", "pitkä salasana")


def test_failed_tries_are_limited_by_name_and_by_address() -> None:
    now = [0.0]
    tries = FailedTries(limit=3, window=600, clock=lambda: now[0])
    for _ in range(3):
        assert tries.wait_seconds("worker:aino", "address:a") == 0
        tries.failed("worker:aino", "address:a")
    assert tries.wait_seconds("worker:aino", "address:b") == 600  # the name, from elsewhere
    assert tries.wait_seconds("worker:bertta", "address:a") == 600  # another name, here
    assert tries.wait_seconds("worker:bertta", "address:b") == 0
    now[0] = 599.0
    assert tries.wait_seconds("worker:aino") == 1
    now[0] = 600.0
    assert tries.wait_seconds("worker:aino", "address:a") == 0


def test_serve_passwd_refuses_a_short_password_and_a_bad_name(tmp_path) -> None:
    def passwd(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ohjaaja.shell.cli", "serve", "passwd", *args,
             "--passwords", str(tmp_path / "pw.json")],
            input=stdin, text=True, capture_output=True,
        )  # fmt: skip

    short = passwd("Aino", stdin="lyhyt\n")
    assert short.returncode == 2 and "at least 10" in short.stderr
    assert passwd(" Aino", stdin="pitkä salasana\n").returncode == 2
    assert not (tmp_path / "pw.json").exists()
    assert passwd("Aino", stdin="pitkä salasana\n").returncode == 0
    assert PasswordFile(tmp_path / "pw.json").check("Aino", "pitkä salasana")
