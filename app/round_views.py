"""What a round of a competition adds to the results (docs/event-file.md §12): the round and its
provenance, each project's earlier rounds (its path), and the mark on a carried component. Pure
functions of the event definition, used by app/views.py, GET /api/results and the documents."""

from __future__ import annotations

from typing import Any

from .domain.models import Event


def carried_marked(event: Event, components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A carried component (an earlier round's composite, docs/event-file.md "Rounds") says which round."""
    carried = {i.id: i.from_round for i in event.indicators if i.from_round}
    if not carried:
        return components
    return [c | {"from_round": carried[c["id"]]} if c["id"] in carried else c for c in components]


def project_path(event: Event, project: str) -> list[dict[str, Any]]:
    """The project's results in the earlier rounds, oldest first, as frozen when it advanced (empty for
    an event that is not a later round)."""
    if not event.earlier_results:
        return []
    return [
        {"round": e.round, "index": e.index, "rank": e.rank, "tied": e.tied, "composite": e.composite}
        for e in sorted(event.earlier_results, key=lambda e: e.index)
        if e.project == project
    ]


def round_section(event: Event) -> dict[str, Any] | None:
    """Which round of which competition the event is, and where its projects came from."""
    info = event.round
    if info is None:
        return None
    previous = info.previous
    return {
        "name": info.name,
        "index": info.index,
        "competition": info.competition,
        "previous": None
        if previous is None
        else {
            "event": previous.event,
            "round": previous.round,
            "file": previous.file,
            "anchor_length": previous.anchor_length,
            "anchor_head": previous.anchor_head,
            "advanced_by": previous.advanced_by,
            "count": previous.count,
            "reason": previous.reason,
            "forced": previous.forced,
        },
    }
