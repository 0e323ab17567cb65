"""`newsrag serve`, `newsrag keys` and `newsrag mcp`: the HTTP/MCP service's commands (service/)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from newsrag import BUNDLED_ARTICLES
from newsrag.jsonable import jsonable
from rag.config import Settings


def service_commands(command: Any, common: argparse.ArgumentParser) -> None:
    """`serve`, `keys` and `mcp` (the service/ package)."""
    srv = command("serve", "serve the HTTP API (OpenAI-compatible chat, search, articles; MCP at /mcp)")
    _listen(srv, 8000)
    srv.add_argument("--slots", type=int, default=1,
                     help="answers generated at once (default 1; more needs llm_url: a server with parallel slots)")
    srv.add_argument("--queue", type=int, default=8, help="requests that may wait for a slot; more get 503 (default 8)")
    srv.add_argument("--max-body", type=int, default=1_000_000, help="request body cap in bytes (default 1 MB)")
    srv.add_argument("--max-upload", type=int, default=25_000_000, help="article upload cap in bytes (default 25 MB)")
    srv.add_argument("--chat", action="store_true", help="also serve the chat window at /chat")
    srv.add_argument("--auth-file", type=Path,
                     help="logins for /chat, `user:password` per line; needed off this machine")

    keys = command("keys", "API keys for `newsrag serve` and MCP over HTTP (stored hashed in the home)")
    actions = keys.add_subparsers(dest="keys_action", required=True)
    create = actions.add_parser("create", help="make a key and print it (once)", parents=[common])
    create.add_argument("name")
    create.add_argument("--collections", help="comma-separated: the only collections this key may use")
    create.add_argument("--read-only", action="store_true", help="no article upload or delete")
    listing = actions.add_parser("list", help="the keys (never the keys themselves)", parents=[common])
    listing.add_argument("--json", action="store_true")
    revoke = actions.add_parser("revoke", help="stop a key from working (a running server sees it at once)",
                                parents=[common])
    revoke.add_argument("name")

    mcp = command("mcp", "serve the MCP tools (search_news, ask, list_collections) over stdio, or --http")
    _listen(mcp, 8001)
    mcp.add_argument("--http", action="store_true", help="streamable HTTP at /mcp behind API keys, not stdio")


def _listen(parser: argparse.ArgumentParser, port: int) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--no-auth", action="store_true", help="no API keys: allowed on this machine (loopback) only")


def _service(args: argparse.Namespace, settings: Settings, slots: int = 1) -> Any:
    """The service for `serve` and `mcp --http`, after the exposure check (keys, or --no-auth on loopback)."""
    from service.keys import ExposureError, KeyFileError, KeyStore, check_exposure
    from service.runtime import Service, ServiceConfig

    keys = KeyStore(settings.home)
    try:
        warning = check_exposure(args.host, keys, args.no_auth)
        if slots > 1 and not settings.llm_url:
            raise ExposureError("--slots above 1 needs llm_url (NEWSRAG_LLM_URL): a server with parallel slots. "
                                "The bundled model answers one question at a time.")
    except (ExposureError, KeyFileError) as exc:
        print(f"newsrag {args.command}: {exc}", file=sys.stderr)
        return None
    if warning:
        print(f"newsrag {args.command}: {warning}", file=sys.stderr)
    config = ServiceConfig(host=args.host, auth=not args.no_auth, slots=slots, waiting=getattr(args, "queue", 8),
                           max_body=getattr(args, "max_body", 1_000_000),
                           max_upload=getattr(args, "max_upload", 25_000_000))
    return Service(settings, config, keys=keys)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from rag.store.catalogue import DamagedIndexError
    from service.app import build_app, mount_chat
    from ui.auth import AuthError, login_for

    service = _service(args, settings, args.slots)
    if service is None:
        return 2
    try:
        logins = login_for(args.host, args.auth_file, False)[0] if args.chat else None
        service.prepare(BUNDLED_ARTICLES)
    except (AuthError, DamagedIndexError) as exc:
        print(f"newsrag serve: {exc}", file=sys.stderr)
        return 2
    app = build_app(service)
    if args.chat:
        mount_chat(app, service, logins)
    base = f"http://{args.host}:{args.port}"
    print(f"newsrag: serving on {base}: OpenAI base URL {base}/v1, docs {base}/docs, MCP {base}/mcp"
          + (f", chat {base}/chat" if args.chat else ""), file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=5)
    return 0


def keys(args: argparse.Namespace, settings: Settings) -> int:
    from rag.config import COLLECTION_NAME
    from service.keys import KeyCommandError, KeyFileError, KeyStore

    store = KeyStore(settings.home)
    try:
        if args.keys_action == "create":
            only = [c.strip() for c in (args.collections or "").split(",") if c.strip()]
            if bad := [c for c in only if not COLLECTION_NAME.fullmatch(c)]:
                raise KeyCommandError(f"not a collection name: {', '.join(bad)}")
            key, secret = store.create(args.name, only, args.read_only)
            print(secret)
            print(f"newsrag keys: key {key.name!r} created ({'read-only' if key.read_only else 'read-write'}; "
                  f"collections: {', '.join(key.collections) or 'all'}). It is shown once: store it now.",
                  file=sys.stderr)
        elif args.keys_action == "revoke":
            store.revoke(args.name)
            print(f"revoked key {args.name!r}")
        elif args.json:
            print(json.dumps([{f: v for f, v in jsonable(k).items() if f != "digest"} for k in store.all()]))
        else:
            print(f"{'name':<20} {'key':<10} {'created':<26} {'access':<10} {'collections':<20} revoked")
            for k in store.all():
                access = "read-only" if k.read_only else "read-write"
                print(f"{k.name:<20} {k.shown + '…':<10} {k.created:<26} {access:<10} "
                      f"{','.join(k.collections) or 'all':<20} {k.revoked or '-'}")
    except (KeyCommandError, KeyFileError) as exc:
        print(f"newsrag keys: {exc}", file=sys.stderr)
        return 2
    return 0


def mcp(args: argparse.Namespace, settings: Settings) -> int:
    from service.mcp_server import build_mcp, mcp_http_app
    from service.runtime import Service, ServiceConfig

    if not args.http:  # stdio: the client started this process; it reads the user's own home
        build_mcp(Service(settings, ServiceConfig(auth=False))).run("stdio")
        return 0
    import uvicorn

    service = _service(args, settings)
    if service is None:
        return 2
    print(f"newsrag: MCP on http://{args.host}:{args.port}/mcp", file=sys.stderr)
    uvicorn.run(mcp_http_app(service), host=args.host, port=args.port, log_level="warning")
    return 0
