"""Strings used only by static/host.js (translated by the template; see app/i18n.py)."""

STRINGS: dict[str, str] = {}
