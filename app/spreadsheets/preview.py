"""What an import reports: the problems found, each at its sheet, row and column, and the event it
would create when there are none."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.models import Event
from ..i18n import N_, Message


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an imported workbook. `row` counts from 1 as the spreadsheet shows it
    (row 1 is the header); `column` is the column letter. Either may be None (a missing sheet).

    `text` says what is wrong as an `i18n.Message` (translated where it is shown; plain text given
    here is kept as it is); `message` is its English text, `translate(language)` the text in "zh" or
    "en", `where(language)` the place ("项目 Projects A4 (项目编号 / Project ID)"); `str()` is both, in
    English."""

    sheet: str | None
    row: int | None
    column: str | None
    text: Message
    header: str = ""  # the column's header, for the reader

    def __post_init__(self) -> None:
        if not isinstance(self.text, Message):
            object.__setattr__(self, "text", Message.verbatim(str(self.text)))

    @property
    def message(self) -> str:
        return str(self.text)

    def translate(self, language: str = "en") -> str:
        return self.text.translate(language)

    def where(self, language: str = "en") -> str:
        where = self.sheet or Message(N_("file")).translate(language)
        if self.column and self.row:
            where += f" {self.column}{self.row}"
        elif self.row:
            where += " " + Message(N_("row {row}"), {"row": self.row}).translate(language)
        elif self.column:
            where += " " + Message(N_("column {column}"), {"column": self.column}).translate(language)
        if self.header:
            where += f" ({self.header})"
        return where

    def report(self, language: str = "en") -> str:
        """The place and the message, as `roadshow import` prints it."""
        return Message(N_("{place}: {message}"), {"place": self.where(language), "message": self.text}).translate(
            language
        )

    def __str__(self) -> str:
        return self.report("en")


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
