"""The one rate limiter: token buckets, alone (per connection) or keyed (per address, token, judge ...).

A bucket holds up to `burst` tokens and gains `rate` tokens a second; an action takes one token and is
refused when none is left. Every limit in Roadshow is one of these (docs/security.md, "Connections,
sessions and rate limits"): messages per connection, commands per judge token and host session, log
lines per connection, host password attempts per address and overall, PIN attempts per address and
per (address, judge). Attempts are counted *before* the work they guard (a burst of 60 wrong passwords
sent at once gets 10 checks, not 60).

Hand-rolled rather than the `limits` package: the websocket hot path needs a bucket that is two floats
in a connection's slots, with no storage backend or string keys, and a keyed limiter that can be saved
to and restored from the event database (PIN lockouts survive a restart).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    """`burst` actions at once, then `per_second` sustained."""

    per_second: float
    burst: float

    @classmethod
    def per_minute(cls, count: float, burst: float | None = None) -> Rate:
        return cls(count / 60.0, count if burst is None else burst)


class TokenBucket:
    """One bucket. `tokens` and `updated` are public so that a keyed limiter can persist them."""

    __slots__ = ("rate", "tokens", "updated")

    def __init__(self, rate: Rate, tokens: float | None = None, updated: float = 0.0) -> None:
        self.rate = rate
        self.tokens = rate.burst if tokens is None else tokens
        self.updated = updated

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.rate.burst, self.tokens + elapsed * self.rate.per_second)
        self.updated = now

    def take(self, now: float) -> bool:
        """Take one token if there is one."""
        self._refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.rate.burst

    def retry_after(self) -> float:
        """Seconds until the next token (after a refused take)."""
        return max(0.0, (1.0 - self.tokens) / self.rate.per_second) if self.rate.per_second else float("inf")


class KeyedLimiter:
    """A bucket per key, created full on first use. Full buckets carry no information and are dropped
    when the table passes `max_keys`, so a client inventing keys cannot grow it without bound; if it
    is still over (every bucket partly used), the oldest are dropped."""

    def __init__(self, rate: Rate, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: dict[Hashable, TokenBucket] = {}

    def bucket(self, key: Hashable) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._prune()
            bucket = self._buckets[key] = TokenBucket(self.rate, updated=self.clock())
        return bucket

    def take(self, key: Hashable) -> bool:
        return self.bucket(key).take(self.clock())

    def allowed(self, key: Hashable) -> bool:
        """Whether one token is there, without taking it."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return True
        bucket._refill(self.clock())
        return bucket.tokens >= 1.0

    def wait(self, key: Hashable) -> float:
        """Seconds until one token is there (0 if it is there now), without taking it."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0
        bucket._refill(self.clock())
        return 0.0 if bucket.tokens >= 1.0 else bucket.retry_after()

    def restore(self, key: Hashable, tokens: float, updated: float) -> None:
        self._buckets[key] = TokenBucket(self.rate, tokens, updated)

    def forget(self, key: Hashable) -> None:
        self._buckets.pop(key, None)

    def __len__(self) -> int:
        return len(self._buckets)

    def _prune(self) -> None:
        now = self.clock()
        for key in [k for k, b in self._buckets.items() if b.full(now)]:
            del self._buckets[key]
        excess = len(self._buckets) - self.max_keys + 1
        if excess > 0:
            oldest = sorted(self._buckets.items(), key=lambda item: item[1].updated)[:excess]
            for key, _ in oldest:
                del self._buckets[key]
