"""The journalled fact and the stage timer: the two value types every part of the state machine shares
(app/domain/state.py folds facts; app/domain/stage.py keeps each project's timers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Change:
    """One journalled fact. `kind` names it; `data` is JSON-serialisable."""

    kind: str
    data: dict[str, Any]


@dataclass(slots=True)
class Timer:
    duration: float
    running: bool = False
    started_at: float | None = None  # wall-clock seconds when the current run began
    elapsed_before: float = 0.0  # seconds run before `started_at`

    def elapsed(self, now: float) -> float:
        if self.running and self.started_at is not None:
            return self.elapsed_before + max(0.0, now - self.started_at)
        return self.elapsed_before

    def remaining(self, now: float) -> float:
        return self.duration - self.elapsed(now)

    def as_dict(self) -> dict[str, Any]:
        return {
            "duration": self.duration,
            "running": self.running,
            "started_at": self.started_at,
            "elapsed_before": self.elapsed_before,
        }

    def copy(self) -> Timer:
        return Timer(self.duration, self.running, self.started_at, self.elapsed_before)

    def paused(self, at: float) -> Timer:
        """This timer stopped at `at`, keeping the time it has run."""
        return Timer(self.duration, False, None, self.elapsed(at))
