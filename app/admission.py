"""Who may open a websocket, and how much each may send (docs/security.md, "Connections, sessions and
rate limits").

- Public sockets (the board and the audience view, which need no token) are limited per client
  address and overall. The overall cap leaves RESERVED_FDS file descriptors free under the process'
  open-files limit, so that however many public sockets are open, the host, the judges, /healthz and
  the database can still open theirs: authenticated judge and host sockets are never refused for
  the public pool being full.
- A judge token may hold SOCKETS_PER_JUDGE sockets (two devices and a reload); a further one is
  refused before the handshake, which costs the server nothing (no snapshot, no presence change).
  Closing the oldest instead was measured to be worse: a client holding a token on 40 sockets then
  reconnects in a loop and every round costs a snapshot and two presence updates to the host
  (bench/hostile.py). A phone that changes networks leaves its old socket behind for at most the idle
  timeout (20-25 s); with three allowed, the new one still gets in.
- Commands are limited per actor (judge token, host) across all of its sockets, on top of the
  per-connection message limit (app/routes/live.py), so forty sockets of one token do not get forty
  times the budget.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable

from .ratelimit import KeyedLimiter, Rate, TokenBucket

PUBLIC_SOCKETS_PER_ADDRESS = 20  # a projector laptop with a few tabs; an audience phone needs one
RESERVED_FDS = 256  # left free under RLIMIT_NOFILE by the public pool (host, judges, HTTP, database)
SOCKETS_PER_JUDGE = 3  # two devices and a reload in flight
COMMANDS_PER_ACTOR = Rate(10.0, 30.0)  # commands a second per judge token / host, bursts of 30
LOG_LINES_PER_CONNECTION = Rate(1.0, 5.0)  # warnings a connection can cause in the server's log


def open_files_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def raise_open_files_limit() -> tuple[int, int]:
    """Raise the soft open-files limit to the hard limit (each websocket is a file descriptor; the
    usual soft limit of 1,024 is a few hundred viewers short of a hall). Returns (before, after)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            return soft, soft
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _env_int(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() else None


class Admission:
    """Counts of open sockets, and the limits on them, for one server."""

    def __init__(
        self,
        per_address: int | None = None,
        max_public: int | None = None,
        files_limit: Callable[[], int] = open_files_limit,
    ) -> None:
        # ROADSHOW_PUBLIC_SOCKETS_PER_ADDRESS / ROADSHOW_MAX_PUBLIC_SOCKETS: for a load test from one
        # machine, or a hall behind one NAT address.
        self.per_address = per_address or _env_int("ROADSHOW_PUBLIC_SOCKETS_PER_ADDRESS") or PUBLIC_SOCKETS_PER_ADDRESS
        self._max_public = max_public or _env_int("ROADSHOW_MAX_PUBLIC_SOCKETS")
        self._files_limit = files_limit
        self.public_by_address: dict[str, int] = {}
        self.public_total = 0
        self.commands = KeyedLimiter(COMMANDS_PER_ACTOR)
        self.judge_sockets: dict[str, int] = {}  # judge id -> sockets open or opening

    def max_public(self) -> int:
        by_files = max(0, self._files_limit() - RESERVED_FDS)
        return min(by_files, self._max_public) if self._max_public else by_files

    def admit_public(self, address: str) -> bool:
        """Count a public socket in, if both its address and the whole pool have room."""
        if self.public_total >= self.max_public() or not _count_in(self.public_by_address, address, self.per_address):
            return False
        self.public_total += 1
        return True

    def release_public(self, address: str) -> None:
        _count_out(self.public_by_address, address)
        self.public_total = max(0, self.public_total - 1)

    def command_allowed(self, actor: str) -> bool:
        return self.commands.take(actor)

    def admit_judge(self, judge: str) -> bool:
        """Count a judge socket in, if the judge's link holds fewer than SOCKETS_PER_JUDGE."""
        return _count_in(self.judge_sockets, judge, SOCKETS_PER_JUDGE)

    def release_judge(self, judge: str) -> None:
        _count_out(self.judge_sockets, judge)


def _count_in(counts: dict[str, int], key: str, cap: int) -> bool:
    if counts.get(key, 0) >= cap:
        return False
    counts[key] = counts.get(key, 0) + 1
    return True


def _count_out(counts: dict[str, int], key: str) -> None:
    left = counts.get(key, 0) - 1
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)


def log_bucket() -> TokenBucket:
    return TokenBucket(LOG_LINES_PER_CONNECTION)
