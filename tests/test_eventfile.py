"""Unit tests for app/eventfile.py: parse_event on valid and malformed TOML.

Malformed files are made by replacing ONE line of the valid file with another line, so the line
numbers below (counted by hand, and pinned by test_fixture_line_numbers) stay valid.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import read_po

from app.domain.models import (
    AwardRule,
    Category,
    Criterion,
    Indicator,
    Judge,
    Recusal,
    ScoringRules,
    Timing,
)
from app.eventfile import EventFileError, load_event_file, parse_event
from app.i18n import Message

VALID = """\
[event]
title = "Spring Roadshow"
date = "2025-04-12"
language = "en"
venue = "Hall A"

[timing]
presentation_minutes = 6
qa_minutes = 3.5

[scoring]
rule = "median"
trim = 1
trim_min_judges = 4
normalize = "zscore"
min_panel = 2
decimals = 1

[composite]
panel_weight = 70

[[categories]]
id = "env"
name = "Environment"

[[categories]]
id = "edu"
name = "Education"

[[criteria]]
id = "idea"
name = "Idea"
max = 30
weight = 2
step = 0.5

[[criteria]]
id = "impact"
name = "Impact"
max = 40

[[indicators]]
id = "sat"
name = "Satisfaction"
weight = 30
max = 10

[[judges]]
id = "j1"
name = "Judge One"
title = "Professor"

[[judges]]
id = "j2"
name = "Judge Two"

[[projects]]
id = "p1"
title = "Clean River"
team = "River Team"
leader = "Ann"
category = "env"
order = 5
members = ["Ann", "Bob"]
volunteers = "张三、李四, 王五"
indicators = { sat = 8.5 }

[[projects]]
id = "p2"
title = "Reading Corner"
team = "Books"
category = "edu"
indicators = { sat = 10 }

[[recusals]]
judge = "j2"
project = "p1"
reason = "Advisor"

[[awards]]
id = "top"
name = "Top"
kind = "top_projects"
count = 1
max_per_category = 1

[[awards]]
id = "leaders"
name = "Leaders"
kind = "team_leaders"
of = "top"

[[awards]]
id = "roll"
name = "Volunteers"
kind = "honour_roll"
"""

MINIMAL = """\
[event]
title = "Mini"

[[categories]]
id = "c"
name = "C"

[[criteria]]
id = "q"
name = "Quality"
max = 10

[[judges]]
id = "j"
name = "J"

