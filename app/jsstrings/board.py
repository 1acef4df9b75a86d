"""Strings used only by static/board.js (translated by the template; see app/i18n.py)."""

STRINGS: dict[str, str] = {}
