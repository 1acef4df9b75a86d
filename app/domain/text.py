"""Text as Roadshow accepts it and as it writes it out (docs/security.md, "Uploads and text").

Every text that comes in (event file, setup page, spreadsheet import, a judge's comment, a host's
reason) goes through `clean_line` or `clean_block`: Unicode NFC, line breaks made "\\n", other C0/C1
control characters, lone surrogates and the XML non-characters removed. A single-line field (a name,
a title) takes no line break or tab: each run of them becomes one space. The length limits below are
checked on the cleaned text by the caller, which names the field in its error.

On the way out, `for_export` makes text that is already stored (an old database may hold control
characters) safe for a workbook, and `csv_cell` is the one formula-injection guard of every CSV.
Pure: no imports beyond the standard library.
"""

from __future__ import annotations

import re
import unicodedata

# -- length limits, in characters after cleaning (each documented in docs/security.md)
MAX_TITLE = 200  # the event's title, subtitle, venue, organizer; a project's title
MAX_NAME = 120  # any name: category, criterion, indicator, judge, team, leader, member, award
MAX_SHORT = 40  # a date, a language, a rule name
MAX_DESCRIPTION = 1000  # a criterion's or an indicator's description
MAX_SUMMARY = 2000  # a project's summary
MAX_REASON = 500  # a recusal's or a correction's reason
MAX_COMMENT = 1000  # a judge's comment on a score
MAX_NAMES = 200  # names in one list (a team's members, its volunteers, an award's names)

# Excel, Word and PowerPoint write these for a line break inside a cell or a text box
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 controls but tab and line feed, DEL, C1 controls, lone surrogates, the two XML non-characters
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# bidirectional overrides and isolates: in a name they can make the board show text in another order
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BLANKS = re.compile(r"\s*[\t\n]\s*")  # a break with the spaces around it


def _common(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    # NFC after the surrogates are gone (normalize() would raise on a lone surrogate)
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """A single-line field: NFC, no control characters; line breaks and tabs become one space; no
    bidirectional overrides; surrounding whitespace trimmed."""
    return _BLANKS.sub(" ", _BIDI.sub("", _common(text))).strip()


def clean_block(text: str) -> str:
    """A multi-line field (a comment, a description): NFC, line breaks as "\\n", tabs kept, every other
    control character removed; surrounding whitespace trimmed."""
    return _common(text).strip()


# -- out: workbooks and CSV files
# openpyxl refuses C0 controls in a cell (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE), XML 1.0 refuses
# surrogates and U+FFFE/U+FFFF; DEL and C1 are dropped too, as at input. Tab, CR and LF stay.
_NOT_EXPORTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def for_export(text: str) -> str:
    """Stored text as a workbook can hold it: whatever an old database holds, writing never fails."""
    return _NOT_EXPORTED.sub("", text)


# A spreadsheet runs a cell that starts with one of these as a formula; some skip a leading tab or
# carriage return first. The full-width forms are there because a Chinese input method types them
# and some spreadsheets (WPS) read them as the ASCII sign.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> str:
    """The one formula-injection guard of every CSV export: text that a spreadsheet would run is
    prefixed with ' (shown as text, never run); characters no spreadsheet can hold are dropped."""
    text = "" if value is None else for_export(str(value))
    return "'" + text if looks_like_formula(text) else text
