"""The `[audience]` table of the event file (docs/event-file.md): the audience vote's rules.

Read with the event file's own reader (app/eventfile.py), so its problems name the field and line and
are translated like every other."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .domain.models import AUDIENCE_USES, VOTE_MODES, VOTE_WINDOWS, AudienceRules

if TYPE_CHECKING:
    from .eventfile import _Reader

AUDIENCE_KEYS = {"enabled", "mode", "window", "use", "weight", "per_address_cap", "tickets"}
MAX_ADDRESS_CAP = 10_000  # phones per address; more means no cap (0) — docs/security.md


def read_audience(r: _Reader, data: dict[str, Any]) -> AudienceRules:
    t = r.table(data, "audience", "audience")
    r.known_keys(t, AUDIENCE_KEYS, "audience")
    enabled = _flag(r, t, "enabled")
    mode = r.choice(t, "mode", "audience", VOTE_MODES, "one_per_event")
    window = r.choice(t, "window", "audience", VOTE_WINDOWS, "end")
    use = r.choice(t, "use", "audience", AUDIENCE_USES, "award")
    weight = r.number(t, "weight", "audience", 0.0, minimum=0)
    cap = r.integer(t, "per_address_cap", "audience", 0, minimum=0)
    if cap > MAX_ADDRESS_CAP:
        r.fail("audience.per_address_cap", "must be at most {maximum}", maximum=MAX_ADDRESS_CAP)
    if window == "per_project" and mode != "stars":
        r.fail("audience.window", 'a per_project window needs mode = "stars"')
    if use == "composite" and not 0 < weight < 1:
        r.fail("audience.weight", 'must be above 0 and below 1 when use = "composite" (0.10: a tenth of the composite)')
    if use == "award" and "weight" in t:
        r.fail("audience.weight", 'only applies when use = "composite"')
    return AudienceRules(
        enabled=enabled,
        mode=mode,  # type: ignore[arg-type]
        window=window,  # type: ignore[arg-type]
        use=use,  # type: ignore[arg-type]
        weight=weight,
        per_address_cap=min(cap, MAX_ADDRESS_CAP),
        tickets=_flag(r, t, "tickets"),
    )


def _flag(r: _Reader, t: dict[str, Any], key: str) -> bool:
    value = t.get(key, False)
    if not isinstance(value, bool):
        r.fail(f"audience.{key}", "must be true or false")
        return False
    return value
