"""What the HTTP endpoints and the MCP tools share: the pipelines (one per collection), the generation queue,
the keys, and the mapping from newsrag's errors to HTTP statuses."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.pipeline import index_paths
from rag.config import COLLECTION_NAME, DEFAULT_COLLECTION, Settings
from rag.limits import InputTooLongError, check_question
from rag.models.files import ModelUnavailableError
from rag.models.llm import LLMError
from rag.pipeline import Pipeline
from rag.store.catalogue import DamagedIndexError
from rag.store.collections import collection_names
from rag.store.corpus import CollectionDeletedError, EmptyIndexError, OldIndexError
from rag.types import Answer, Event, Filters, Passage, Token
from service.keys import ApiKey, KeyFileError, KeyStore
from service.queue import BackendTimeoutError, ClientGoneError, GenerationQueue, QueueFullError, Slot
from service.stop import stoppable
from ui.pipelines import Pipelines

Gone = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    host: str = "127.0.0.1"
    auth: bool = True  # False only with --no-auth on loopback (service.keys.check_exposure)
    slots: int = 1  # generations at once: 1 for the bundled model; a parallel `llm_url` server may take more
    waiting: int = 8  # requests that may wait for a slot; the next one gets 503
    retry_after: int = 5  # seconds, in the 503's Retry-After
    max_body: int = 1_000_000  # bytes of a JSON request body
    max_upload: int = 25_000_000  # bytes of an article upload request


class ApiError(Exception):
    """An error reply: its HTTP status and an OpenAI-style body (message, type, code)."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.code, self.headers = status, message, kind, code, headers or {}


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: a key with its limits, or None when keys are off (--no-auth, or MCP over stdio)."""

    key: ApiKey | None = None

    def sees(self, collection: str) -> bool:
        return self.key is None or self.key.allows(collection)

    def check(self, collection: str, write: bool = False) -> None:
        if not self.sees(collection):
            raise ApiError(403, f"this key may not use the collection {collection!r}", "permission_error",
                           "collection_not_allowed")
        if write and self.key is not None and self.key.read_only:
            raise ApiError(403, "this key is read-only: it may not add or delete articles", "permission_error",
                           "read_only_key")


@dataclass(frozen=True, slots=True)
class Answered:
    answer: Answer
    tokens: int  # streamed pieces
    waited: float  # seconds in the queue


class Service:
    def __init__(self, settings: Settings, config: ServiceConfig | None = None, pipelines: Pipelines | None = None,
                 keys: KeyStore | None = None) -> None:
        self.settings = settings
        self.config = config or ServiceConfig()
        self.pipelines = pipelines or Pipelines(settings)
        self.keys = keys or KeyStore(settings.home)
        self.queue = GenerationQueue(self.config.slots, self.config.waiting, self.config.retry_after,
                                     settings.llm_timeout)

    def prepare(self, samples: Path | None = None) -> None:
        """Before serving: a fresh default collection gets the sample articles (as the chat window does), an
        index from an older newsrag is converted, and the embedder is loaded, so the first request is not
        the one that waits for it."""
        pipeline = self.pipelines.get()
        try:
            pipeline.corpus()
        except OldIndexError:
            index_paths([], pipeline.parts)
        except EmptyIndexError:
            if samples is not None and pipeline.collection == DEFAULT_COLLECTION:
                index_paths([samples], pipeline.parts)
        with contextlib.suppress(EmptyIndexError):
            pipeline.retrieve("news", k=1)

    def caller(self, key: str | None) -> Caller:
        """The caller a bearer key names; 401 when keys are on and it is missing, wrong or revoked."""
        if not self.config.auth:
            return Caller()
        if not key:
            raise ApiError(401, "an API key is required: send `Authorization: Bearer KEY` (`newsrag keys create "
                           "NAME` makes one)", code="missing_api_key", headers={"WWW-Authenticate": "Bearer"})
        try:
            found = self.keys.find(key)
        except KeyFileError as exc:  # nobody is let in until the file is fixed
            raise ApiError(500, str(exc), "server_error", "key_file") from exc
        if found is None:
            raise ApiError(401, "the API key is not valid, or was revoked", code="invalid_api_key",
                           headers={"WWW-Authenticate": "Bearer"})
        return Caller(found)

    def collections(self, caller: Caller) -> list[str]:
        return [name for name in collection_names(self.settings.home) if caller.sees(name)]

    def pipeline(self, name: str, caller: Caller, write: bool = False, create: bool = False) -> Pipeline:
        """The pipeline of collection `name`: 404 when there is none, unless `create` (an upload starts one)."""
        if not COLLECTION_NAME.fullmatch(name):
            raise ApiError(404, f"no collection named {name!r}", code="model_not_found")
        caller.check(name, write)
        if not create and name not in collection_names(self.settings.home):
            raise ApiError(404, f"no collection named {name!r}; GET /v1/models lists them", code="model_not_found")
        return self.pipelines.get(name)

    async def answer(self, pipeline: Pipeline, question: str, history: Sequence[tuple[str, str]],
                     filters: Filters | None = None, k: int | None = None, gone: Gone | None = None) -> Answered:
        """One whole answer through the queue; a client that leaves (`gone`) stops it."""
        check(question)
        slot = await self.queue.admit(gone)
        answer, tokens = None, 0
        try:
            async for event in slot.events(generation(slot, pipeline, question, history, filters, k)):
                if isinstance(event, Token):
                    tokens += 1
                    if gone is not None and tokens % 8 == 0 and await gone():
                        raise ClientGoneError
                elif isinstance(event, Answer):
                    answer = event
        finally:
            slot.close()
        if answer is None:  # pragma: no cover - the chain always ends with an Answer
            raise ApiError(500, "the answer ended without a result", "server_error")
        return Answered(answer, tokens, slot.waited)

    async def search(self, pipeline: Pipeline, query: str, k: int, filters: Filters | None) -> list[Passage]:
        check(query)
        return await asyncio.to_thread(pipeline.retrieve, query, k, filters)


def generation(slot: Slot, pipeline: Pipeline, question: str, history: Sequence[tuple[str, str]],
               filters: Filters | None, k: int | None) -> Callable[[], Iterator[Event]]:
    """The pipeline's event stream for `slot`: its model call stops at the next token once the slot stops."""
    return stoppable(lambda: pipeline.stream(question, history, filters, k), slot.stop)


