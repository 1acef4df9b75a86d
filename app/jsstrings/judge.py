"""Strings used only by static/judge.js (translated by the template; see app/i18n.py)."""

from ..i18n import N_

STRINGS: dict[str, str] = {}
