"""Text at input (app/domain/text.py, used by the event file, the setup page, imports and the judge's
comment) and the one CSV guard at output. docs/security.md, "Uploads and text", lists each limit."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.domain import text
from app.domain.errors import DomainError
from app.domain.scoring import validate_comment
from app.eventfile import EventFileError, parse_event
from app.eventfile_export import dump_toml

# every control character a comment or a name was seen to carry, and the rest of C0/C1
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0E, 0x1F, 0x7F, 0x80, 0x84, 0x86, 0x9F])


def test_a_line_loses_every_control_and_line_break() -> None:
    assert text.clean_line(f"  A{CONTROLS}B\x0bC\r\nD\tE\u2028F  ") == "AB C D E F"
    assert text.clean_line("\x01\x02") == ""


def test_a_block_keeps_line_breaks_and_tabs_only() -> None:
    assert text.clean_block(f"one{CONTROLS}\r\ntwo\rthree\x0bfour\u2029five\tsix") == "one\ntwo\nthree\nfour\nfive\tsix"


def test_text_is_nfc_and_loses_lone_surrogates_and_bidi_overrides() -> None:
    assert text.clean_line("Cafe\u0301") == "Café"
    assert text.clean_line("a\ud800b\ufffe") == "ab"
    assert text.clean_line("abc\u202edef\u2066") == "abcdef"
    assert text.clean_block("emoji 👩\u200d💻") == "emoji 👩\u200d💻"  # a joiner is not a control


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠A1"],
)
def test_the_csv_guard_neutralises_every_formula_start(value: str) -> None:
    assert text.csv_cell(value) == "'" + value


def test_the_csv_guard_leaves_plain_text_and_drops_what_no_spreadsheet_holds() -> None:
    assert text.csv_cell("项目 A") == "项目 A"
    assert text.csv_cell(None) == ""
    assert text.csv_cell("a\x00b\x0bc") == "abc"
    assert text.for_export("a\x01\ud800b\nc\td") == "ab\nc\td"


# ------------------------------------------------------------------------- the event file's fields
BASE: dict[str, Any] = {
    "event": {"title": "T"},
    "categories": [{"id": "c", "name": "C"}],
    "criteria": [{"id": "q", "name": "Q", "max": 10}],
    "indicators": [{"id": "i", "name": "I", "weight": 10}],
    "judges": [{"id": "j", "name": "J"}],
    "projects": [{"id": "p", "title": "P", "team": "T", "category": "c", "indicators": {"i": 1}}],
    "awards": [{"id": "a", "name": "A", "kind": "honour_roll", "names": ["x"]}],
    "recusals": [{"judge": "j", "project": "p"}],
}

# (path to the field, its limit): every text field of an event file
FIELDS = [
    (("event", "title"), text.MAX_TITLE),
    (("event", "subtitle"), text.MAX_TITLE),
    (("event", "venue"), text.MAX_TITLE),
    (("event", "organizer"), text.MAX_TITLE),
    (("event", "date"), text.MAX_SHORT),
    (("categories", 0, "name"), text.MAX_NAME),
    (("criteria", 0, "name"), text.MAX_NAME),
    (("criteria", 0, "description"), text.MAX_DESCRIPTION),
    (("indicators", 0, "name"), text.MAX_NAME),
    (("indicators", 0, "description"), text.MAX_DESCRIPTION),
    (("judges", 0, "name"), text.MAX_NAME),
    (("judges", 0, "title"), text.MAX_NAME),
    (("projects", 0, "title"), text.MAX_TITLE),
    (("projects", 0, "team"), text.MAX_NAME),
    (("projects", 0, "leader"), text.MAX_NAME),
    (("projects", 0, "summary"), text.MAX_SUMMARY),
    (("awards", 0, "name"), text.MAX_NAME),
    (("recusals", 0, "reason"), text.MAX_REASON),
]


def with_value(path: tuple[Any, ...], value: Any) -> str:
    data = copy.deepcopy(BASE)
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return dump_toml(data)


def field_name(path: tuple[Any, ...]) -> str:
    return f"{path[0]}[{path[1]}].{path[2]}" if len(path) == 3 else f"{path[0]}.{path[1]}"


@pytest.mark.parametrize(("path", "limit"), FIELDS, ids=[field_name(p) for p, _ in FIELDS])
def test_every_text_field_takes_its_limit_and_no_more(path: tuple[Any, ...], limit: int) -> None:
    parse_event(with_value(path, "长" * limit))  # at the limit: accepted
    with pytest.raises(EventFileError) as caught:
        parse_event(with_value(path, "长" * (limit + 1)))
    assert (field_name(path), f"is longer than {limit} characters ({limit + 1})") in [
        (f, m) for f, _, m in caught.value.problems
    ]
    zh = caught.value.report("zh")
    assert str(limit) in zh and "longer" not in zh  # translated, naming the limit


def test_a_nine_hundred_kilobyte_title_is_refused() -> None:
    with pytest.raises(EventFileError):
        parse_event(with_value(("event", "title"), "x" * 900_000))


def test_names_in_a_list_have_a_length_and_a_count_limit() -> None:
    parse_event(with_value(("awards", 0, "names"), ["n" * text.MAX_NAME] * text.MAX_NAMES))
    with pytest.raises(EventFileError, match="longer than 120"):
        parse_event(with_value(("awards", 0, "names"), ["n" * (text.MAX_NAME + 1)]))
    with pytest.raises(EventFileError, match="more than 200 names"):
        parse_event(with_value(("projects", 0, "members"), ["n"] * (text.MAX_NAMES + 1)))


def test_controls_are_removed_and_single_line_fields_take_no_line_break() -> None:
    source = with_value(("projects", 0, "title"), "Green\x0b\x01 roofs\nfor all\x00")
    event = parse_event(source)
    assert event.projects[0].title == "Green roofs for all"
    data = copy.deepcopy(BASE)
    data["projects"][0]["summary"] = "line one\x0bline two\x85three\x9f"
    data["projects"][0]["members"] = ["张三\x01", "\x02", "李四\r\n"]
    event = parse_event(dump_toml(data))
    assert event.projects[0].summary == "line one\nline two\nthree"
    assert event.projects[0].members == ("张三", "李四")


# --------------------------------------------------------------------------- the judge's comment
def test_a_comment_is_cleaned_and_limited_after_cleaning() -> None:
    assert validate_comment("good\x00\x0b pitch\r\n") == "good\n pitch"
    assert validate_comment("好" * text.MAX_COMMENT + "\x01\x02") == "好" * text.MAX_COMMENT
    with pytest.raises(DomainError) as caught:
        validate_comment("好" * (text.MAX_COMMENT + 1))
    assert caught.value.code == "comment_too_long"


def test_a_stored_definition_past_todays_limits_still_opens() -> None:
    """An older version accepted any length: a database holding such an event must still start (and
    its text is cleaned), while a new or edited definition is held to the limits."""
    source = with_value(("event", "title"), "T\x01" * 150_000)
    assert parse_event(source, stored=True).title == "T" * 150_000
    with pytest.raises(EventFileError, match="longer than 200"):
        parse_event(source)


def test_text_from_the_setup_page_is_cleaned_through_the_event_file() -> None:
    """The setup page's JSON becomes TOML (dump_toml escapes every control) and then parse_event."""
    from app.routes.setup import definition_to_toml

    data = copy.deepcopy(BASE)
    data["event"]["title"] = "A\x01\x0b\x7f\x85B\u202e"
    data["projects"][0]["summary"] = "one\r\ntwo\x00"
    event = parse_event(definition_to_toml(data))
    assert (event.title, event.projects[0].summary) == ("A B", "one\ntwo")
