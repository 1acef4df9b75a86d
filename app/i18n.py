"""Translations: Babel catalogs (app/locale/<locale>/LC_MESSAGES/messages.po) compiled in memory.

Source strings are English; `zh_Hans` holds Simplified Chinese. The .po files are read at start-up and
compiled in memory, so there is no build step and no binary file in the repository. Update them with
`scripts/i18n.sh` (pybabel extract + update).
"""

from __future__ import annotations

import contextlib
import gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_CATALOG_FOR = {"zh": "zh_Hans", "en": "en"}
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def N_(message: str) -> str:
    """Marks a string for extraction without translating it yet (translated where it is shown)."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    catalog_dir = _CATALOG_FOR.get(language)
    if catalog_dir is None:
        return gettext.NullTranslations()
    po = resources.files("app") / "locale" / catalog_dir / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=catalog_dir)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def normalize_language(value: str | None) -> str | None:
    """Map a browser or user language tag to one we have. Babel has no alias for `zh`, and browsers
    send zh-CN / zh-Hans-CN / zh-SG: all of them mean Simplified Chinese here."""
    if not value:
        return None
    tag = value.strip().replace("_", "-").lower()
    if tag == "zh" or tag.startswith(("zh-cn", "zh-hans", "zh-sg")):
        return "zh"
    if tag.startswith("zh"):
        return "zh"  # Traditional locales still read Simplified better than English
    if tag.startswith("en"):
        return "en"
    return None


def from_accept_language(header: str | None) -> str | None:
    if not header:
        return None
    weighted: list[tuple[float, str]] = []
    for part in header.split(","):
        pieces = part.strip().split(";q=")
        try:
            q = float(pieces[1]) if len(pieces) > 1 else 1.0
        except ValueError:
            q = 0.0
        weighted.append((q, pieces[0]))
    for _, tag in sorted(weighted, key=lambda x: -x[0]):
        lang = normalize_language(tag)
        if lang:
            return lang
    return None


def gettext_for(language: str):
    return translations(language).gettext


def ngettext_for(language: str):
    return translations(language).ngettext


def translate_error(language: str, error: dict[str, Any]) -> dict[str, Any]:
    """Translate a DomainError/ProtocolError dict's message into the connection's language."""
    template = error.get("template") or error.get("message", "")
    params = error.get("params") or {}
    text = gettext_for(language)(template)
    try:
        message = text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        message = text
    return {"code": error.get("code", "internal"), "message": message, "params": params}


@dataclass(frozen=True, slots=True, eq=True)
class Message:
    """A user-facing message that is translated where it is shown: an English `template` with named
    `{placeholders}` (the catalog's msgid) and the `params` that fill them. Params are shown as they
    are (values quoted from the user's file, ids, numbers already formatted), except a param that is
    itself a Message, which is translated in the same language. `str()` is the English text.

    The event file and the spreadsheet import report their problems this way (app/eventfile.py,
    app/spreadsheets/reader.py); the templates are extracted by scripts/i18n.sh."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def verbatim(cls, text: str) -> Message:
        """Text that is not translated (e.g. an exception's own message)."""
        return cls("{text}", {"text": text})

    def translate(self, language: str = "en") -> str:
        params = {k: v.translate(language) if isinstance(v, Message) else v for k, v in self.params.items()}
        # English is the source text: no catalog needed (the CLI and logs stay cheap)
        text = self.template if language == "en" else gettext_for(language)(self.template)
        if not params:
            return text
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):  # a broken translation: fall back to English
            return self.template.format(**params)

    def __str__(self) -> str:
        return self.translate("en")


# Strings used by the JavaScript pages. The template hands them over translated, as JSON.
JS_STRINGS: dict[str, str] = {
    "connecting": N_("Connecting…"),
    "online": N_("Connected"),
    "offline": N_("Offline — your work is kept on this phone and will be sent when the connection returns."),
    "reconnecting": N_("Reconnecting…"),
    "saving": N_("Saving…"),
    "saved": N_("Saved — your score is safe"),
    "not_saved": N_("Not saved yet"),
    "submit": N_("Submit score"),
    "amend": N_("Submit amended score"),
    "review": N_("Review"),
    "edit": N_("Edit"),
    "confirm_submit": N_("Confirm and submit"),
    "total": N_("Total"),
    "comment": N_("Comment (optional)"),
    "scoring_open": N_("Scoring is open"),
    "scoring_closed": N_("Scoring is closed"),
    "scoring_not_open": N_("Scoring has not opened yet"),
    "waiting": N_("Waiting for the next project"),
    "recused": N_("You are recused from this project"),
    "my_scores": N_("My scores"),
    "no_scores": N_("No scores yet"),
    "presentation": N_("Presentation"),
    "qa": N_("Q&A"),
    "overtime": N_("Overtime"),
    "time_left": N_("Time left"),
    "time_up_soon": N_("Less than a minute"),
    "paused": N_("Paused"),
    "running": N_("Running"),
    "judges_scored": N_("judges have scored"),
    "panel_score": N_("Panel score"),
    "composite": N_("Composite"),
    "rank": N_("Rank"),
    "tied": N_("tied"),
    "leaderboard": N_("Leaderboard"),
    "overall": N_("Overall"),
    "now_presenting": N_("Now presenting"),
    "next_up": N_("Next"),
    "welcome": N_("Welcome"),
    "follow_along": N_("Follow the results live on your phone"),
    "ceremony": N_("Award ceremony"),
    "honour_roll": N_("Honour roll"),
    "connected": N_("connected"),
    "disconnected": N_("not connected"),
    "scoring": N_("scoring"),
    "submitted": N_("submitted"),
    "waiting_judge": N_("waiting"),
    "start": N_("Start"),
    "pause": N_("Pause"),
    "reset": N_("Reset"),
    "open_scoring": N_("Open scoring"),
    "close_scoring": N_("Close scoring"),
    "reveal": N_("Reveal result"),
    "recuse": N_("Recuse"),
    "unrecuse": N_("Lift recusal"),
    "confirm_close": N_("Close scoring for this project? Judges will no longer be able to amend."),
    "confirm_reveal": N_("Reveal this result on the projector?"),
    "confirm_ceremony": N_("Start the award ceremony? The awards are decided from the current standings."),
    "confirm_recuse": N_("Recuse this judge from this project? Their score will not count."),
    "error": N_("Error"),
    "flag_insufficient_panel": N_("Fewer judges than the minimum panel"),
    "flag_no_scores": N_("No scores"),
    "dropped": N_("dropped"),
    "counted": N_("counted"),
    "status_pending": N_("Waiting"),
    "status_presenting": N_("Presenting"),
    "status_scoring": N_("Scoring"),
    "status_closed": N_("Closed"),
    "status_revealed": N_("Revealed"),
    "points": N_("pts"),
    "max": N_("max"),
    "reason_prompt": N_("Reason (required):"),
    "scene_welcome": N_("Welcome"),
    "scene_presenting": N_("Now presenting"),
    "scene_result": N_("Result"),
    "scene_leaderboard": N_("Leaderboard"),
    "scene_ceremony": N_("Ceremony"),
    "scene_people_choice": N_("People's choice"),
    "moved_up": N_("moved up"),
    "moved_down": N_("moved down"),
    "new_entry": N_("new"),
}


def js_strings(language: str, page: str | None = None) -> dict[str, str]:
    """The shared strings plus those of one page (app/jsstrings/<page>.py: STRINGS), translated."""
    table = dict(JS_STRINGS)
    if page:
        import importlib

        with contextlib.suppress(ModuleNotFoundError):
            table |= importlib.import_module(f"app.jsstrings.{page}").STRINGS
    _ = gettext_for(language)
    return {key: _(value) for key, value in table.items()}
