"""Two pure ASGI wrappers (no BaseHTTPMiddleware: it would buffer the SSE stream and hide disconnects):
a request body cap, and the key check in front of the MCP endpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.openai_format import error
from service.runtime import ApiError, Service


async def send_error(send: Send, exc: ApiError) -> None:
    body = json.dumps(error(exc.message, exc.kind, exc.code)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class BodyLimit:
    """413 for a body over `limit_for(path)` bytes (None: no cap here), whether it says its length up front
    or streams in chunks: counting stops reading at the cap, so a huge body is never held in memory."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int | None]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        too_large = ApiError(413, f"the request body is over the {limit:,}-byte limit", code="request_too_large")
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await send_error(send, too_large)
            return
        state: dict[str, Any] = {"read": 0, "over": False, "started": False}

        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    state["over"] = True
                    raise _TooLarge
            return message

        async def guarded(message: Message) -> None:
            if state["over"]:  # the app turned the aborted read into its own error: answer 413 instead
                if message["type"] == "http.response.start" and not state["started"]:
                    state["started"] = True
                    await send_error(send, too_large)
                return
            state["started"] = state["started"] or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except _TooLarge:
            if not state["started"]:
                await send_error(send, too_large)


class KeyGuard:
    """The same keys as /v1 in front of an ASGI app (the MCP endpoint): 401 without a valid one."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                self.service.caller(bearer(dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")))
            except ApiError as exc:
                await send_error(send, exc)
                return
        await self.app(scope, receive, send)


def bearer(header: str | None) -> str | None:
    """The key in an `Authorization: Bearer KEY` header, or None."""
    scheme, _, key = (header or "").partition(" ")
    return key.strip() or None if scheme.lower() == "bearer" else None