[[projects]]
id = "p"
title = "P"
team = "T"
category = "c"
"""


def mutate(line_no: int, new: str, text: str = VALID) -> str:
    """Replace line `line_no` (1-based) with `new`, keeping every other line where it was."""
    lines = text.split("\n")
    lines[line_no - 1] = new
    return "\n".join(lines)


def problems_of(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(EventFileError) as info:
        parse_event(text)
    assert isinstance(info.value, ValueError)
    return info.value.problems


# --------------------------------------------------------------------------- the fixture


@pytest.mark.parametrize(
    ("line_no", "content"),
    [
        (1, "[event]"),
        (2, 'title = "Spring Roadshow"'),
        (4, 'language = "en"'),
        (48, "[[judges]]"),
        (12, 'rule = "median"'),
        (13, "trim = 1"),
        (40, "max = 40"),
        (45, "weight = 30"),
        (54, 'id = "j2"'),
        (57, "[[projects]]"),
        (58, 'id = "p1"'),
        (64, 'members = ["Ann", "Bob"]'),
        (65, 'volunteers = "张三、李四, 王五"'),
        (66, "indicators = { sat = 8.5 }"),
        (68, "[[projects]]"),
        (69, 'id = "p2"'),
        (71, 'team = "Books"'),
        (72, 'category = "edu"'),
        (73, "indicators = { sat = 10 }"),
        (76, 'judge = "j2"'),
        (84, "count = 1"),
        (85, "max_per_category = 1"),
        (87, "[[awards]]"),
        (91, 'of = "top"'),
    ],
)
def test_fixture_line_numbers(line_no, content):
    # pins the hand-counted line numbers used below
    assert VALID.split("\n")[line_no - 1] == content


# --------------------------------------------------------------------------- valid files


def test_parse_valid_event():
    event = parse_event(VALID)
    assert (event.title, event.date, event.language, event.venue) == ("Spring Roadshow", "2025-04-12", "en", "Hall A")
    assert (event.subtitle, event.organizer) == ("", "")
    # 6 min -> 360 s; 3.5 min -> 210 s
    assert event.timing == Timing(presentation_seconds=360, qa_seconds=210)
    assert event.scoring == ScoringRules(
        rule="median", trim=1, trim_min_judges=4, normalize="zscore", min_panel=2, decimals=1
    )
    assert event.panel_weight == 70.0
    assert event.categories == (Category("env", "Environment"), Category("edu", "Education"))
    assert event.criteria == (
        Criterion("idea", "Idea", max=30.0, weight=2.0, step=0.5),
        Criterion("impact", "Impact", max=40.0, weight=1.0, step=1.0),  # defaults weight 1, step 1
    )
    assert event.indicators == (Indicator("sat", "Satisfaction", weight=30.0, max=10.0),)
    assert event.judges == (Judge("j1", "Judge One", "Professor"), Judge("j2", "Judge Two", ""))
    p1, p2 = event.projects
    assert (p1.id, p1.title, p1.team, p1.leader, p1.category, p1.order) == (
        "p1",
        "Clean River",
        "River Team",
        "Ann",
        "env",
        5,
    )
    assert p1.members == ("Ann", "Bob")
    # a pasted string is split on 、 and ,
    assert p1.volunteers == ("张三", "李四", "王五")
    assert p1.indicators == {"sat": 8.5}
    # p2: no leader, no order (defaults to its position, 2), no members
    assert (p2.leader, p2.order, p2.members, p2.volunteers, p2.indicators) == ("", 2, (), (), {"sat": 10.0})
    assert event.default_order() == ["p2", "p1"]  # order 2 before order 5
    assert event.recusals == (Recusal("j2", "p1", "Advisor"),)
    assert event.awards == (
        AwardRule("top", "Top", "top_projects", count=1, max_per_category=1),
        AwardRule("leaders", "Leaders", "team_leaders", of="top"),
        AwardRule("roll", "Volunteers", "honour_roll"),
    )
    # panel_max = 30*2 + 40*1 = 100; composite weights 70 + 30 = 100
    assert event.panel_max == 100
    assert event.composite_weight_total == 100


def test_parse_minimal_event_uses_defaults():
    event = parse_event(MINIMAL)
    assert event.language == "zh"
    assert event.date == ""
    assert event.timing == Timing(presentation_seconds=480, qa_seconds=240)  # 8 and 4 minutes
    assert event.scoring == ScoringRules()
    assert event.panel_weight == 100.0
    assert event.indicators == ()
    assert event.recusals == ()
    assert event.awards == ()
    assert event.projects[0].order == 1


@pytest.mark.parametrize(
    ("line_no", "line", "field", "expected"),
    [
        # line 64 is p1's members line, 65 its volunteers line
        (64, 'members = ["  Ann ", "", "Bob"]', "members", ("Ann", "Bob")),  # stripped, empty dropped
        (64, 'members = "甲，乙；丙;丁"', "members", ("甲", "乙", "丙", "丁")),  # full-width separators
        (65, 'volunteers = ""', "volunteers", ()),
        (65, 'volunteers = ["Li", "Li"]', "volunteers", ("Li", "Li")),  # kept as written; awards dedupe
    ],
)
def test_names_lists(line_no, line, field, expected):
    event = parse_event(mutate(line_no, line))
    assert getattr(event.projects[0], field) == expected


def test_unquoted_toml_date_and_numeric_ids():
    text = mutate(3, "date = 2025-04-12")
    text = mutate(58, "id = 7", text)  # p1's id written as a number
    text = mutate(77, 'project = "7"', text)  # the recusal follows
    event = parse_event(text)
    assert event.date == "2025-04-12"
    assert event.projects[0].id == "7"
    assert event.recusals[0].project == "7"


def test_byte_order_mark_is_ignored(tmp_path):
    assert parse_event("\ufeff" + MINIMAL).title == "Mini"
    path = tmp_path / "event.toml"
    path.write_bytes(MINIMAL.encode("utf-8-sig"))
    assert load_event_file(path).title == "Mini"


def test_load_event_file_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'[event]\ntitle = "\xff\xfe"\n')
    with pytest.raises(EventFileError) as info:
        load_event_file(bad)
    [(field, line, message)] = info.value.problems
    assert (field, line) == ("file", None)
    assert "UTF-8" in message
    with pytest.raises(EventFileError) as info:
        load_event_file(tmp_path / "missing.toml")
    assert info.value.problems[0][:2] == ("file", None)
    assert "does not exist" in info.value.problems[0][2]


# --------------------------------------------------------------------------- malformed files


@pytest.mark.parametrize(
    ("line_no", "bad_line", "expected_line"),
    [
        (45, "weight = = 30", 45),
        (2, 'title = "unterminated', 2),
        (13, "trim = 1\ntrim = 2", 14),  # a key written twice: the error is on the second one
        (96, 'kind = "honour_roll"\n[event', 97),
    ],
)
def test_invalid_toml_reports_the_line(line_no, bad_line, expected_line):
    [(field, line, message)] = problems_of(mutate(line_no, bad_line))
    assert field == "file"
    assert line == expected_line
    assert message.startswith("is not valid TOML")


# (line to replace, replacement, expected problem field, expected line, text in the message)
MALFORMED = [
    # ---- missing required fields: the line is the table header when the key is absent
    (2, "# no title", "event.title", 1, "is required"),
    (2, 'title = "   "', "event.title", 2, "must not be empty"),
    (71, "# no team", "projects[1].team", 68, "is required"),
    (40, "# no max", "criteria[1].max", 37, "is required"),
    (45, "# no weight", "indicators[0].weight", 42, "is required"),
    (76, "# no judge", "recusals[0].judge", 75, "is required"),
    (83, "# no kind", "awards[0].kind", 80, "is required"),
    # ---- references
    (72, 'category = "sports"', "projects[1].category", 72, "'sports' is not one of the categories (edu, env)"),
    (76, 'judge = "j9"', "recusals[0].judge", 76, "'j9' is not a judge id"),
    (77, 'project = "p9"', "recusals[0].project", 77, "'p9' is not a project id"),
    # ---- duplicate ids: the second one is reported
    (69, 'id = "p1"', "projects[1].id", 69, "'p1' is used twice"),
    (27, 'id = "env"', "categories[1].id", 27, "'env' is used twice"),
    (38, 'id = "idea"', "criteria[1].id", 38, "'idea' is used twice"),
    # ---- bad ids
    (58, 'id = "p 1"', "projects[0].id", 58, "must be 1-40 letters"),
    # ---- indicator values
    (66, "indicators = { sat = 12 }", "projects[0].indicators.sat", 66, "12 is above the maximum of 10"),
    (66, "indicators = { sat = 10.5 }", "projects[0].indicators.sat", 66, "10.5 is above the maximum of 10"),
    (73, "indicators = { sat = -1 }", "projects[1].indicators.sat", 73, "must be at least 0"),
    (73, 'indicators = { sat = "high" }', "projects[1].indicators.sat", 73, "must be a number"),
    (73, "indicators = {}", "projects[1].indicators", 73, "has no value for 'sat'"),
    (73, "# no indicators", "projects[1].indicators", 68, "has no value for 'sat'"),
    (73, 'indicators = "sat=10"', "projects[1].indicators", 73, "must be a table of indicator = value"),
    (
        73,
        "indicators = { sat = 10, fun = 3 }",
        "projects[1].indicators.fun",
        73,
        "is not a declared [[indicators]] id",
    ),
    # ---- scoring
    (12, 'rule = "max"', "scoring.rule", 12, "must be one of mean, trimmed_mean, median"),
    (15, 'normalize = "minmax"', "scoring.normalize", 15, "must be one of none, zscore"),
    (13, "trim = 1.5", "scoring.trim", 13, "must be a whole number"),
    (13, "trim = -1", "scoring.trim", 13, "must be at least 0"),
    (16, "min_panel = 0", "scoring.min_panel", 16, "must be at least 1"),
    (16, 'min_panel = "3"', "scoring.min_panel", 16, "must be a number"),
    (16, "min_panel = true", "scoring.min_panel", 16, "must be a number"),
    (16, "min_panel = inf", "scoring.min_panel", 16, "must be a number"),
    # ---- numbers elsewhere
    (8, "presentation_minutes = 0", "timing.presentation_minutes", 8, "must be greater than 0"),
    (35, "step = 0", "criteria[0].step", 35, "must be greater than 0"),
    (20, "panel_weight = -5", "composite.panel_weight", 20, "must be greater than 0"),
    (4, 'language = "fr"', "event.language", 4, "must be one of zh, en"),
    # ---- awards
    (91, 'of = "nope"', "awards[1].of", 91, "must name an earlier top_projects award"),
    (91, 'of = "roll"', "awards[1].of", 91, "must name an earlier top_projects award"),  # later, and a roll
    (91, 'of = "leaders"', "awards[1].of", 91, "must name an earlier top_projects award"),  # itself
    (91, "# no of", "awards[1].of", 87, "must name an earlier top_projects award"),
    (84, "count = 0", "awards[0].count", 84, "must be at least 1 for a top_projects award"),
    (90, 'kind = "best_pitch"', "awards[1].kind", 90, "must be one of top_projects, team_leaders, honour_roll"),
    # ---- misspelt keys are reported instead of silently ignored
    (85, "max_per_categroy = 1", "awards[0].max_per_categroy", 85, "is not a known key"),
    (63, "ordre = 5", "projects[0].ordre", 63, "is not a known key"),
]


@pytest.mark.parametrize(("line_no", "bad_line", "field", "line", "message"), MALFORMED)
def test_malformed_file(line_no, bad_line, field, line, message):
    problems = problems_of(mutate(line_no, bad_line))
    matching = [p for p in problems if p[0] == field]
    assert matching, f"no problem for {field} in {problems}"
    _, got_line, got_message = matching[0]
    assert got_line == line
    assert message in got_message


@pytest.mark.parametrize(
    ("line_no", "bad_line", "problems"),
    [
        # exactly one problem: nothing else in the file is affected
        (72, 'category = "sports"', [("projects[1].category", 72)]),
        (69, 'id = "p1"', [("projects[1].id", 69)]),
        (66, "indicators = { sat = 12 }", [("projects[0].indicators.sat", 66)]),
        (12, 'rule = "max"', [("scoring.rule", 12)]),
        (91, 'of = "nope"', [("awards[1].of", 91)]),
        # renaming judge j2 to j1: the duplicate, and the recusal of j2 that no longer exists
        (54, 'id = "j1"', [("judges[1].id", 54), ("recusals[0].judge", 76)]),
        # a bad project id also breaks the recusal that names p1
        (58, 'id = "p 1"', [("projects[0].id", 58), ("recusals[0].project", 77)]),
    ],
)
def test_problem_lists_are_exact(line_no, bad_line, problems):
    assert [(f, n) for f, n, _ in problems_of(mutate(line_no, bad_line))] == problems


def test_every_problem_is_collected_in_one_go():
    text = mutate(12, 'rule = "max"')
    text = mutate(72, 'category = "sports"', text)
    text = mutate(66, "indicators = { sat = 12 }", text)
    text = mutate(91, 'of = "nope"', text)
    with pytest.raises(EventFileError) as info:
        parse_event(text)
    fields = [(f, n) for f, n, _ in info.value.problems]
    # in the order the parser reads the file: scoring, projects, awards
    assert fields == [
        ("scoring.rule", 12),
        ("projects[0].indicators.sat", 66),
        ("projects[1].category", 72),
        ("awards[1].of", 91),
    ]
    text_message = str(info.value)
    assert text_message.startswith("Invalid event file:")
    assert "projects[1].category (line 72): 'sports' is not one of the categories" in text_message
    assert "scoring.rule (line 12)" in text_message


def test_missing_required_arrays():
    # drop both [[categories]] tables (lines 22-28) and the judges (48-55)
    lines = VALID.split("\n")
    for n in [*range(22, 29), *range(48, 56)]:
        lines[n - 1] = "# removed"
    text = "\n".join(lines)
    problems = problems_of(text)
    assert ("categories", None, "is missing: add at least one [[categories]] entry") in problems
    assert ("judges", None, "is missing: add at least one [[judges]] entry") in problems
    # with no categories, both projects' categories are unknown
    assert [p[:2] for p in problems if p[0].endswith(".category")] == [
        ("projects[0].category", 62),
        ("projects[1].category", 72),
    ]
    message = next(m for f, _, m in problems if f == "projects[0].category")
    assert "'env' is not one of the categories ()" in message


def test_array_written_as_a_plain_table():
    text = re.sub(r"(?m)^\[\[judges\]\]$", "[judges]", VALID, count=1)
    text = re.sub(r"(?m)^\[\[judges\]\]\nid = \"j2\"\nname = \"Judge Two\"$", "", text)
    # [judges] on line 48 is a table, not an array of tables; the recusal of j2 then fails too
    assert problems_of(text) == [
        ("judges", 48, "must be written as [[judges]] tables"),
        ("recusals[0].judge", 74, "'j2' is not a judge id"),  # 76 - the 2 removed lines
    ]


def test_empty_file():
    problems = problems_of("")
    fields = [p[0] for p in problems]
    assert fields == ["event.title", "categories", "criteria", "judges", "projects"]
    assert all(line is None for _, line, _ in problems)  # nothing in the file to point at


@pytest.mark.parametrize("of", ["leaders", "roll"])
def test_team_leaders_of_an_earlier_award_that_is_not_top_projects(of):
    # appended after line 96: 97 blank, 98 [[awards]], 99 id, 100 name, 101 kind, 102 of
    text = VALID + '\n[[awards]]\nid = "leaders2"\nname = "Leaders again"\nkind = "team_leaders"\nof = "' + of + '"\n'
    assert problems_of(text) == [("awards[3].of", 102, "must name an earlier top_projects award")]


# ------------------------------------------------------------------------------ translated problems
ROOT = Path(__file__).resolve().parent.parent
ZH_CATALOG = ROOT / "app" / "locale" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
# every module whose problems the setup area and `roadshow check|import` show
PROBLEM_MODULES = [
    ROOT / "app" / "eventfile.py",
    *sorted((ROOT / "app" / "spreadsheets").glob("*.py")),
    ROOT / "app" / "cli_documents.py",
]


def zh_catalog() -> dict[str, str]:
    with ZH_CATALOG.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id and isinstance(m.id, str)}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def extracted_templates() -> set[str]:
    """What scripts/i18n.sh extracts from the problem modules, with the script's own keywords."""
    script = (ROOT / "scripts" / "i18n.sh").read_text(encoding="utf-8")
    keywords = parse_keywords(re.findall(r"-k (\S+)", script))
    found = set()
    for path in PROBLEM_MODULES:
        with path.open("rb") as fh:
            for _line, message, _comments, _context in extract("python", fh, keywords=keywords):
                found.add(message)
    return found