def check(question: str) -> None:
    """The question cap (rag.limits), as a 400."""
    try:
        if not check_question(question):
            raise ApiError(400, "the question is empty", code="empty_question")
    except InputTooLongError as exc:
        raise ApiError(400, str(exc), code="question_too_long") from exc


def api_error(exc: BaseException) -> ApiError:
    """newsrag's errors as HTTP errors, with the message the CLI and the chat window give."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, QueueFullError):
        return ApiError(503, str(exc), "server_busy", "queue_full", {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, InputTooLongError):
        return ApiError(400, str(exc), code="context_length_exceeded")
    if isinstance(exc, EmptyIndexError):
        return ApiError(404, "nothing is indexed in this collection yet: POST /v1/articles adds articles",
                        code="empty_collection")
    if isinstance(exc, CollectionDeletedError):
        return ApiError(404, str(exc), code="model_not_found")
    if isinstance(exc, BackendTimeoutError):
        return ApiError(504, str(exc), "backend_error", "backend_timeout")
    if isinstance(exc, LLMError | ModelUnavailableError):
        return ApiError(502, f"the language model could not answer: {exc}", "backend_error", "backend_error")
    if isinstance(exc, ClientGoneError):
        return ApiError(499, "the client closed the request", code="client_closed_request")
    if isinstance(exc, DamagedIndexError):
        return ApiError(500, str(exc), "server_error", "damaged_index")
    return ApiError(500, f"something went wrong while answering ({type(exc).__name__}); see the server log",
                    "server_error")
