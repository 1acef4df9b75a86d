"""Read an event definition from TOML (format: docs/event-file.md) into domain models.

Every problem names the field (e.g. `projects[3].category`) and, where the file shows it, the line.
Parsing is all-or-nothing: nothing is written until the whole file is valid.

Each problem's text is an `i18n.Message` (an English template with named parameters, translated where
it is shown: the setup area uses the page's language). Every template is passed to `_Reader.fail` as
a literal, so scripts/i18n.sh extracts it (`-k fail:2`); tests/test_eventfile.py checks that each one
has a Chinese translation.
"""

from __future__ import annotations

import datetime
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .domain.models import (
    AGGREGATION_RULES,
    AWARD_KINDS,
    JUDGE_SCORES_PUBLICATIONS,
    LANGUAGES,
    NORMALIZATIONS,
    AwardRule,
    Category,
    Criterion,
    Event,
    Indicator,
    Judge,
    Project,
    Recusal,
    ScoringRules,
    Timing,
)
from .domain.numbers import ROUNDING_MODES
from .domain.text import (
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_NAMES,
    MAX_REASON,
    MAX_SHORT,
    MAX_SUMMARY,
    MAX_TITLE,
    clean_block,
    clean_line,
)
from .eventfile_audience import AUDIENCE_KEYS, read_audience
from .eventfile_round import EARLIER_KEYS, ROUND_KEYS, read_round
from .i18n import N_, Message

MAX_DECIMALS = 6  # results shown to more places than this would only show noise of the inputs

_KEYS: dict[str, set[str]] = {
    "event": {"title", "date", "language", "subtitle", "venue", "organizer", "logo", "sponsors"},
    "timing": {"presentation_minutes", "qa_minutes", "commentary_minutes"},
    "scoring": {
        "rule",
        "trim",
        "trim_min_judges",
        "normalize",
        "min_panel",
        "decimals",
        "rounding",
        "publish_judge_scores",
    },
    "composite": {"panel_weight"},
    "categories": {"id", "name"},
    "criteria": {"id", "name", "max", "weight", "step", "description"},
    "indicators": {"id", "name", "weight", "max", "description", "from_round"},
    "judges": {"id", "name", "title", "affiliation", "portrait"},
    "projects": {
        "id",
        "title",
        "team",
        "leader",
        "category",
        "order",
        "summary",
        "members",
        "volunteers",
        "indicators",
        "short_title",
        "short_team",
        "picture",
    },
    "recusals": {"judge", "project", "reason"},
    "awards": {"id", "name", "kind", "count", "max_per_category", "of", "names"},
    "audience": AUDIENCE_KEYS,
    "round": ROUND_KEYS,
    "earlier_results": EARLIER_KEYS,
}
_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class FileProblem(NamedTuple):
    """One problem: the field's path (`projects[3].category`, or `file`), its line when the file
    shows it, and what is wrong (a Message: translated where it is shown, English as `str()`)."""

    field: str
    line: int | None
    message: Message


class EventFileError(ValueError):
    """A malformed event file.

    `details` lists every problem found as a `FileProblem` (field, line, Message); `problems` is the
    same list with each message as English text: (field, line, message). `report(language)` is the
    whole report in "zh" or "en"; `str(exc)` is the English report (logs, `roadshow check`)."""

    def __init__(self, problems: list[FileProblem] | list[tuple[str, int | None, Message | str]]) -> None:
        self.details = [
            FileProblem(field, line, message if isinstance(message, Message) else Message.verbatim(message))
            for field, line, message in problems
        ]
        super().__init__(self.report("en"))

    @property
    def problems(self) -> list[tuple[str, int | None, str]]:
        return [(p.field, p.line, str(p.message)) for p in self.details]

    def translated(self, language: str) -> list[tuple[str, int | None, str]]:
        """(field, line, message) with each message in `language`."""
        return [(p.field, p.line, p.message.translate(language)) for p in self.details]

    def report(self, language: str = "en") -> str:
        lines = []
        for p in self.details:
            params = {"field": p.field, "line": p.line, "message": p.message}
            if p.line:
                lines.append(Message(N_("{field} (line {line}): {message}"), params).translate(language))
            else:
                lines.append(Message(N_("{field}: {message}"), params).translate(language))
        return Message(N_("Invalid event file:")).translate(language) + "\n  " + "\n  ".join(lines)


