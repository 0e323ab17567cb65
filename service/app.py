"""`newsrag serve`: the FastAPI app. /v1 speaks the OpenAI chat format and newsrag's own search and articles
endpoints, each behind a bearer key; /mcp serves the MCP tools behind the same keys; /docs is the OpenAPI page;
/chat is the chat window when asked for. Nothing is built at import time."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Query, Request, Security, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.routing import Route

from rag.config import DEFAULT_COLLECTION
from rag.types import Answer, Event, Filters, Token
from service import articles
from service.guards import BodyLimit
from service.openai_format import ChatRequest, ConversationError, Reply, conversation, error, passage_json, sse
from service.queue import Slot
from service.runtime import ApiError, Caller, Service, api_error, check, generation

_bearer = HTTPBearer(auto_error=False, description="an API key made by `newsrag keys create NAME`")


class SearchRequest(BaseModel):
    query: str = Field(description="what to look for (a question or keywords)")
    k: int = Field(default=8, ge=1, le=50)
    collection: str = DEFAULT_COLLECTION
    since: dt.date | None = None
    until: dt.date | None = None
    sources: list[str] = Field(default_factory=list, max_length=100)


async def _caller(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]) -> Caller:
    service: Service = request.app.state.service
    return service.caller(credentials.credentials if credentials else None)


# Module level: the routes' annotations are strings (PEP 563), which FastAPI resolves in this module.
Who = Annotated[Caller, Depends(_caller)]
Collection = Annotated[str, Query(description="the collection")]


def build_app(service: Service, mcp: bool = True) -> FastAPI:
    """The service's app; `mcp=False` leaves out /mcp (the fast tests, which need no MCP session manager)."""
    from service.mcp_server import build_mcp, mcp_endpoint

    server = build_mcp(service) if mcp else None
    endpoint = mcp_endpoint(service, server) if server else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if server is not None:
                await stack.enter_async_context(server.session_manager.run())
            yield

    app = FastAPI(title="newsrag", summary="Questions about news articles, answered with citations",
                  version="0.1.0", lifespan=lifespan)
    app.state.service = service
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.include_router(_routes(service))
    app.get("/health", tags=["service"])(lambda: {"status": "ok", **_queue(service)})
    if endpoint is not None:
        app.router.routes.append(Route("/mcp", endpoint, methods=["GET", "POST", "DELETE"], include_in_schema=False))
    config = service.config
    uploads = ("/v1/articles", config.max_upload)
    app.add_middleware(BodyLimit, limit_for=lambda path: uploads[1] if path == uploads[0] else
                       config.max_body if path.startswith(("/v1/", "/mcp")) else None)
    return app


def _queue(service: Service) -> dict[str, Any]:
    state = service.queue.state()
    return {"queue": {"slots": state.slots, "running": state.running, "waiting": state.waiting}}


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return JSONResponse(error(exc.message, exc.kind, exc.code), exc.status, headers=exc.headers)


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    return JSONResponse(error(f"{where or 'request'}: {first.get('msg', 'invalid request')}"), 400)


