"""New events in a season folder: blank (the starter of `roadshow new`), a copy of an existing event
(its definition: projects, judges, rubric, awards, and its pictures; no scores; new judge links and PINs),
from a spreadsheet (the setup area's import), or the next round of a finished event (app/rounds.py).

Each writes `<slug>.db` in the folder and nothing else; a name that is taken or not a valid slug is
refused before anything is written (docs/event-file.md, "Folder layout").
"""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import DomainError
from ..domain.media import slot_exists
from ..domain.text import clean_line
from ..eventfile import parse_event
from ..eventfile_export import dump_toml, event_to_data, event_to_toml
from ..i18n import N_
from ..media import Picture
from ..setup import prepare
from ..spreadsheets import example_event
from ..store import Store
from .folder import MAX_SLUG_LENGTH, valid_slug

MAX_TITLE_LENGTH = 200  # the event file's own limit for a title (docs/security.md)


def new_database(folder: Path, slug: str, taken: set[str]) -> Path:
    """Where a new event `slug` goes; DomainError if the slug is not valid or already used."""
    if not valid_slug(slug):
        raise DomainError(
            "bad_slug",
            N_(
                "The address must be 1 to {limit} lower-case letters, digits, “-” or “_”, starting with a "
                "letter or digit."
            ),
            limit=MAX_SLUG_LENGTH,
        )
    db = folder / f"{slug}.db"
    if slug in taken or db.exists() or db.with_suffix(".toml").exists():
        raise DomainError("slug_taken", N_("An event with the address {slug} already exists."), slug=slug)
    return db


def clean_title(raw: object) -> str:
    title = clean_line(raw) if isinstance(raw, str) else None
    if not title or len(title) > MAX_TITLE_LENGTH:
        raise DomainError("bad_title", N_("The title must be text of 1 to {limit} characters."), limit=MAX_TITLE_LENGTH)
    return title


def retitled(source: str, title: str) -> str:
    """The event definition `source` (TOML) with another title, checked as every event file is."""
    data = event_to_data(parse_event(source, stored=True))
    data["event"]["title"] = title
    text = dump_toml(data)
    parse_event(text)  # raises EventFileError: the same checks as `roadshow check`
    return text


def blank_definition(title: str) -> str:
    return retitled(event_to_toml(example_event()), title)


async def create_database(
    db: Path, definition: str, pictures: dict[str, Picture] | None = None, source: str = ""
) -> None:
    """Write the new event's database (a new session secret, new judge links and PINs), with a copied
    event's `pictures` (from event `source`). Nothing is left behind if any of it fails: the slug
    stays free."""
    try:
        await prepare(db, definition)
        if pictures:
            await copy_pictures(db, pictures, source)
    except BaseException:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
            path.unlink(missing_ok=True)
        raise


async def copy_pictures(db: Path, pictures: dict[str, Picture], source_slug: str) -> list[str]:
    """Store a copied event's pictures (logo, sponsors, projects', judges') in its new database, each
    journalled as `media_set` with where it came from; the slots stored. Only the slots the copy has
    a place for: a project or judge removed from the source may have left its picture behind, which
    would otherwise come back on whoever gets that id in the copy."""
    stored = []
    async with Store.open(db) as store:
        event = parse_event(await store.get_meta("event_toml") or "", stored=True)
        for slot, picture in sorted(pictures.items()):
            if not slot_exists(event, slot):
                continue
            size = {"bytes": len(picture.data), "width": picture.width, "height": picture.height}
            data = {"slot": slot, "sha256": picture.sha256, **size, "source": f"copy of {source_slug}"}
            await store.set_media(slot, picture, "system", None, data)
            stored.append(slot)
    return stored
