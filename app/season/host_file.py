"""The season folder's own small files, each written atomically (a temporary file, then a rename):

- `season-host.json` (mode 0600): the folder host's password hash (scrypt, as an event's), the secret
  that signs the event list's session cookie, and the session generation (a new password logs every
  folder host out). Written by `roadshow password FOLDER` and at the first start.
- `season-live.txt`: the slug of the event on the short URLs (/, /board, /j), one line.

docs/event-file.md ("Folder layout") and docs/security.md ("Several events in one folder").
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..security import hash_password, new_password

HOST_FILE = "season-host.json"
LIVE_FILE = "season-live.txt"


def write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    """Replace `path` with `text` so a reader (or a crash) sees the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class FolderHost:
    secret: str
    password_hash: str
    epoch: str


def read_host(folder: Path) -> FolderHost | None:
    try:
        data = json.loads((folder / HOST_FILE).read_text(encoding="utf-8"))
        return FolderHost(str(data["secret"]), str(data["password_hash"]), str(data["epoch"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_host(folder: Path, password: str | None = None) -> tuple[FolderHost, str | None]:
    """The folder's host file, created at the first start with `password` (`roadshow serve FOLDER
    --password`) or a new one: (file, the new password to print once, or None when the file existed)."""
    held = read_host(folder)
    if held is not None:
        return held, None
    password = password or new_password()
    return set_password(folder, password), password


def set_password(folder: Path, password: str | None = None) -> FolderHost:
    """A new folder password (the secret is kept, the session generation is new: every folder host
    is logged out)."""
    held = read_host(folder)
    host = FolderHost(
        secret=held.secret if held else secrets.token_urlsafe(32),
        password_hash=hash_password(password or new_password()),
        epoch=secrets.token_hex(8),
    )
    text = json.dumps({"secret": host.secret, "password_hash": host.password_hash, "epoch": host.epoch})
    write_atomically(folder / HOST_FILE, text + "\n", mode=0o600)
    return host


def read_live(folder: Path) -> str | None:
    try:
        text = (folder / LIVE_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text[:100] or None


def write_live(folder: Path, slug: str | None) -> None:
    write_atomically(folder / LIVE_FILE, (slug or "") + "\n")