def templates_of(message: Message) -> list[str]:
    """The templates a problem is made of (a Message may carry another as a parameter)."""
    nested = [t for value in message.params.values() if isinstance(value, Message) for t in templates_of(value)]
    return [message.template, *nested]


def test_every_problem_template_has_a_chinese_translation():
    templates = extracted_templates()
    # the keywords reach every kind of call: r.fail(...), reader.problem(...), N_(...)
    assert {
        "must be one of {choices}",
        "'{value}' is used twice",
        "{value} is above the maximum of {maximum}",
        "the workbook has no sheet '{sheet}'",
        "'{key}' is set twice (also row {row})",
        "has no rows: add at least one",
        "{message} (first in row {row})",
        "is not valid TOML: {error}",
    } <= templates
    catalog = zh_catalog()
    untranslated = sorted(t for t in templates if not catalog.get(t))
    assert untranslated == []
    # a translation fills exactly the placeholders of its English template
    mismatched = {t: catalog[t] for t in templates if placeholders(catalog[t]) != placeholders(t)}
    assert mismatched == {}


def test_every_problem_raised_uses_a_translated_template():
    """Built at run time, a template could escape the extraction (an f-string): every problem the
    malformed files above produce must come from the catalog."""
    catalog = zh_catalog()
    texts = [mutate(line_no, bad) for line_no, bad, *_ in MALFORMED] + [
        "",
        "title = ",
        VALID.replace("[[judges]]", "[judges]", 1),
    ]
    seen = set()
    for text in texts:
        with pytest.raises(EventFileError) as info:
            parse_event(text)
        for problem in info.value.details:
            for template in templates_of(problem.message):
                seen.add(template)
                assert catalog.get(template), template
    assert len(seen) >= 20  # most of the kinds of problem


