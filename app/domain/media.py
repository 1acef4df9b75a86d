"""Which pictures the event has (issue 16): a fact per change (`media_set`, `media_removed`, journalled
by the store with the picture itself, app/media_store.py), folded into `EventState.media` so the views
can give each picture a URL that changes when the picture does (the board caches it for good)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Event
    from .state import EventState

MEDIA_KINDS = frozenset({"media_set", "media_removed"})


def slot_exists(event: Event, slot: str) -> bool:
    """Whether the event has a place for this picture (its logo, sponsors, a project's, a judge's)."""
    if slot in ("logo", "sponsors"):
        return True
    kind, _, ident = slot.partition(":")
    if kind == "project":
        return event.project(ident) is not None
    if kind == "judge":
        return event.judge(ident) is not None
    return False


def apply_media(state: EventState, kind: str, data: dict[str, Any]) -> None:
    if kind == "media_set":
        state.media[data["slot"]] = data["sha256"]
    else:
        state.media.pop(data["slot"], None)


def media_url(state: EventState, slot: str) -> str | None:
    """The picture's address, or None: versioned by its digest, so a new picture is a new URL."""
    digest = state.media.get(slot)
    return f"/media/{slot}?v={digest[:16]}" if digest else None
