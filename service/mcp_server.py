"""The MCP tools, built with the official `mcp` SDK (2.x `MCPServer`): `search_news`, `ask` and
`list_collections`, so an assistant can search the archive and cite it.

`newsrag mcp` serves them over stdio (the client starts the process: no keys, the user's own files);
`newsrag serve` serves them at /mcp over streamable HTTP, behind the same keys and limits as /v1 (a key
limited to some collections sees only those). `ask` goes through the same generation queue as the HTTP
endpoint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp_types import ToolAnnotations
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import ASGIApp

from rag.config import DEFAULT_COLLECTION
from rag.store.collections import list_collections
from rag.types import Filters
from service.guards import BodyLimit, KeyGuard, bearer
from service.openai_format import citations_json, items_json, passage_json
from service.runtime import ApiError, Caller, Service, api_error

INSTRUCTIONS = ("newsrag answers questions about a news archive and cites the passages it used. Use search_news "
                "for passages (with dates and sources) and ask for a checked answer whose [n] markers resolve to "
                "its citations. list_collections names the archives (collections) there are.")


def build_mcp(service: Service) -> MCPServer:
    server: MCPServer = MCPServer("newsrag", instructions=INSTRUCTIONS, version="0.1.0", log_level="WARNING")
    reads = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    @server.tool(annotations=reads)
    async def search_news(query: str, ctx: Context, k: int = 8, since: dt.date | None = None,
                          until: dt.date | None = None, collection: str = DEFAULT_COLLECTION) -> dict[str, Any]:
        """Passages of news articles that match `query`, best first: title, source file, publication date,
        text and score. `since`/`until` (YYYY-MM-DD) keep articles published in that range."""
        try:
            pipeline = service.pipeline(collection, _caller(service, ctx))
            found = await service.search(pipeline, query, max(1, min(k, 50)), Filters(since, until))
        except Exception as exc:
            raise ToolError(api_error(exc).message) from exc
        return {"collection": collection, "passages": [passage_json(p) for p in found]}

    @server.tool(annotations=reads)
    async def ask(question: str, ctx: Context, collection: str = DEFAULT_COLLECTION) -> dict[str, Any]:
        """A checked answer from the articles: `answer` has [n] markers, each resolved in `citations` (title,
        source, date, passage text, supported); a timeline's or a list's lines are in `items` (label, date,
        text, markers). `refused` is true when the articles do not hold the answer."""
        try:
            pipeline = service.pipeline(collection, _caller(service, ctx))
            done = await service.answer(pipeline, question, ())
        except Exception as exc:
            raise ToolError(api_error(exc).message) from exc
        answer = done.answer
        return {"answer": answer.text, "citations": citations_json(answer), "items": items_json(answer),
                "refused": answer.refused, "confidence": round(answer.confidence, 3)}

    @server.tool(name="list_collections", annotations=reads)
    async def collections(ctx: Context) -> dict[str, Any]:
        """The collections (separate news archives) this caller may use, with how many articles each holds."""
        caller = _caller(service, ctx)
        found = [c for c in list_collections(service.settings) if caller.sees(c.name)]
        return {"collections": [{"name": c.name, "articles": c.articles, "chunks": c.chunks,
                                 "last_indexed": c.last_indexed} for c in found]}
    return server


def _caller(service: Service, ctx: Context) -> Caller:
    """Over HTTP, the key the request came with (KeyGuard has let it in); over stdio, no key."""
    headers = ctx.headers
    if headers is None:
        return Caller()
    try:
        return service.caller(bearer(headers.get("authorization")))
    except ApiError as exc:
        raise ToolError(exc.message) from exc


def mcp_endpoint(service: Service, server: MCPServer) -> ASGIApp:
    """The streamable HTTP endpoint, keys checked first. Stateless with JSON replies: any process behind a
    load balancer can take any request. (Its session manager must run: see `mcp_http_app`, `build_app`.)"""
    server.streamable_http_app(streamable_http_path="/mcp", stateless_http=True, json_response=True,
                               host=service.config.host, max_request_body_size=service.config.max_body)
    return KeyGuard(StreamableHTTPASGIApp(server.session_manager), service)


def mcp_http_app(service: Service) -> ASGIApp:
    """`newsrag mcp --http`: the MCP endpoint alone, at /mcp."""
    server = build_mcp(service)
    endpoint = mcp_endpoint(service, server)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with server.session_manager.run():
            yield

    app = Starlette(routes=[Route("/mcp", endpoint, methods=["GET", "POST", "DELETE"])], lifespan=lifespan)
    return BodyLimit(app, lambda path: service.config.max_body)
