"""What an import reports: the problems found, each at its sheet, row and column, and the event it
would create when there are none."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.models import Event


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an imported workbook. `row` counts from 1 as the spreadsheet shows it
    (row 1 is the header); `column` is the column letter. Either may be None (a missing sheet)."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str
    header: str = ""  # the column's header, for the reader

    def __str__(self) -> str:
        where = self.sheet or "file"
        if self.column and self.row:
            where += f" {self.column}{self.row}"
        elif self.row:
            where += f" row {self.row}"
        elif self.column:
            where += f" column {self.column}"
        if self.header:
            where += f" ({self.header})"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ImportPreview:
    """What an import would create. `event` and `toml` are set only when there is no problem."""

    problems: list[Problem] = field(default_factory=list)
    event: Event | None = None
    toml: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.event is not None

    def summary(self) -> str:
        if self.event is None:
            return f"{len(self.problems)} problem(s)"
        e = self.event
        return (
            f"{e.title}: {len(e.projects)} projects, {len(e.categories)} categories, {len(e.judges)} judges, "
            f"{len(e.criteria)} criteria, {len(e.indicators)} indicators, {len(e.awards)} awards"
        )