def _routes(service: Service) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.get("/models", tags=["openai"], summary="The collections, as models")
    def models(who: Who) -> dict[str, Any]:
        names = service.collections(who)
        return {"object": "list", "data": [{"id": n, "object": "model", "created": 0, "owned_by": "newsrag"}
                                           for n in names]}

    @router.post("/chat/completions", tags=["openai"], summary="Answer the last question (OpenAI chat format)",
                 response_model=None)
    async def chat(body: ChatRequest, request: Request, who: Who) -> dict[str, Any] | StreamingResponse:
        try:
            question, history = conversation(body.messages)
        except ConversationError as exc:
            raise ApiError(400, str(exc), code="no_question") from exc
        pipeline = service.pipeline(body.model, who)
        filters, k = body.newsrag.filters(), body.newsrag.k
        if not body.stream:
            try:
                done = await service.answer(pipeline, question, history, filters, k, request.is_disconnected)
            except Exception as exc:
                raise api_error(exc) from exc
            return Reply(body.model).completion(done.answer, done.tokens, done.waited)
        check(question)
        try:
            slot = await service.queue.admit(request.is_disconnected)
        except Exception as exc:
            raise api_error(exc) from exc
        stream = _stream(slot, Reply(body.model), generation(slot, pipeline, question, history, filters, k))
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Queue-Wait": f"{slot.waited:.3f}"}
        return StreamingResponse(stream, media_type="text/event-stream", headers=headers)

    @router.post("/search", tags=["newsrag"], summary="Passages for a query, best first, with scores")
    async def search(body: SearchRequest, who: Who) -> dict[str, Any]:
        pipeline = service.pipeline(body.collection, who)
        filters = Filters(body.since, body.until, tuple(body.sources))
        try:
            found = await service.search(pipeline, body.query, body.k, filters)
        except Exception as exc:
            raise api_error(exc) from exc
        return {"collection": body.collection, "query": body.query, "passages": [passage_json(p) for p in found]}

    @router.get("/articles", tags=["newsrag"], summary="The collection's articles, newest first")
    async def list_articles(who: Who, collection: Collection = DEFAULT_COLLECTION, search: str = "",
                            limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:
        pipeline = service.pipeline(collection, who)
        found = await asyncio.to_thread(articles.listing, pipeline, search, limit)
        return {"collection": collection, "articles": found}

    @router.get("/articles/{article_id}", tags=["newsrag"], summary="One article's cleaned text and metadata")
    async def get_article(article_id: str, who: Who, collection: Collection = DEFAULT_COLLECTION) -> dict[str, Any]:
        return await asyncio.to_thread(articles.one, service.pipeline(collection, who), article_id)

    @router.post("/articles", tags=["newsrag"], summary="Add article files; indexed at once (incremental)")
    async def add_articles(files: Annotated[list[UploadFile], File(description="article files")], who: Who,
                           collection: Collection = DEFAULT_COLLECTION) -> dict[str, Any]:
        pipeline = service.pipeline(collection, who, write=True, create=True)
        uploads = [articles.Upload(f.filename or "upload", await f.read()) for f in files]
        return await asyncio.to_thread(articles.add, pipeline, uploads)

    @router.delete("/articles/{article_id}", tags=["newsrag"], summary="Take an article out of the collection")
    async def delete_article(article_id: str, who: Who, collection: Collection = DEFAULT_COLLECTION) -> dict[str, Any]:
        return await asyncio.to_thread(articles.delete, service.pipeline(collection, who, write=True), article_id)

    return router


async def _stream(slot: Slot, reply: Reply, make: Callable[[], Iterator[Event]]) -> AsyncIterator[str]:
    """SSE chunks: the role, each token as it comes, then the checked answer's footnotes and fields. An error
    after the stream started is sent as an `error` event (OpenAI clients raise it)."""
    streamed, tokens = "", 0
    try:
        yield reply.chunk({"role": "assistant", "content": ""})
        async for event in slot.events(make):
            if isinstance(event, Token):
                streamed += event.text
                tokens += 1
                yield reply.chunk({"content": event.text})
            elif isinstance(event, Answer):
                yield reply.closing(event, streamed, tokens, slot.waited)
    except Exception as exc:
        failed = api_error(exc)
        yield sse(error(failed.message, failed.kind, failed.code)) + "data: [DONE]\n\n"
    finally:
        slot.close()


def mount_chat(app: FastAPI, service: Service, logins: list[tuple[str, str]] | None) -> None:
    """The chat window at /chat, built by ui.app over the same pipelines (gradio is imported only here). Its
    answers go through Gradio's own queue (one at a time) and meet the API's at the model's lock."""
    import gradio as gr

    from ui.app import build_app as build_chat
    from ui.style import COPY_JS, CSS, THEME_FONTS
    from ui.uploads import MAX_UPLOAD_BYTES

    blocks = build_chat(service.pipelines)
    blocks.queue(default_concurrency_limit=1)
    theme = gr.themes.Soft(font=THEME_FONTS, font_mono=["ui-monospace", "monospace"])
    gr.mount_gradio_app(app, blocks, path="/chat", auth=logins, css=CSS, js=COPY_JS, theme=theme, footer_links=[],
                        ssr_mode=False, show_error=False, max_file_size=f"{10 * MAX_UPLOAD_BYTES // 10**6}mb")
