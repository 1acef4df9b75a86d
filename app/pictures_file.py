"""Pictures referenced in the event file (issue 16): `[event] logo` and `sponsors`, `[[projects]]
picture`, `[[judges]] portrait`, each a path relative to the event file. They are read, checked and
re-encoded exactly as an upload is (app/media.py) when the server starts from the file, before
anything is written (a missing or bad picture stops it with the field and the reason), and stored in
the database for every slot that has no picture yet: a picture uploaded in the setup area is kept.
"""

from __future__ import annotations

from pathlib import Path

from .domain.models import Event
from .eventfile import EventFileError
from .media import MAX_UPLOAD_BYTES, MediaError, Picture, process
from .store import Store


def referenced(event: Event) -> list[tuple[str, str, str]]:
    """(slot, field, path) of every picture the event file names."""
    out = [("logo", "event.logo", event.logo), ("sponsors", "event.sponsors", event.sponsors)]
    out += [(f"project:{p.id}", f"projects[{i}].picture", p.picture) for i, p in enumerate(event.projects)]
    out += [(f"judge:{j.id}", f"judges[{i}].portrait", j.portrait) for i, j in enumerate(event.judges)]
    return [(slot, name, path) for slot, name, path in out if path]


def load_pictures(event: Event, base_dir: Path) -> dict[str, Picture]:
    """Every referenced picture, checked and re-encoded; EventFileError lists each one that is not."""
    pictures: dict[str, Picture] = {}
    problems: list[tuple[str, int | None, str]] = []
    for slot, name, path in referenced(event):
        file = base_dir / path
        try:
            if not file.is_file():
                problems.append((name, None, f"{path}: no such file"))
                continue
            if file.stat().st_size > MAX_UPLOAD_BYTES:
                problems.append((name, None, f"{path}: larger than {MAX_UPLOAD_BYTES // 2**20} MB"))
                continue
            pictures[slot] = process(file.read_bytes(), slot.split(":", 1)[0])
        except MediaError as exc:
            problems.append((name, None, f"{path}: {exc}"))
        except OSError as exc:
            problems.append((name, None, f"{path}: {exc.strerror or exc}"))
    if problems:
        raise EventFileError(problems)
    return pictures


async def store_pictures(store: Store, pictures: dict[str, Picture]) -> list[str]:
    """Store each picture whose slot has none yet; the slots stored."""
    have = await store.media_digests()
    stored = []
    for slot, picture in pictures.items():
        if slot in have:
            continue
        size = {"bytes": len(picture.data), "width": picture.width, "height": picture.height}
        data = {"slot": slot, "sha256": picture.sha256, **size, "source": "event file"}
        await store.set_media(slot, picture, "system", "event-file", data)
        stored.append(slot)
    return stored
