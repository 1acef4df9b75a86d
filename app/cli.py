"""Command line: roadshow serve | demo | init | check | backup | password | verify  (also `python -m app`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
from pathlib import Path
from typing import Any

from .admission import raise_open_files_limit
from .config import Settings
from .connections import KEEP_ALIVE_TIMEOUT, MAX_HEADER_BYTES, GuardedHttpProtocol, trust_proxies
from .eventfile import EventFileError, load_event_file
from .setup import PreparedEvent, demo_event_text, prepare, read_event_source, reset_host_password

DEFAULT_DEMO_DB = "roadshow-demo.db"


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine that phones on the venue network could reach."""
    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if not address.startswith("127.") and address not in found:
                found.append(address)
    except OSError:
        pass
    return found


def public_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "", "::"):
        addresses = lan_addresses()
        host = addresses[0] if addresses else "127.0.0.1"
    return f"http://{host}:{port}"


def _print_banner(prepared: PreparedEvent, base: str, login_key: str, demo: bool) -> None:
    event = prepared.event
    out = sys.stdout
    print(f"\n  Roadshow · {event.title}  ({event.date})", file=out)
    print(f"  database: {prepared.db_path}{'  (new)' if prepared.created else '  (continuing)'}", file=out)
    if prepared.source_changed:
        print("  note: the event file differs from the one stored in the database; the stored one is used.", file=out)
    print(f"\n  Host console : {base}/host/login?key={login_key}", file=out)
    if prepared.host_password:
        label = "demo host password" if demo else "host password (shown once; keep it)"
        print(f"  {label}: {prepared.host_password}", file=out)
    print(f"  Board        : {base}/board", file=out)
    print(f"  Audience     : {base}/board?audience=1", file=out)
    print("\n  Judges' personal links (also as QR codes on the host console):", file=out)
    for judge in event.judges:
        print(f"    {judge.name:<10} {base}/judge/{prepared.tokens[judge.id]}", file=out)
    print("\n  Press Ctrl+C to stop; start again with the same database to continue.\n", file=out, flush=True)


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


def _serve(prepared: PreparedEvent, args: argparse.Namespace, demo: bool) -> None:
    import uvicorn

    from .web import create_app

    host, port = args.host, args.port
    tls = bool(args.ssl_certfile and args.ssl_keyfile)
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise FileNotFoundError("HTTPS needs both --ssl-certfile and --ssl-keyfile")
    base = public_url(host, port).replace("http://", "https://") if tls else public_url(host, port)
    settings = Settings(
        db_path=prepared.db_path,
        secret=os.environ.get("ROADSHOW_SECRET") or prepared.secret,
        public_url=base,
        backup_dir=args.backup_dir,
        backup_interval=args.backup_every,
        secure_cookies=tls or os.environ.get("ROADSHOW_HTTPS", "") == "1",
    )
    _print_banner(prepared, base, settings.host_login_key, demo)
    raise_open_files_limit()  # every websocket is a file descriptor (app/admission.py)
    app = create_app(settings)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=os.environ.get("ROADSHOW_LOG_LEVEL", "warning"),
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        **(UVICORN_OPTIONS | proxy_options(_trusted_proxies(args))),
    )