@dataclass
class _Reader:
    """Collects problems instead of stopping at the first, so a user can fix a file in one go."""

    text: str
    problems: list[FileProblem]
    lengths: bool = True  # check the length limits (not for a definition a database already holds)
    _lines: _Lines | None = None

    def fail(self, field: str, template: str, /, **params: Any) -> None:
        """`template` is English with {named} placeholders filled from `params` where it is shown."""
        if self._lines is None:
            self._lines = _Lines(self.text)
        self.problems.append(FileProblem(field, self._lines.locate(field), Message(template, params)))

    def known_keys(self, data: dict[str, Any], allowed: set[str], field: str) -> None:
        """A misspelt key (max_per_categroy) would otherwise be ignored and its default used."""
        for key in sorted(set(data) - allowed):
            self.fail(f"{field}.{key}" if field else key, "is not a known key (misspelt?)")

    def table(self, data: dict[str, Any], key: str, field: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(field, "must be a table")
            return {}
        return value

    def array(self, data: dict[str, Any], key: str, required: bool = True) -> list[dict[str, Any]]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(key, "is missing: add at least one [[{table}]] entry", table=key)
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be written as [[{table}]] tables", table=key)
            return []
        return value

    def text_field(
        self,
        data: dict[str, Any],
        key: str,
        field: str,
        required: bool = True,
        default: str = "",
        limit: int = MAX_NAME,
        multiline: bool = False,
    ) -> str:
        """Text cleaned as docs/security.md says (`app/domain/text.py`): control characters removed,
        NFC, no line break unless `multiline`; longer than `limit` characters is a problem."""
        value = data.get(key)
        name = f"{field}.{key}" if field else key
        if value is None:
            if required:
                self.fail(name, "is required")
            return default
        if isinstance(value, datetime.date):
            value = value.isoformat()  # `date = 2026-12-12` without quotes is a TOML date
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.fail(name, "must be text")
            return default
        value = clean_block(str(value)) if multiline else clean_line(str(value))
        if required and not value:
            self.fail(name, "must not be empty")
        self.length(name, value, limit)
        return value

    def length(self, name: str, value: str, limit: int) -> None:
        if self.lengths and len(value) > limit:
            self.fail(name, "is longer than {limit} characters ({length})", limit=limit, length=len(value))

    def ident(self, data: dict[str, Any], key: str, field: str) -> str:
        value = self.text_field(data, key, field)
        if value and not _ID_RE.match(value):
            self.fail(f"{field}.{key}", "must be 1-40 letters, digits, '-', '_' or '.'")
        return value

    def number(
        self,
        data: dict[str, Any],
        key: str,
        field: str,
        default: float | None = None,
        minimum: float | None = None,
        positive: bool = False,
    ) -> float:
        value = data.get(key, default)
        name = f"{field}.{key}" if field else key
        if value is None:
            self.fail(name, "is required")
            return 0.0
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(name, "must be a number")
            return 0.0
        if positive and value <= 0:
            self.fail(name, "must be greater than 0")
        elif minimum is not None and value < minimum:
            self.fail(name, "must be at least {minimum}", minimum=f"{minimum:g}")
        return float(value)

    def choice(self, data: dict[str, Any], key: str, field: str, choices: tuple[str, ...], default: str) -> str:
        """A text that must be one of `choices`; the default (after reporting the problem) otherwise."""
        value = self.text_field(data, key, field, required=False, default=default)
        if value not in choices:
            self.fail(f"{field}.{key}", "must be one of {choices}", choices=", ".join(choices))
            return default
        return value

    def integer(self, data: dict[str, Any], key: str, field: str, default: int | None = None, minimum: int = 0) -> int:
        value = self.number(data, key, field, default, minimum=minimum)
        if value != int(value):
            self.fail(f"{field}.{key}" if field else key, "must be a whole number")
        return int(value)

    def names(self, data: dict[str, Any], key: str, field: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            # Allow "张三、李四, 王五" as well as a TOML list: organisers paste names from documents.
            value = [v for v in re.split(r"[,，、;；]\s*", value) if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{field}.{key}", "must be a list of names")
            return ()
        names = tuple(n for n in (clean_line(v) for v in value) if n)
        if self.lengths and len(names) > MAX_NAMES:
            self.fail(f"{field}.{key}", "lists more than {limit} names ({count})", limit=MAX_NAMES, count=len(names))
        for n in names:
            self.length(f"{field}.{key}", n, MAX_NAME)
        return names


def load_event_file(path: str | Path) -> Event:
    path = Path(path)
    try:
        # utf-8-sig: Windows Notepad saves Chinese text with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise EventFileError([_file_problem(N_("{path} does not exist"), path=str(path))]) from exc
    except UnicodeDecodeError as exc:
        raise EventFileError([_file_problem(N_("is not UTF-8 text ({reason})"), reason=exc.reason)]) from exc
    return parse_event(text)


def parse_event(text: str, stored: bool = False) -> Event:
    """The Event in `text`, or EventFileError listing every problem. `stored=True` is for a definition
    a database already holds: an older version may have accepted text longer than today's limits, and
    the event must still open, so its text is cleaned but the length limits are not applied."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        raise EventFileError([_file_problem(N_("is not valid TOML: {error}"), line, error=str(exc))]) from exc
    r = _Reader(text, [], lengths=not stored)
    r.known_keys(data, set(_KEYS), "")

    head = r.table(data, "event", "event")
    r.known_keys(head, _KEYS["event"], "event")
    title = r.text_field(head, "title", "event", limit=MAX_TITLE)
    date = r.text_field(head, "date", "event", required=False, limit=MAX_SHORT)
    language = r.text_field(head, "language", "event", required=False, default="zh", limit=MAX_SHORT)
    if language not in LANGUAGES:
        r.fail("event.language", "must be one of {choices}", choices=", ".join(LANGUAGES))
        language = "zh"

    timing_t = r.table(data, "timing", "timing")
    r.known_keys(timing_t, _KEYS["timing"], "timing")
    timing = Timing(
        presentation_seconds=int(60 * r.number(timing_t, "presentation_minutes", "timing", 8, positive=True)),
        qa_seconds=int(60 * r.number(timing_t, "qa_minutes", "timing", 4, minimum=0)),
        commentary_seconds=int(60 * r.number(timing_t, "commentary_minutes", "timing", 0, minimum=0)),
    )

    scoring_t = r.table(data, "scoring", "scoring")
    r.known_keys(scoring_t, _KEYS["scoring"], "scoring")
    rule = r.choice(scoring_t, "rule", "scoring", AGGREGATION_RULES, "trimmed_mean")
    normalize = r.choice(scoring_t, "normalize", "scoring", NORMALIZATIONS, "none")
    rounding = r.choice(scoring_t, "rounding", "scoring", ROUNDING_MODES, "half_up")
    publish = r.choice(scoring_t, "publish_judge_scores", "scoring", JUDGE_SCORES_PUBLICATIONS, "never")
    scoring = ScoringRules(
        rule=rule,  # type: ignore[arg-type]
        trim=r.integer(scoring_t, "trim", "scoring", 1, minimum=0),
        trim_min_judges=r.integer(scoring_t, "trim_min_judges", "scoring", 5, minimum=1),
        normalize=normalize,  # type: ignore[arg-type]
        min_panel=r.integer(scoring_t, "min_panel", "scoring", 3, minimum=1),
        decimals=_decimals(r, scoring_t),
        rounding=rounding,  # type: ignore[arg-type]
        publish_judge_scores=publish,  # type: ignore[arg-type]
    )

    categories = []
    for i, c in enumerate(r.array(data, "categories")):
        r.known_keys(c, _KEYS["categories"], f"categories[{i}]")
        categories.append(
            Category(id=r.ident(c, "id", f"categories[{i}]"), name=r.text_field(c, "name", f"categories[{i}]"))
        )
    _unique(r, "categories", [c.id for c in categories])

    criteria = []
    for i, c in enumerate(r.array(data, "criteria")):
        r.known_keys(c, _KEYS["criteria"], f"criteria[{i}]")
        f = f"criteria[{i}]"
        criteria.append(
            Criterion(
                id=r.ident(c, "id", f),
                name=r.text_field(c, "name", f),
                max=r.number(c, "max", f, positive=True),
                weight=r.number(c, "weight", f, 1.0, positive=True),
                step=r.number(c, "step", f, 1.0, positive=True),
                description=r.text_field(c, "description", f, required=False, limit=MAX_DESCRIPTION, multiline=True),
            )
        )
    _unique(r, "criteria", [c.id for c in criteria])

    composite_t = r.table(data, "composite", "composite")
    r.known_keys(composite_t, _KEYS["composite"], "composite")
    panel_weight = r.number(composite_t, "panel_weight", "composite", 100.0, positive=True)
    indicators = []
    for i, c in enumerate(r.array(data, "indicators", required=False)):
        r.known_keys(c, _KEYS["indicators"], f"indicators[{i}]")
        f = f"indicators[{i}]"
        indicators.append(
            Indicator(
                id=r.ident(c, "id", f),
                name=r.text_field(c, "name", f),
                weight=r.number(c, "weight", f, positive=True),
                max=r.number(c, "max", f, 100.0, positive=True),
                description=r.text_field(c, "description", f, required=False, limit=MAX_DESCRIPTION, multiline=True),
                from_round=r.text_field(c, "from_round", f, required=False, limit=MAX_NAME),
            )
        )
    _unique(r, "indicators", [c.id for c in indicators])

    judges = []
    for i, c in enumerate(r.array(data, "judges")):
        r.known_keys(c, _KEYS["judges"], f"judges[{i}]")
        f = f"judges[{i}]"
        judges.append(
            Judge(
                id=r.ident(c, "id", f),
                name=r.text_field(c, "name", f),
                title=r.text_field(c, "title", f, required=False),
                affiliation=r.text_field(c, "affiliation", f, required=False),
                portrait=r.text_field(c, "portrait", f, required=False, limit=MAX_TITLE),
            )
        )
    _unique(r, "judges", [j.id for j in judges])

    category_ids = {c.id for c in categories}
    projects = []
    for i, c in enumerate(r.array(data, "projects")):
        r.known_keys(c, _KEYS["projects"], f"projects[{i}]")
        f = f"projects[{i}]"
        category = r.text_field(c, "category", f)
        if category and category not in category_ids:
            r.fail(
                f"{f}.category",
                "'{value}' is not one of the categories ({ids})",
                value=category,
                ids=", ".join(sorted(category_ids)),
            )
        values_t = c.get("indicators", {})
        values: dict[str, float] = {}
        if not isinstance(values_t, dict):
            r.fail(f"{f}.indicators", "must be a table of indicator = value")
            values_t = {}
        for indicator in indicators:
            if indicator.id not in values_t:
                r.fail(f"{f}.indicators", "has no value for '{indicator}'", indicator=indicator.id)
                continue
            value = r.number(values_t, indicator.id, f"{f}.indicators", minimum=0)
            if value > indicator.max:
                r.fail(
                    f"{f}.indicators.{indicator.id}",
                    "{value} is above the maximum of {maximum}",
                    value=f"{value:g}",
                    maximum=f"{indicator.max:g}",
                )
            values[indicator.id] = value
        for extra in sorted(set(values_t) - {ind.id for ind in indicators}):
            r.fail(f"{f}.indicators.{extra}", "is not a declared [[indicators]] id")
        projects.append(
            Project(
                id=r.ident(c, "id", f),
                title=r.text_field(c, "title", f, limit=MAX_TITLE),
                team=r.text_field(c, "team", f),
                leader=r.text_field(c, "leader", f, required=False),
                category=category,
                order=r.integer(c, "order", f, i + 1, minimum=0),
                summary=r.text_field(c, "summary", f, required=False, limit=MAX_SUMMARY, multiline=True),
                members=r.names(c, "members", f),
                volunteers=r.names(c, "volunteers", f),
                indicators=values,
                short_title=_short_name(r, c, "short_title", f),
                short_team=_short_name(r, c, "short_team", f),
                picture=r.text_field(c, "picture", f, required=False, limit=MAX_TITLE),
            )
        )
    _unique(r, "projects", [p.id for p in projects])
    round_info, earlier_results = read_round(r, data, {p.id for p in projects})

    judge_ids, project_ids = {j.id for j in judges}, {p.id for p in projects}
    recusals = []
    for i, c in enumerate(r.array(data, "recusals", required=False)):
        r.known_keys(c, _KEYS["recusals"], f"recusals[{i}]")
        f = f"recusals[{i}]"
        jid, pid = r.text_field(c, "judge", f), r.text_field(c, "project", f)
        if jid and jid not in judge_ids:
            r.fail(f"{f}.judge", "'{value}' is not a judge id", value=jid)
        if pid and pid not in project_ids:
            r.fail(f"{f}.project", "'{value}' is not a project id", value=pid)
        reason = r.text_field(c, "reason", f, required=False, limit=MAX_REASON)
        recusals.append(Recusal(judge=jid, project=pid, reason=reason))

    awards = []
    for i, c in enumerate(r.array(data, "awards", required=False)):
        r.known_keys(c, _KEYS["awards"], f"awards[{i}]")
        f = f"awards[{i}]"
        kind = r.text_field(c, "kind", f)
        if kind and kind not in AWARD_KINDS:
            r.fail(f"{f}.kind", "must be one of {choices}", choices=", ".join(AWARD_KINDS))
        award = AwardRule(
            id=r.ident(c, "id", f),
            name=r.text_field(c, "name", f),
            kind=kind if kind in AWARD_KINDS else "honour_roll",  # type: ignore[arg-type]
            count=r.integer(c, "count", f, 0, minimum=0),
            max_per_category=r.integer(c, "max_per_category", f, 0, minimum=0),
            of=r.text_field(c, "of", f, required=False),
            names=r.names(c, "names", f),
        )
        if kind == "top_projects" and award.count < 1:
            r.fail(f"{f}.count", "must be at least 1 for a top_projects award")
        if kind == "team_leaders" and award.of not in {a.id for a in awards if a.kind == "top_projects"}:
            r.fail(f"{f}.of", "must name an earlier top_projects award")
        awards.append(award)
    _unique(r, "awards", [a.id for a in awards])
    audience = read_audience(r, data)
    for i, award in enumerate(awards):
        if award.kind == "people_choice" and not audience.enabled:
            r.fail(f"awards[{i}].kind", "a people_choice award needs [audience] enabled = true")

    subtitle = r.text_field(head, "subtitle", "event", required=False, limit=MAX_TITLE)
    venue = r.text_field(head, "venue", "event", required=False, limit=MAX_TITLE)
    organizer = r.text_field(head, "organizer", "event", required=False, limit=MAX_TITLE)
    logo = r.text_field(head, "logo", "event", required=False, limit=MAX_TITLE)
    sponsors = r.text_field(head, "sponsors", "event", required=False, limit=MAX_TITLE)
    if r.problems:
        raise EventFileError(r.problems)
    return Event(
        title=title,
        date=date,
        language=language,  # type: ignore[arg-type]
        subtitle=subtitle,
        venue=venue,
        organizer=organizer,
        logo=logo,
        sponsors=sponsors,
        categories=tuple(categories),
        criteria=tuple(criteria),
        judges=tuple(judges),
        projects=tuple(projects),
        panel_weight=panel_weight,
        indicators=tuple(indicators),
        scoring=scoring,
        timing=timing,
        awards=tuple(awards),
        audience=audience,
        recusals=tuple(recusals),
        round=round_info,
        earlier_results=earlier_results,
    )


def _file_problem(template: str, line: int | None = None, /, **params: Any) -> FileProblem:
    """A problem with the file as a whole (it cannot be read), reported alone as the field `file`."""
    return FileProblem("file", line, Message(template, params))


MAX_SHORT_NAME = 20  # characters of a short name (简称); docs/event-file.md, docs/security.md


def _short_name(r: _Reader, data: dict[str, Any], key: str, field: str) -> str:
    value = r.text_field(data, key, field, required=False)
    if len(value) > MAX_SHORT_NAME:
        r.fail(f"{field}.{key}", "must be at most {limit} characters", limit=MAX_SHORT_NAME)
        return value[:MAX_SHORT_NAME]
    return value


def _decimals(r: _Reader, scoring_t: dict[str, Any]) -> int:
    """Results are shown to at most MAX_DECIMALS places (docs/security.md): a larger number is refused."""
    decimals = r.integer(scoring_t, "decimals", "scoring", 2, minimum=0)
    if decimals > MAX_DECIMALS:
        r.fail("scoring.decimals", "must be at most {maximum}", maximum=MAX_DECIMALS)
        return MAX_DECIMALS
    return decimals


def _unique(r: _Reader, array: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value and value in seen:
            r.fail(f"{array}[{i}].id", "'{value}' is used twice", value=value)
        seen.add(value)


class _Lines:
    """Where the tables and keys of an event file are, for `locate`. Built once per file: a workbook
    of 5,000 projects with a problem on each row is located in linear time, not 5,000 scans."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.starts: dict[tuple[str, bool], list[int]] = {}

    def _starts(self, table: str, array: bool) -> list[int]:
        if (table, array) not in self.starts:
            header = re.compile(
                rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]" if array else rf"^\s*\[\s*{re.escape(table)}\s*\]"
            )
            self.starts[(table, array)] = [n for n, line in enumerate(self.lines) if header.match(line)]
        return self.starts[(table, array)]

    def locate(self, field: str) -> int | None:
        """Best-effort line of `field` such as `projects[3].category`: find the 4th `[[projects]]`
        header, then the key below it. tomllib gives no positions for values, so this reads the text."""
        match = re.match(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?", field)
        if not match:
            return None
        table, index, key = match.group(1), match.group(2), match.group(3)
        starts = self._starts(table, index is not None)
        position = int(index) if index is not None else 0
        if position >= len(starts):
            return None
        start = starts[position]
        if key:
            key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for n in range(start + 1, len(self.lines)):
                if self.lines[n].lstrip().startswith("["):
                    break
                if key_re.match(self.lines[n]):
                    return n + 1
        return start + 1
