"""Signed per-device voter ids for the audience vote (docs/security.md, "Audience votes").

The audience page is given a voter id signed with the server's secret (itsdangerous, as the session
cookie is): kept in a cookie and in the page's local storage, and sent with every vote. A phone cannot
make up ids (they would not verify), so the per-voter limits and the "latest vote counts" rule hold
for a phone; clearing both cookie and storage makes a new voter, which is what the per-address cap and
the one-time tickets are for."""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, Signer

VOTER_COOKIE = "roadshow_voter"
VOTER_COOKIE_AGE = 30 * 24 * 3600  # seconds: a voter id outlives a multi-day event
VOTER_ID_BYTES = 12  # 96 random bits


class VoterIds:
    def __init__(self, secret: str) -> None:
        self._signer = Signer(secret, salt="roadshow.voter")

    def new(self) -> str:
        return self._signer.sign(secrets.token_urlsafe(VOTER_ID_BYTES)).decode()

    def voter(self, signed: str | None) -> str | None:
        """The voter id inside a signed value, or None if it is missing or does not verify."""
        if not signed:
            return None
        try:
            return self._signer.unsign(signed).decode()
        except (BadSignature, UnicodeDecodeError, ValueError):
            return None
