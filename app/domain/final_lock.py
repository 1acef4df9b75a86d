"""The final lock: once the award ceremony has started, the results stand as announced.

A correction, a recusal or an edit of the event definition after that point would change the
standings under awards already frozen (and perhaps already read out). So they are refused until the
host reopens the results with a reason (`results_reopened`, journalled with actor and time). While
reopened, the host sees which awards the changes would alter (`award_changes`, a preview) and ends
the reopening by re-deciding the awards (`awards_redecided`, which records the old and new winners in
the journal); the ceremony waits meanwhile, so the board never walks through stale winners.
"""

from __future__ import annotations

from typing import Any

from .errors import DomainError
from .text import MAX_REASON, clean_line

MAX_REASON_LENGTH = MAX_REASON  # one limit for every reason (app/domain/text.py)


def clean_reason(value: Any) -> str:
    """A reason as sent, cleaned as every other reason is (docs/security.md, "Uploads and text"):
    it is shown and journalled. Absent is "" (the caller decides whether one is needed); anything
    that is not text, or is over the limit, is `bad_reason` -- the same answer for every command."""
    if value is None:
        return ""
    reason = clean_line(value) if isinstance(value, str) else None
    if reason is None or len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            "bad_reason", "The reason must be text of at most {limit} characters.", limit=MAX_REASON_LENGTH
        )
    return reason


def reason_arg(args: dict[str, Any]) -> str:
    """The required reason of a command: `bad_reason` as in clean_reason, `reason_required` if
    nothing is left once cleaned."""
    reason = clean_reason(args.get("reason"))
    if not reason:
        raise DomainError(
            "reason_required", "A reason is needed (at most {limit} characters).", limit=MAX_REASON_LENGTH
        )
    return reason


def refuse_when_locked(ceremony_started: bool, reopened: dict[str, Any] | None) -> None:
    """Raise unless the standings may change now: before the ceremony, or after a reopening."""
    if ceremony_started and reopened is None:
        raise DomainError(
            "final_locked",
            "The award ceremony has started, so the results are final. Reopen them with a reason first.",
        )


def _winner_key(winner: dict[str, Any]) -> tuple[Any, ...]:
    return (winner.get("name"), winner.get("project"), winner.get("rank"))


def award_changes(frozen: list[dict[str, Any]], current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The awards whose winners (who, which project, which place) differ between the frozen list and
    the one the standings give now: {"award", "name", "before", "after"} with the winners' names."""
    now_by_id = {a["id"]: a for a in current}
    out = []
    for award in frozen:
        after = now_by_id.get(award["id"], {"winners": []})
        if [_winner_key(w) for w in award["winners"]] != [_winner_key(w) for w in after["winners"]]:
            out.append(
                {
                    "award": award["id"],
                    "name": award["name"],
                    "before": [w["name"] for w in award["winners"]],
                    "after": [w["name"] for w in after["winners"]],
                }
            )
    return out
