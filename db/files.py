"""Files and folders the desk makes: its owner's only, or its group's on a
thin-terminal host.

A file is made 0600 and a folder 0700. In a setgid folder (a desk's group folder,
2770) a file is made 0660 and a subfolder 2770, so the group's sessions keep
sharing it. Modes are set exactly, whatever the umask; what already exists (a
folder such as /tmp or the home folder, a database the host's admin has set up)
keeps its mode. SQLite gives a database's -wal and -shm files the mode of the
database, so making the database file right makes them right too.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

PRIVATE_FILE, SHARED_FILE = 0o600, 0o660
PRIVATE_FOLDER, SHARED_FOLDER = 0o700, 0o2770


def shared(folder: Path) -> bool:
    """A setgid folder: its files belong to its group (a desk shared by its workers)."""
    return bool(folder.stat().st_mode & stat.S_ISGID)


def file_mode(folder: Path) -> int:
    return SHARED_FILE if shared(folder) else PRIVATE_FILE


def make_folder(folder: Path) -> None:
    """The folder and its missing parents; only the folders made here get a mode."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=PRIVATE_FOLDER)  # the umask can only narrow it
        except FileExistsError:
            continue  # another process was first: its folder, its mode
        os.chmod(made, SHARED_FOLDER if shared(made.parent) else PRIVATE_FOLDER)


def create_file(path: Path) -> bool:
    """An empty file with its folder's file mode, if there is none yet (True: made here)."""
    make_folder(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, file_mode(path.parent))
    finally:
        os.close(fd)
    return True


@contextlib.contextmanager
def held_open_lock(database: Path) -> Iterator[None]:
    """One process at a time opens (makes, migrates, seeds) the database: an advisory
    lock on `<database>.open-lock` beside it, made with the database's mode and freed
    by the kernel if the process dies. Without it, desks started together on a new
    file saw it empty while the first was making it, and ran the same migration twice.
    A lock file this user may not write (a folder made read-only) is opened without."""
    if str(database) in ("", ":memory:"):
        yield
        return
    path = database.with_name(database.name + ".open-lock")
    try:
        create_file(path)
        fd = os.open(path, os.O_RDWR)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for the process that holds it
        yield
    finally:
        os.close(fd)  # closing frees the lock


def write_file(path: Path, data: bytes) -> None:
    """Write (or overwrite) a file readable as its folder's files are: made, or
    narrowed if it was wider, before a byte is written."""
    make_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        info = os.fstat(fd)
        # Never chmod a device such as /dev/stdout, nor another user's file.
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            os.fchmod(fd, file_mode(path.parent))
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
    finally:
        os.close(fd)


def read_json_object(path: Path) -> dict[str, object]:
    """A JSON object kept in a file; a missing, broken or other file is an empty one
    (what such a file keeps can always be made again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
