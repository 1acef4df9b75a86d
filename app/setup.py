"""Creating or reopening an event database before the server starts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .domain.models import Event
from .eventfile import load_event_file, parse_event
from .media import Picture
from .pictures_file import load_pictures, store_pictures
from .security import hash_password, new_password
from .store import Store


@dataclass(slots=True)
class PreparedEvent:
    db_path: str
    event: Event
    secret: str
    tokens: dict[str, str]  # judge id -> token
    created: bool
    host_password: str | None  # only when just created (shown once), or the demo's
    source_changed: bool = False  # the event file differs from the one stored at creation


def demo_event_text() -> str:
    return (resources.files("app") / "demo" / "demo_event.toml").read_text(encoding="utf-8")


async def prepare(
    db_path: str | Path,
    event_text: str | None = None,
    host_password: str | None = None,
    demo: bool = False,
    base_dir: Path | None = None,
) -> PreparedEvent:
    """Open the database; create the event from `event_text` if it holds none yet.

    A database that already holds an event is reopened as it is: a restart continues exactly where
    the event was, even if the event file has been edited since (that is reported, not applied)."""
    db_path = str(db_path)
    pictures: dict[str, Picture] = {}
    if event_text is not None:
        parsed = parse_event(event_text)  # all-or-nothing: a malformed file raises before anything is written
        # the pictures it names, relative to it: checked before anything is written too
        pictures = load_pictures(parsed, base_dir) if base_dir is not None else {}
    async with Store.open(db_path) as store:
        created = False
        password: str | None = None
        if not await store.has_event():
            if event_text is None:
                raise FileNotFoundError(f"{db_path} holds no event; pass an event file to create one")
            password = host_password or new_password()
            extra = {
                "session_secret": secrets.token_urlsafe(32),
                "host_password_hash": hash_password(password),
                "host_epoch": secrets.token_hex(4),
            }
            if demo:
                extra["demo_password"] = password  # the demo is not secret: print it on every start
            await store.create_event(event_text, [j.id for j in parse_event(event_text).judges], extra)
            created = True
        if pictures:
            await store_pictures(store, pictures)
        stored_text = await store.get_meta("event_toml")
        assert stored_text is not None
        event = parse_event(stored_text, stored=True)  # an older version may have stored longer text
        tokens = await store.ensure_judge_tokens([j.id for j in event.judges])
        secret = await store.get_meta("session_secret") or ""
        if password is None and demo:
            password = await store.get_meta("demo_password")
    return PreparedEvent(
        db_path=db_path,
        event=event,
        secret=secret,
        tokens=tokens,
        created=created,
        host_password=password,
        source_changed=event_text is not None and event_text != stored_text,
    )


async def reset_host_password(db_path: str | Path, password: str | None = None) -> str:
    """Set a new host password and log out every host session."""
    password = password or new_password()
    async with Store.open(db_path) as store:
        if not await store.has_event():
            raise FileNotFoundError(f"{db_path} holds no event")
        await store.set_meta("host_password_hash", hash_password(password))
        await store.set_meta("host_epoch", secrets.token_hex(4))
    return password


def read_event_source(path: str | Path) -> str:
    """Validate an event file and return its text (EventFileError if malformed)."""
    load_event_file(path)
    return Path(path).read_text(encoding="utf-8-sig")
