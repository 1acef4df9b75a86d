"""The one error type the domain raises for an illegal move or invalid input."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An illegal move (scoring a closed project) or invalid value (a score over the maximum).

    `code` is stable and machine-readable (clients and tests match on it); `params` fill the
    human message, which the web layer translates. Nothing has been changed when this is raised.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.code = code
        self.message = message
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self), "template": self.message, "params": self.params}


class Refusal(DomainError):
    """A refused command that still leaves a fact in the journal: the refusal itself is worth keeping
    (a judge's score that arrived after scoring closed, app/domain/stage.py). The live service
    journals `changes` and then answers the sender with this error."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(code, message, **params)
        self.changes: list[Any] = []  # Change objects (app/domain/facts.py)
