"""One bounded queue in front of the model: every answer (HTTP or MCP) takes a slot for as long as it runs.

The bundled model answers one question at a time (one per process: `rag.pipeline.shared_chat_model`), so the
default is one slot; a server with parallel slots behind `llm_url` may be given more. At most `waiting`
requests wait for a slot; past that a request is turned away at once (`QueueFullError`: HTTP 503 with
Retry-After), never left hanging.

A generation runs in its own thread, which iterates the pipeline's event stream and hands the events to the
event loop. The slot is freed when that thread ends, not when the client goes: a client that disconnects
sets a stop flag, the thread closes the stream at the next token (which ends the model's generation), and
only then does the next request start, with the model free.
"""

from __future__ import annotations

import asyncio
import logging
import math
import statistics
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("newsrag.service")
_POLL = 0.5  # seconds between checks that a waiting client is still there


class QueueFullError(RuntimeError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"newsrag is busy answering other questions; retry in {retry_after} s")
        self.retry_after = retry_after


class BackendTimeoutError(TimeoutError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"the language model sent nothing for {seconds:g} s; it may be stuck or overloaded")
        self.seconds = seconds


class ClientGoneError(RuntimeError):
    """The client disconnected while its request waited for a slot."""


@dataclass(frozen=True, slots=True)
class QueueState:
    slots: int
    running: int
    waiting: int


class GenerationQueue:
    """At most `slots` generations at once and `waiting` more queued, first come first served."""

    def __init__(self, slots: int = 1, waiting: int = 8, retry_after: int = 5, idle_timeout: float = 300.0) -> None:
        if slots < 1 or waiting < 0:
            raise ValueError("a queue needs at least one slot and no negative wait")
        self.slots, self.max_waiting, self.retry_after, self.idle_timeout = slots, waiting, retry_after, idle_timeout
        self._free = slots
        self._waiters: list[asyncio.Future[None]] = []
        self._recent: deque[float] = deque(maxlen=20)  # seconds the last generations held their slot
        self._lock = threading.Lock()  # slots are freed from generation threads and from the event loop

    def state(self) -> QueueState:
        with self._lock:
            return QueueState(self.slots, self.slots - self._free, len(self._waiters))

    async def admit(self, gone: Callable[[], Awaitable[bool]] | None = None) -> Slot:
        """A slot once one is free; QueueFullError at once when `waiting` requests already wait, and
        ClientGoneError when `gone()` says the client left while it waited."""
        started = time.perf_counter()
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                turn = None
            elif len(self._waiters) >= self.max_waiting:
                raise QueueFullError(self._retry_after())
            else:
                turn = asyncio.get_running_loop().create_future()
                self._waiters.append(turn)
        if turn is not None:
            await self._wait(turn, gone)
        return Slot(self, time.perf_counter() - started)

    async def _wait(self, turn: asyncio.Future[None], gone: Callable[[], Awaitable[bool]] | None) -> None:
        try:
            while True:
                try:
                    await asyncio.wait_for(asyncio.shield(turn), _POLL)
                    return  # a finishing generation handed its slot over
                except TimeoutError:
                    if gone is not None and await gone():
                        raise ClientGoneError from None
        except BaseException:
            with self._lock:
                if turn in self._waiters:
                    self._waiters.remove(turn)
            if turn.done() and not turn.cancelled():
                self.release()  # handed a slot at the moment it gave up: pass it on
            else:
                turn.cancel()  # a hand-over already on its way sees this and passes the slot on
            raise

    def note(self, seconds: float) -> None:
        """A generation held its slot this long (for the next 503's Retry-After)."""
        with self._lock:
            self._recent.append(seconds)

    def _retry_after(self) -> int:
        """When a slot may be free for one more request: the queue ahead of it at the recent median time a
        generation takes (at least `retry_after`). A fixed few seconds made clients retry hundreds of times
        while the queue drained (docs/eval/service.md)."""
        if not self._recent:
            return self.retry_after
        ahead = (len(self._waiters) + self.slots) / self.slots
        return max(self.retry_after, min(300, math.ceil(statistics.median(self._recent) * ahead)))

    def release(self) -> None:
        """Hand the slot to the longest waiter, or mark it free. Safe from any thread: the waiter is woken
        on its own event loop."""
        with self._lock:
            while self._waiters:
                turn = self._waiters.pop(0)
                loop = turn.get_loop()
                if not turn.done() and not loop.is_closed():
                    try:
                        loop.call_soon_threadsafe(self._hand, turn)
                        return
                    except RuntimeError:  # its loop closed meanwhile: try the next waiter
                        continue
            self._free += 1

    def _hand(self, turn: asyncio.Future[None]) -> None:
        if turn.done():  # the waiter gave up in the meantime
            self.release()
        else:
            turn.set_result(None)


class Slot:
    """An admitted request. `events(make)` runs the generation; a slot never used is given back by `close()`."""

    def __init__(self, queue: GenerationQueue, waited: float) -> None:
        self.queue = queue
        self.waited = waited  # seconds spent waiting for the slot
        self._state = "admitted"  # -> "running" (its thread frees the slot) or "closed"
        self.stop = threading.Event()
        self.stopped_at = 0.0

    def close(self) -> None:
        """Give the slot back if no generation was started with it (idempotent)."""
        if self._state == "admitted":
            self._state = "closed"
            self.queue.release()

    async def events(self, make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
        """The events of `make()`, produced in a thread. Leaving the loop early (a disconnect, an error, a
        break) sets `stop`: the thread closes the stream at its next event, and the slot is freed when the
        thread has ended. (`service.stop.stoppable` makes the model itself heed `stop` too.)"""
        if self._state != "admitted":
            raise RuntimeError("a slot runs one generation")
        self._state = "running"
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[tuple[str, object]] = asyncio.Queue()
        worker = threading.Thread(target=self._work, args=(make, inbox, loop), daemon=True, name="newsrag-answer")
        worker.start()
        try:
            while True:
                try:
                    kind, value = await asyncio.wait_for(inbox.get(), self.queue.idle_timeout)
                except TimeoutError:
                    raise BackendTimeoutError(self.queue.idle_timeout) from None
                if kind == "end":
                    return
                if kind == "error":
                    raise value  # type: ignore[misc]
                yield value  # type: ignore[misc]
        finally:
            self.stopped_at = time.monotonic()
            self.stop.set()

    def _work(self, make: Callable[[], Iterator[T]], inbox: asyncio.Queue[tuple[str, object]],
              loop: asyncio.AbstractEventLoop) -> None:
        def post(kind: str, value: object) -> None:
            try:
                loop.call_soon_threadsafe(inbox.put_nowait, (kind, value))
            except RuntimeError:  # the loop is gone (shutdown): nobody is listening
                self.stop.set()

        stream: Iterator[T] | None = None
        stopped = False
        began = time.monotonic()
        try:
            stream = make()
            for event in stream:
                if stopped := self.stop.is_set():
                    break
                post("event", event)
            post("end", None)
        except Exception as exc:
            post("error", exc)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                try:
                    close()  # GeneratorExit inside the pipeline (service.stop ends its model call at once)
                except Exception as exc:  # the stop raised inside the model's stream: expected
                    log.debug("closing the generation: %s", exc)
            if not stopped:
                self.queue.note(time.monotonic() - began)
            self.queue.release()
            if stopped:
                log.info("generation stopped: the client left; the slot was free %.2f s later",
                         time.monotonic() - self.stopped_at)