def _add_server_options(p: argparse.ArgumentParser, default_db: str | None) -> None:
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0: the whole LAN)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--db", default=default_db, help="SQLite database file")
    p.add_argument("--backup-dir", default="backups", help="where automatic backups go")
    p.add_argument("--backup-every", type=float, default=300, help="seconds between automatic backups (0 = off)")
    p.add_argument("--ssl-certfile", help="serve over HTTPS with this certificate (PEM) ...")
    p.add_argument("--ssl-keyfile", help="... and this private key (PEM)")
    p.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help="a reverse proxy whose X-Forwarded-For is believed (repeatable; default: none)",
    )


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="roadshow", description="Live judging for roadshows (路演评审).")
    sub = parser.add_subparsers(dest="command", required=True)

    p_demo = sub.add_parser("demo", help="create (or reopen) the demo event and serve it")
    _add_server_options(p_demo, DEFAULT_DEMO_DB)

    p_serve = sub.add_parser("serve", help="serve an event from its event file (.toml) or database (.db)")
    p_serve.add_argument("source", help="event file (.toml) or event database")
    _add_server_options(p_serve, None)
    p_serve.add_argument("--password", help="host password for a new event (default: generated and printed)")

    p_init = sub.add_parser("init", help="create an event database from an event file without serving")
    p_init.add_argument("event_file")
    p_init.add_argument("--db", help="database file (default: the event file's name with .db)")
    p_init.add_argument("--password", help="host password (default: generated and printed once)")

    p_new = sub.add_parser("new", help="write a small starter event file to fill in (or edit in /host/setup)")
    p_new.add_argument("event_file")

    lang_help = "language of the problems reported: en (default) or zh"
    p_check = sub.add_parser("check", help="validate an event file")
    p_check.add_argument("event_file")
    p_check.add_argument("--lang", choices=("en", "zh"), default="en", help=lang_help)

    p_backup = sub.add_parser("backup", help="write a consistent copy of an event database")
    p_backup.add_argument("db")
    p_backup.add_argument("destination")

    p_pw = sub.add_parser("password", help="set a new host password (logs every host out)")
    p_pw.add_argument("db")
    p_pw.add_argument("--password")

    p_verify = sub.add_parser(
        "verify", help="check a database's audit chain, against the anchor printed on a document if given"
    )
    p_verify.add_argument("db")
    p_verify.add_argument("--head", help="the chain head printed on a score sheet, results page or export")
    p_verify.add_argument("--length", type=int, help="the chain length printed next to it")

    p_import = sub.add_parser("import", help="turn a filled-in workbook (.xlsx) into an event file (.toml)")
    p_import.add_argument("file", help="a workbook (.xlsx), or a projects list (.csv) with --base")
    p_import.add_argument("--out", help="event file to write (default: print it)")
    p_import.add_argument("--base", help="for a .csv: the event (.toml or .db) that gives everything but the projects")
    p_import.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p_import.add_argument("--lang", choices=("en", "zh"), default="en", help=lang_help)

    p_export = sub.add_parser("export", help="write an event database's event and results as files")
    p_export.add_argument("db")
    p_export.add_argument("--xlsx", help="the event as a workbook (the import template's layout)")
    p_export.add_argument("--toml", help="the event as an event file")
    p_export.add_argument("--results", help="the results workbook")
    p_export.add_argument("--scores", help="every score submission, as CSV")

    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except EventFileError as exc:
        # English unless --lang zh (check, import): the field paths and quoted values are the same
        print(exc.report(getattr(args, "lang", "en")), file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "demo":
        prepared = asyncio.run(prepare(args.db, demo_event_text(), demo=True))
        _serve(prepared, args, demo=True)
        return 0
    if args.command == "serve":
        source = Path(args.source)
        if source.suffix.lower() == ".toml":
            db = args.db or str(source.with_suffix(".db"))
            prepared = asyncio.run(prepare(db, read_event_source(source), host_password=args.password))
        else:
            if not source.exists():
                raise FileNotFoundError(f"{source} does not exist")
            prepared = asyncio.run(prepare(args.db or str(source)))
        _serve(prepared, args, demo=False)
        return 0
    if args.command == "init":
        source = Path(args.event_file)
        db = args.db or str(source.with_suffix(".db"))
        prepared = asyncio.run(prepare(db, read_event_source(source), host_password=args.password))
        if not prepared.created:
            print(f"{db} already holds an event; nothing changed.", file=sys.stderr)
            return 1
        print(f"created {db}\nhost password (shown once; keep it): {prepared.host_password}")
        return 0
    if args.command == "new":
        from .eventfile_export import event_to_toml
        from .spreadsheets import example_event

        target = Path(args.event_file)
        if target.exists():
            print(f"{target} already exists; nothing written.", file=sys.stderr)
            return 1
        header = "Starter event: edit this file, or serve it and edit everything at /host/setup."
        target.write_text(event_to_toml(example_event(), header=header), encoding="utf-8")
        print(f"wrote {target}: serve it with `roadshow serve {target}` and finish it in the host console's setup area")
        return 0
    if args.command == "check":
        event = load_event_file(args.event_file)
        print(
            f"ok: {event.title} — {len(event.projects)} projects, {len(event.categories)} categories, "
            f"{len(event.judges)} judges, {len(event.criteria)} criteria, {len(event.awards)} awards"
        )
        return 0
    if args.command == "backup":
        from .store import Store

        async def run() -> None:
            async with Store.open(args.db) as store:
                await store.backup(args.destination)

        if not Path(args.db).exists():
            raise FileNotFoundError(f"{args.db} does not exist")
        asyncio.run(run())
        print(f"backed up {args.db} -> {args.destination}")
        return 0
    if args.command == "password":
        password = asyncio.run(reset_host_password(args.db, args.password))
        print(f"new host password: {password}")
        return 0
    if args.command == "verify":
        return _verify(args.db, args.head, args.length)
    if args.command in ("import", "export"):
        from .cli_documents import export_command, import_command

        if args.command == "import":
            return import_command(args.file, args.out, args.base, args.force, language=args.lang)
        return export_command(args.db, args.xlsx, args.toml, args.results, args.scores)
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


if __name__ == "__main__":
    raise SystemExit(main())
