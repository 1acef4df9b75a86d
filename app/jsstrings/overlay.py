"""Strings of the livestream overlay (static/overlay.js): the board's, which it shares."""

from .board import STRINGS as _BOARD

STRINGS: dict[str, str] = dict(_BOARD)
