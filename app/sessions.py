"""Host sessions that can be ended: logout and a new password end every host session.

A host session cookie carries the session generation (`host_epoch`, stored in the event database)
it was issued under; `is_host` (app/routes/common.py) accepts it only while that is still the
current one. Logging out starts a new generation, so a copied cookie stops working too, and closes
every open host socket. `roadshow password` on the command line writes a new generation to the
database; the running server looks for one every SESSION_POLL_SECONDS and then does the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets

from .live import LiveEvent
from .live_views import HOST_TOPIC

log = logging.getLogger("roadshow.sessions")

SESSION_POLL_SECONDS = 1.0  # how soon a password set from the command line logs hosts out
CLOSE_LOGGED_OUT = 4401  # the page stops reconnecting and shows that it is not authorised


async def end_host_sessions(live: LiveEvent, epoch: str | None = None) -> None:
    """Start a new session generation (or adopt `epoch`, read from the database) and close host sockets."""
    if epoch is None:
        epoch = secrets.token_hex(8)
        await live.store.set_meta("host_epoch", epoch)
    live.host_epoch = epoch
    for subscriber in live.hub.subscribers_of(HOST_TOPIC):
        with contextlib.suppress(Exception):
            await subscriber.close(CLOSE_LOGGED_OUT, "logged out")


async def watch_host_epoch(live: LiveEvent, interval: float = SESSION_POLL_SECONDS) -> None:
    """Runs for the server's lifetime: adopt a session generation written by another process."""
    # Only a generation that changed in the database since the last look is adopted: a read that
    # raced a logout in this process (old value read, new one written just after) must not bring the
    # old generation, and with it every logged-out cookie, back.
    last_seen = live.host_epoch
    while True:
        await asyncio.sleep(interval)
        try:
            stored = await live.store.get_meta("host_epoch")
        except Exception:  # a busy database: look again next time
            log.debug("could not read the host session generation", exc_info=True)
            continue
        changed, last_seen = stored != last_seen, stored
        if stored and changed and stored != live.host_epoch:
            log.warning("the host password was changed: every host session is logged out")
            await end_host_sessions(live, stored)