def test_problems_are_translated_with_their_values_kept():
    text = mutate(72, 'category = "sports"')
    text = mutate(12, 'rule = "max"', text)
    text = mutate(66, "indicators = { sat = 12 }", text)
    text = mutate(69, 'id = "p1"', text)
    with pytest.raises(EventFileError) as info:
        parse_event(text)
    exc = info.value
    zh = {field: message for field, _, message in exc.translated("zh")}
    assert zh["projects[1].category"] == "“sports”不是已有的类别（edu, env）"
    assert zh["scoring.rule"] == "须为以下之一：mean, trimmed_mean, median"
    assert zh["projects[0].indicators.sat"] == "12 超过了上限 10"
    assert zh["projects[1].id"] == "“p1”重复使用"
    en = {field: message for field, _, message in exc.translated("en")}
    assert en["projects[1].category"] == "'sports' is not one of the categories (edu, env)"
    assert en == {field: message for field, _, message in exc.problems}  # .problems stays English
    # the whole report, in either language; str() is English (logs, `roadshow check`)
    assert str(exc) == exc.report("en")
    assert "projects[1].category (line 72): 'sports' is not one of the categories (edu, env)" in str(exc)
    report = exc.report("zh")
    assert report.startswith("活动文件有误：")
    assert "projects[1].category（第 72 行）：“sports”不是已有的类别（edu, env）" in report
    assert "is not" not in report


