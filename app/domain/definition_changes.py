"""What an edit of the event definition changes, as facts for the journal.

Once scoring has begun an edit can still move the standings (an indicator value typed wrong, a
project's category), so the journal records what changed, old and new, next to who, when and why;
the audit log then shows it without comparing two event files by hand. Bounded: a definition
replaced wholesale records the first MAX_RECORDED changes and how many more there were.
"""

from __future__ import annotations

from typing import Any

from .models import Event

MAX_RECORDED = 200


def _project_fields(event: Event) -> dict[str, dict[str, Any]]:
    return {
        p.id: {
            "title": p.title,
            "team": p.team,
            "leader": p.leader,
            "category": p.category,
            "members": list(p.members),
            "volunteers": list(p.volunteers),
            **{f"indicator:{k}": v for k, v in sorted(p.indicators.items())},
        }
        for p in event.projects
    }


def _plain(value: Any) -> Any:
    """A value as JSON can hold it (an exact decimal as its text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def _keyed(items: Any, fields: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {item.id: {f: getattr(item, f) for f in fields} for item in items}


def definition_changes(old: Event, new: Event) -> dict[str, Any]:
    """{"changes": [{"what", "id", "field", "old", "new"}...], "more": n}: every value that differs."""
    changes: list[dict[str, Any]] = []

    def compare(what: str, before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> None:
        for key in [*before, *(k for k in after if k not in before)]:
            if key not in after:
                changes.append({"what": what, "id": key, "field": "", "old": "removed", "new": None})
            elif key not in before:
                changes.append({"what": what, "id": key, "field": "", "old": None, "new": "added"})
            else:
                for name in [*before[key], *(f for f in after[key] if f not in before[key])]:
                    was, now = before[key].get(name), after[key].get(name)
                    if was != now:
                        changes.append({"what": what, "id": key, "field": name, "old": _plain(was), "new": _plain(now)})

    general = {"": {"title": old.title, "date": old.date, "panel_weight": old.panel_weight}}
    compare("event", general, {"": {"title": new.title, "date": new.date, "panel_weight": new.panel_weight}})
    compare("project", _project_fields(old), _project_fields(new))
    compare("judge", _keyed(old.judges, ("name", "title")), _keyed(new.judges, ("name", "title")))
    compare(
        "indicator",
        _keyed(old.indicators, ("name", "weight", "max")),
        _keyed(new.indicators, ("name", "weight", "max")),
    )
    compare(
        "criterion",
        _keyed(old.criteria, ("name", "max", "weight", "step")),
        _keyed(new.criteria, ("name", "max", "weight", "step")),
    )
    compare("category", _keyed(old.categories, ("name",)), _keyed(new.categories, ("name",)))
    compare(
        "award",
        _keyed(old.awards, ("name", "kind", "count", "max_per_category", "of")),
        _keyed(new.awards, ("name", "kind", "count", "max_per_category", "of")),
    )
    if old.scoring != new.scoring:
        changes.append({"what": "scoring", "id": "", "field": "", "old": repr(old.scoring), "new": repr(new.scoring)})
    if old.recusals != new.recusals:
        before = sorted(f"{r.judge}/{r.project}" for r in old.recusals)
        after = sorted(f"{r.judge}/{r.project}" for r in new.recusals)
        changes.append({"what": "recusals", "id": "", "field": "", "old": before, "new": after})
    return {"changes": changes[:MAX_RECORDED], "more": max(0, len(changes) - MAX_RECORDED)}
