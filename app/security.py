"""Host password hashing, origin checks and the Content-Security-Policy header."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from urllib.parse import urlsplit

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


MAX_PASSWORD_CHARS = 200  # a host password's length: set (app/cli.py) and checked (app/routes/common.py)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


LOGGED_TEXT_LIMIT = 80  # characters of client-supplied text written to the server's log


def log_text(value: object, limit: int = LOGGED_TEXT_LIMIT) -> str:
    """Client text made safe for a terminal log: control and other unprintable characters (ANSI
    escapes, CR/LF that would forge a new line, bidi overrides) are written as escapes, and the text
    is cut at `limit` characters."""
    text = str(value)
    cut = len(text) > limit
    text = text[:limit]
    out = "".join(
        c if c.isprintable() else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") for c in text
    )
    return out + "…" if cut else out


def new_password() -> str:
    """A host password that is easy to read aloud and type: 4 groups of 4 lowercase letters/digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def origin_allowed(origin: str | None, host_header: str | None, allowed: tuple[str, ...]) -> bool:
    """A browser websocket must come from a page of this server (same host:port) or an allowlisted
    origin. Non-browser clients send no Origin; they still need a token or session to do anything."""
    if origin is None:
        return True
    if origin in allowed or "*" in allowed:
        return True
    parts = urlsplit(origin)
    return bool(host_header) and parts.netloc.lower() == (host_header or "").lower()


def content_security_policy(nonce: str, host_header: str | None, secure: bool) -> str:
    ws_origin = f"{'wss' if secure else 'ws'}://{host_header}" if host_header else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            f"connect-src 'self' {ws_origin}".strip(),
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


# Secrets that appear in request paths: a judge's token (/judge/<token>, /ws/judge/<token>) and the
# start-up login key (/host/login?key=...). uvicorn's access log (info level) would write them out.
_SECRET_IN_PATH = re.compile(r"(/judge/|[?&]key=)[^/?&#\s\"]+")


def redact_secrets(text: str) -> str:
    return _SECRET_IN_PATH.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    """On uvicorn's access and error loggers: judge tokens and the login key never reach the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(redact_secrets(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str) and not record.args:
            record.msg = redact_secrets(record.msg)
        return True


def install_log_redaction() -> None:
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