def test_a_value_that_looks_like_a_placeholder_is_shown_as_it_is():
    text = mutate(72, 'category = "{ids} {0} {value!r}"')
    with pytest.raises(EventFileError) as info:
        parse_event(text)
    [(field, _, message)] = info.value.translated("zh")
    assert field == "projects[1].category"
    assert message == "“{ids} {0} {value!r}”不是已有的类别（edu, env）"


def test_file_level_problems_are_translated(tmp_path):
    with pytest.raises(EventFileError) as info:
        load_event_file(tmp_path / "nowhere.toml")
    [(field, line, message)] = info.value.translated("zh")
    assert (field, line) == ("file", None) and message == f"{tmp_path / 'nowhere.toml'} 不存在"
    with pytest.raises(EventFileError) as info:
        parse_event('[event]\ntitle = "unclosed\n')
    [(field, line, message)] = info.value.translated("zh")
    assert (field, line) == ("file", 2) and message.startswith("不是有效的 TOML：")


@pytest.mark.parametrize(
    ("line", "title", "team"),
    [
        ('short_title = "屋顶花园"', "屋顶花园", ""),
        ('short_team = "  绿色屋顶队 "', "", "绿色屋顶队"),  # stripped like every text
        (f'short_title = "{"长" * 20}"', "长" * 20, ""),  # at the limit
    ],
)
def test_short_names_are_optional(line, title, team):
    from app.eventfile_export import event_to_toml

    event = parse_event(mutate(64, line))  # line 64: p1's members line
    assert (event.projects[0].short_title, event.projects[0].short_team) == (title, team)
    assert parse_event(event_to_toml(event)).projects[0] == event.projects[0]  # written back unchanged
    assert parse_event(MINIMAL).projects[0].short_title == ""


@pytest.mark.parametrize("key", ["short_title", "short_team"])
def test_a_short_name_over_20_characters_is_refused(key):
    with pytest.raises(EventFileError) as info:
        parse_event(mutate(64, f'{key} = "{"长" * 21}"'))
    assert [(field, message) for field, _, message in info.value.problems] == [
        (f"projects[0].{key}", "must be at most 20 characters")
    ]
