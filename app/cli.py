"""Command line: roadshow serve | demo | init | check | backup | password | verify | advance ...
(also `python -m app`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from . import serverlock
from .admission import raise_open_files_limit
from .banner import announce, banner, terminal_language
from .cli_files import CliError, event_database, existing_file, new_database_place
from .cli_rounds import add_advance_parser, advance_command
from .config import Settings
from .connections import KEEP_ALIVE_TIMEOUT, MAX_HEADER_BYTES, GuardedHttpProtocol, trust_proxies
from .eventfile import EventFileError, load_event_file
from .links import PublicUrlError, parse_public_url
from .security import MAX_PASSWORD_CHARS
from .serverlock import ServerLock, ServerRunning
from .serving import listen, run
from .setup import demo_event_text, prepare, read_event_source, reset_host_password

DEFAULT_DEMO_DB = "roadshow-demo.db"


# How uvicorn serves Roadshow; the test server (tests/serve_for_tests.py) and the benchmark (bench/) use
# the same options. Measured in docs/performance.md.
UVICORN_OPTIONS: dict[str, Any] = {
    # The hub writes pre-framed broadcasts straight to this protocol's transport (app/hub.py).
    "ws": "websockets-sansio",
    "ws_max_size": 64 * 1024,
    # Off: deflate keeps a compressor per connection (more memory per idle viewer, and every broadcast
    # compressed once per viewer instead of framed once for all); the payloads are small.
    "ws_per_message_deflate": False,
    "ws_ping_interval": None,  # browsers cannot answer protocol pings visibly; the page sends its own
    "ws_ping_timeout": None,
    "timeout_graceful_shutdown": 3,
    # uvicorn's httptools protocol plus a header deadline and per-address limits (app/connections.py)
    "http": GuardedHttpProtocol,
    "timeout_keep_alive": KEEP_ALIVE_TIMEOUT,
    "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
    # X-Forwarded-For is believed only from the proxies named with --trusted-proxy (uvicorn's default
    # trusts 127.0.0.1, which lets any local process or same-host proxy choose its client address).
    "proxy_headers": False,
    # No `server: uvicorn` on every response: 17 bytes a file of a phone's first load (docs/performance.md
    # "Page weight"), and no software name for a scanner to match against.
    "server_header": False,
}


def proxy_options(trusted: list[str]) -> dict[str, Any]:
    """uvicorn options for --trusted-proxy / ROADSHOW_TRUSTED_PROXIES (comma-separated addresses)."""
    if not trusted:
        return {"proxy_headers": False}
    trust_proxies(tuple(trusted))
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(trusted)}


def _trusted_proxies(args: argparse.Namespace) -> list[str]:
    from_env = [a.strip() for a in os.environ.get("ROADSHOW_TRUSTED_PROXIES", "").split(",") if a.strip()]
    return [*from_env, *(args.trusted_proxy or [])]


def check_serving_options(args: argparse.Namespace) -> tuple[bool, str | None]:
    """(HTTPS on, the public URL) from `serve`'s options, or CliError: both TLS files or neither, each
    an existing file; a valid --public-url. Checked before anything listens or is written."""
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise CliError("HTTPS needs both --ssl-certfile and --ssl-keyfile")
    for pem in (args.ssl_certfile, args.ssl_keyfile):
        if pem:
            existing_file(pem, "a PEM file")
    try:
        public = parse_public_url(args.public_url) if args.public_url else None
    except PublicUrlError as exc:
        raise CliError(str(exc)) from None
    return bool(args.ssl_certfile and args.ssl_keyfile), public


def _serve(args: argparse.Namespace, db: str, event_text: str | None, demo: bool, base_dir: Path | None = None) -> None:
    """Listen, lock the database, open the event, then serve; the banner comes once it is serving.
    The order matters: a busy port or a database served elsewhere stops before anything is created."""
    from .web import create_app

    tls, public = check_serving_options(args)
    new_database_place(db)
    try:
        sock = listen(args.host, args.port)
    except CliError:
        serving = serverlock.holder(db)  # the busy port may be this very event's server
        if serving is not None:
            raise CliError(str(ServerRunning(db, serving))) from None
        raise
    port = int(sock.getsockname()[1])
    try:
        lock = ServerLock.acquire(db, port)
    except ServerRunning as exc:
        sock.close()
        raise CliError(str(exc)) from None
    try:
        password = getattr(args, "password", None)
        prepared = asyncio.run(prepare(db, event_text, host_password=password, demo=demo, base_dir=base_dir))
        said = announce(args.host, port, tls, public)
        settings = Settings(
            db_path=prepared.db_path,
            secret=os.environ.get("ROADSHOW_SECRET") or prepared.secret,
            public_url=public,
            lan_url=said.lan_url,
            port=port,
            announced_hosts=said.names(),
            backup_dir=args.backup_dir,
            backup_interval=args.backup_every,
            secure_cookies=tls or os.environ.get("ROADSHOW_HTTPS", "") == "1",
        )
        # every websocket is a file descriptor (app/admission.py); the server raises its own limit, and
        # says so, so that a benchmark or an operator sees the limit the server really runs with
        before, after = raise_open_files_limit()
        logging.getLogger("roadshow").info("open-files limit: %d (soft limit was %d)", after, before)
        language = terminal_language(os.environ)
        text = banner(prepared, said, settings.host_login_key, demo, qr=args.qr, language=language)
        run(
            create_app(settings),
            sock,
            on_ready=lambda: print(text, flush=True),
            log_level=os.environ.get("ROADSHOW_LOG_LEVEL", "warning"),
            ssl_certfile=args.ssl_certfile,
            ssl_keyfile=args.ssl_keyfile,
            **UVICORN_OPTIONS,
        )
    finally:
        sock.close()
        lock.release()


def _add_server_options(p: argparse.ArgumentParser, default_db: str | None) -> None:
    p.add_argument(
        "--host",
        default="0.0.0.0",
        help="address to listen on (default: 0.0.0.0, every interface; the links use the one that routes outward)",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on; 0 lets the system pick (default: 8000)")
    if default_db:
        p.add_argument("--db", default=default_db, help=f"SQLite database file (default: {default_db})")
    else:
        p.add_argument(
            "--db", help="SQLite database file (default: the event file's name with .db; a .db source is itself)"
        )
    p.add_argument(
        "--public-url",
        default=os.environ.get("ROADSHOW_PUBLIC_URL") or None,
        help="the address phones open, e.g. https://roadshow.example.org behind a reverse proxy or a "
        "hotspot's DNS name; every link and QR code uses it (default: $ROADSHOW_PUBLIC_URL, else the LAN address)",
    )
    p.add_argument("--qr", action="store_true", help="also print the host console link as a QR code (default: off)")
    p.add_argument("--backup-dir", default="backups", help="where automatic backups go (default: backups)")
    p.add_argument(
        "--backup-every", type=float, default=300, help="seconds between automatic backups; 0 = off (default: 300)"
    )
    p.add_argument("--ssl-certfile", help="serve over HTTPS with this certificate (PEM) ... (default: plain HTTP)")
    p.add_argument("--ssl-keyfile", help="... and this private key (PEM) (default: none)")
    p.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help="a reverse proxy whose X-Forwarded-For is believed (repeatable; also $ROADSHOW_TRUSTED_PROXIES, "
        "comma-separated) (default: none)",
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roadshow", description="Live judging for roadshows (路演评审).")
    sub = parser.add_subparsers(dest="command", required=True)

    p_demo = sub.add_parser("demo", help="create (or reopen) the demo event and serve it")
    _add_server_options(p_demo, DEFAULT_DEMO_DB)

    p_serve = sub.add_parser(
        "serve", help="serve an event from its event file (.toml) or database (.db), or every event of a folder"
    )
    p_serve.add_argument(
        "source", help="event file (.toml), event database (.db), or a folder of them (a season); required"
    )
    _add_server_options(p_serve, None)
    p_serve.add_argument(
        "--password",
        help="host password for a new event, or for a season folder's event list at its first start "
        "(default: generated and printed)",
    )

    p_init = sub.add_parser("init", help="create an event database from an event file without serving")
    p_init.add_argument("event_file", help="the event file (.toml); required")
    p_init.add_argument("--db", help="database file (default: the event file's name with .db)")
    p_init.add_argument("--password", help="host password (default: generated and printed once)")

    p_new = sub.add_parser("new", help="write a small starter event file to fill in (or edit in /host/setup)")
    p_new.add_argument("event_file", help="the event file to write (.toml); required, must not exist yet")

    lang_help = "language of the problems reported: en or zh (default: en)"
    p_check = sub.add_parser("check", help="validate an event file")
    p_check.add_argument("event_file", help="the event file (.toml); required")
    p_check.add_argument("--lang", choices=("en", "zh"), default="en", help=lang_help)

    p_backup = sub.add_parser("backup", help="write a consistent copy of an event database")
    p_backup.add_argument("db", help="the event database to copy (it may be being served); required")
    p_backup.add_argument("destination", help="the copy to write; required, must not exist unless --force")
    p_backup.add_argument(
        "--force",
        action="store_true",
        help="overwrite an existing destination (never the database a server is serving) (default: off)",
    )

    p_pw = sub.add_parser("password", help="set a new host password (logs every host out)")
    p_pw.add_argument("db", help="the event database, or a season folder (its event list's password); required")
    p_pw.add_argument("--password", help="the new password (default: generated and printed)")

    p_verify = sub.add_parser(
        "verify", help="check a database's audit chain, against the anchor printed on a document if given"
    )
    p_verify.add_argument("db", help="the event database to check; required, must exist (it is opened read-only)")
    p_verify.add_argument(
        "--head", help="the chain head printed on a score sheet, results page or export (default: no anchor)"
    )
    p_verify.add_argument("--length", type=int, help="the chain length printed next to it (default: no anchor)")

    p_import = sub.add_parser("import", help="turn a filled-in workbook (.xlsx) into an event file (.toml)")
    p_import.add_argument("file", help="a workbook (.xlsx), or a projects list (.csv) with --base; required")
    p_import.add_argument("--out", help="event file to write (default: print it)")
    p_import.add_argument(
        "--base", help="for a .csv: the event (.toml or .db) that gives everything but the projects (default: none)"
    )
    p_import.add_argument("--force", action="store_true", help="overwrite --out if it exists (default: off)")
    p_import.add_argument("--lang", choices=("en", "zh"), default="en", help=lang_help)

    p_export = sub.add_parser("export", help="write an event database's event and results as files")
    p_export.add_argument("db", help="the event database; required")
    p_export.add_argument("--xlsx", help="the event as a workbook, the import template's layout (default: not written)")
    p_export.add_argument("--toml", help="the event as an event file (default: not written)")
    p_export.add_argument("--results", help="the results workbook (default: not written)")
    p_export.add_argument("--scores", help="every score submission, as CSV (default: not written)")
    add_advance_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = _build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except EventFileError as exc:
        # English unless --lang zh (check, import): the field paths and quoted values are the same
        print(exc.report(getattr(args, "lang", "en")), file=sys.stderr)
        return 2
    except (CliError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (sqlite3.Error, OSError) as exc:  # a file that passed the checks and still failed: one line
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    password = getattr(args, "password", None)
    if password is not None and len(password) > MAX_PASSWORD_CHARS:
        raise CliError(f"a host password has at most {MAX_PASSWORD_CHARS} characters (this one has {len(password)})")
    if args.command == "demo":
        _serve(args, args.db, demo_event_text(), demo=True)
        return 0
    if args.command == "serve":
        source = Path(args.source)
        if source.is_dir():  # a season folder: every event in it (app/season/)
            from .season.serve import serve_folder

            serve_folder(args, source)
        elif source.suffix.lower() == ".toml":
            text = read_event_source(existing_file(source, "an event file"))
            _serve(args, args.db or str(source.with_suffix(".db")), text, demo=False, base_dir=source.parent)
        else:
            _serve(args, str(event_database(args.db or source)), None, demo=False)
        return 0
    if args.command == "init":
        source = existing_file(args.event_file, "an event file")
        db = args.db or str(source.with_suffix(".db"))
        text = read_event_source(source)
        new_database_place(db)
        prepared = asyncio.run(prepare(db, text, host_password=args.password, base_dir=source.parent))
        if not prepared.created:
            print(f"{db} already holds an event; nothing changed.", file=sys.stderr)
            return 1
        print(f"created {db}\nhost password (shown once; keep it): {prepared.host_password}")
        return 0
    if args.command == "new":
        from .eventfile_export import event_to_toml
        from .spreadsheets import example_event

        target = Path(args.event_file)
        if target.is_dir():
            raise CliError(f"{target} is a directory; name the event file to write, e.g. {target / 'event.toml'}")
        if target.exists():
            print(f"{target} already exists; nothing written.", file=sys.stderr)
            return 1
        header = "Starter event: edit this file, or serve it and edit everything at /host/setup."
        target.write_text(event_to_toml(example_event(), header=header), encoding="utf-8")
        print(f"wrote {target}: serve it with `roadshow serve {target}` and finish it in the host console's setup area")
        return 0
    if args.command == "check":
        event = load_event_file(existing_file(args.event_file, "an event file"))
        print(
            f"ok: {event.title} — {len(event.projects)} projects, {len(event.categories)} categories, "
            f"{len(event.judges)} judges, {len(event.criteria)} criteria, {len(event.awards)} awards"
        )
        return 0
    if args.command == "backup":
        return _backup(args.db, args.destination, args.force)
    if args.command == "password":
        if Path(args.db).is_dir():  # a season folder's host password (app/season/host_file.py)
            from .season.serve import password_folder

            return password_folder(Path(args.db), args.password)
        password = asyncio.run(reset_host_password(event_database(args.db), args.password))
        print(f"new host password: {password}")
        return 0
    if args.command == "verify":
        return _verify(args.db, args.head, args.length)
    if args.command == "advance":
        return advance_command(args)
    if args.command in ("import", "export"):
        from .cli_documents import export_command, import_command

        if args.command == "import":
            if args.base and Path(args.base).suffix.lower() != ".toml":
                event_database(args.base)
            return import_command(str(existing_file(args.file)), args.out, args.base, args.force, language=args.lang)
        return export_command(str(event_database(args.db)), args.xlsx, args.toml, args.results, args.scores)
    return 1


def _verify(db: str, head: str | None, length: int | None) -> int:
    """Exit 0 when the chain verifies (and matches the anchor), 1 on any difference, 2 when the
    question cannot be asked (no such file, not an event database, half an anchor)."""
    from .audit_chain import Anchor, parse_head
    from .chain_check import NotAnEventDatabase, verify_database

    if (head is None) != (length is None):
        print("error: give both --head and --length (as printed), or neither", file=sys.stderr)
        return 2
    try:
        anchor = None if head is None or length is None or length < 0 else Anchor(length, parse_head(head))
        if head is not None and anchor is None:
            raise ValueError("the chain length is a whole number from 0")
        verdict = verify_database(db, anchor)
    except (ValueError, NotAnEventDatabase) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not verdict.ok:
        print(f"FAILED: {verdict.reason}")
        return 1
    against = f", matches the anchor {anchor}" if anchor else ""
    print(f"ok: {verdict.length} rows, head {verdict.head}{against}")
    for note in verdict.notes:
        print(f"note: {note}")
    return 0


def _backup(db: str, destination: str, force: bool) -> int:
    """Copy `db` to `destination`. Swapping the two arguments must not destroy the live event: an
    existing destination needs --force, and the database a server is serving is never overwritten."""
    from .store import Store

    source = event_database(db)
    dest = Path(destination)
    if dest.is_dir():
        raise CliError(f"{dest} is a directory; name the copy's file, e.g. {dest / source.name}")
    if dest.exists():
        if dest.resolve() == source.resolve():
            raise CliError(f"{dest} is the database being copied; name another file")
        serving = serverlock.holder(dest)
        if serving is not None:
            raise CliError(f"{dest} is being served ({serving.describe()}); a backup never overwrites a live event")
        if not force:
            raise CliError(f"{dest} already exists; choose another name, or pass --force to overwrite it")

    async def copy() -> None:
        async with Store.open(source) as store:
            if not await store.has_event():
                raise CliError(f"{source} holds no event")
            await store.backup(dest)

    asyncio.run(copy())
    print(f"backed up {source} -> {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
