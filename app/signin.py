"""Limits on signing in: the host password (scrypt) and the judges' PINs.

Attempts are counted before they are checked, so a burst sent at once is limited like a slow series.
The host password's scrypt (~50 ms of CPU) runs in a worker thread, at most SCRYPT_CONCURRENCY at a
time: the event loop, and with it every judge's acknowledgement, never waits for it. PIN buckets are
kept per client address and per (address, judge number), so one visitor cannot lock every judge out,
and saved in the event database, so a restart does not clear a lockout. Numbers: docs/security.md.
"""

from __future__ import annotations

import asyncio
import time

from .ratelimit import KeyedLimiter, Rate
from .security import verify_password
from .store import Store

LOGIN_PER_ADDRESS = Rate.per_minute(10)  # host password attempts from one client address
LOGIN_OVERALL = Rate.per_minute(30)  # from all addresses together
# Password checks running at once (in a worker thread each; scrypt releases the GIL). One: on a
# 2-core laptop the other core stays with the event loop, i.e. with the judges' acknowledgements.
SCRYPT_CONCURRENCY = 1
PIN_WINDOW_SECONDS = 600.0
PIN_PER_ADDRESS_AND_JUDGE = Rate(5 / PIN_WINDOW_SECONDS, 5)  # 5, then one more every 2 minutes
PIN_PER_ADDRESS = Rate(20 / PIN_WINDOW_SECONDS, 20)  # across all judge numbers


class SignInLimits:
    def __init__(self) -> None:
        self.login_by_address = KeyedLimiter(LOGIN_PER_ADDRESS)
        self.login_overall = KeyedLimiter(LOGIN_OVERALL)
        self._scrypt = asyncio.Semaphore(SCRYPT_CONCURRENCY)
        # Wall-clock time: these buckets are saved and must mean the same after a restart.
        self.pin_by_address = KeyedLimiter(PIN_PER_ADDRESS, clock=time.time)
        self.pin_by_judge = KeyedLimiter(PIN_PER_ADDRESS_AND_JUDGE, clock=time.time)

    def login_attempt(self, address: str) -> bool:
        """Count one password attempt; False if over either limit (the password is then not checked)."""
        if not self.login_by_address.allowed(address):
            return False
        return self.login_overall.take("all") and self.login_by_address.take(address)

    async def check_password(self, password: str, stored: str) -> bool:
        async with self._scrypt:
            return await asyncio.to_thread(verify_password, password, stored)

    # ------------------------------------------------------------------ PINs
    async def load(self, store: Store) -> None:
        for key, tokens, updated in await store.signin_attempts():
            limiter = self.pin_by_judge if "#" in key else self.pin_by_address
            limiter.restore(key, tokens, updated)

    async def pin_attempt(self, store: Store, address: str, number: int) -> float:
        """Count one PIN attempt for (address, judge number) and save it. Returns 0 when the attempt
        may be checked, else the seconds until the lockout ends (what the page tells the judge)."""
        judge_key = f"{address}#{number}"
        wait = max(self.pin_by_address.wait(address), self.pin_by_judge.wait(judge_key))
        if wait > 0:
            return wait
        self.pin_by_address.take(address)
        self.pin_by_judge.take(judge_key)
        saved = []
        for limiter, key in ((self.pin_by_address, address), (self.pin_by_judge, judge_key)):
            bucket = limiter.bucket(key)
            saved.append((key, bucket.tokens, bucket.updated))
        await store.save_signin_attempts(saved, older_than=time.time() - PIN_WINDOW_SECONDS)
        return 0.0
