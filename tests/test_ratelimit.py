"""The one rate limiter (app/ratelimit.py) and the log hygiene helpers (app/security.py)."""

from __future__ import annotations

import logging
import resource

from app.admission import raise_open_files_limit
from app.cli import UVICORN_OPTIONS, proxy_options
from app.connections import GuardedHttpProtocol, trust_proxies
from app.ratelimit import KeyedLimiter, Rate, TokenBucket
from app.routes.pages import _qr_svg
from app.security import LOGGED_TEXT_LIMIT, RedactSecrets, log_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    bucket = TokenBucket(Rate(2.0, 3.0), updated=0.0)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.retry_after() == 0.5
    assert bucket.take(0.5) and not bucket.take(0.5)
    assert [bucket.take(100.0) for _ in range(4)] == [True, True, True, False]  # never above the burst


def test_per_minute() -> None:
    rate = Rate.per_minute(10)
    assert rate.burst == 10 and abs(rate.per_second - 1 / 6) < 1e-12


def test_keyed_limiter_keys_are_independent_and_bounded() -> None:
    clock = FakeClock()
    limiter = KeyedLimiter(Rate(1.0, 2.0), max_keys=3, clock=clock)
    assert limiter.take("a") and limiter.take("a") and not limiter.take("a")
    assert limiter.take("b")
    assert not limiter.allowed("a") and limiter.allowed("never-seen")
    for key in ("c", "d", "e", "f"):
        limiter.take(key)
    assert len(limiter) <= 3
    limiter.restore("a", 0.0, clock.now)
    assert not limiter.take("a")
    clock.now += 1.0
    assert limiter.take("a")


def test_logged_client_text_cannot_forge_lines_or_escape_sequences() -> None:
    text = log_text("ok\r\nFAKE LINE\x1b[2J\x00\u202e" + "x" * 500)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text and "\x00" not in text
    assert "\u202e" not in text and "\\x0d\\x0a" in text and "\\u202e" in text
    assert text.endswith("…") and len(text) < LOGGED_TEXT_LIMIT * 6
    assert log_text("评审 ok") == "评审 ok"


def test_access_log_lines_lose_judge_tokens_and_the_login_key() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/host/login?key=SeCrEt123&lang=zh", "1.1", 303), None,
    )  # fmt: skip
    RedactSecrets().filter(record)
    assert "SeCrEt123" not in record.getMessage() and "lang=zh" in record.getMessage()
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/ws/judge/Tok-en_123"), None,
    )  # fmt: skip
    RedactSecrets().filter(record)
    assert "Tok-en_123" not in record.getMessage() and "/ws/judge/" in record.getMessage()


def test_qr_codes_are_drawn_once_per_url() -> None:
    _qr_svg.cache_clear()
    first = _qr_svg("http://192.168.1.20:8000/board?audience=1", 6)
    assert _qr_svg("http://192.168.1.20:8000/board?audience=1", 6) is first
    assert _qr_svg.cache_info().hits == 1


def test_the_open_files_limit_is_raised_to_the_hard_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 256), hard))
        before, after = raise_open_files_limit()
        assert before == min(soft, 256)
        assert after == resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if hard != resource.RLIM_INFINITY:
            assert after == hard
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_forwarded_for_is_only_believed_from_named_proxies() -> None:
    assert proxy_options([]) == {"proxy_headers": False}
    assert UVICORN_OPTIONS["proxy_headers"] is False  # uvicorn's own default trusts 127.0.0.1
    try:
        options = proxy_options(["10.0.0.5"])
        assert options == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5"}
        assert GuardedHttpProtocol.guard.trusted == frozenset({"10.0.0.5"})  # exempt from per-address limits
    finally:
        trust_proxies(())
