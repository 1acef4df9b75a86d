"""Strings used only by static/judge.js (translated by the template; see app/i18n.py)."""

STRINGS: dict[str, str] = {}
