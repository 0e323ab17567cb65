"""Stopping a generation at the model's next token, when its client has gone.

Closing the pipeline's event stream is not enough on its own: LangChain's streaming helper
(`Runnable._transform_stream_with_config`) answers GeneratorExit by reading the rest of its input for its
trace, so the model would write the whole answer (up to `max_answer_tokens`) for nobody. A callback
handler, handed down through LangChain's context config to every model call of the generation thread,
raises at the next token once the stop flag is set, which ends the model's stream (and releases the
bundled model's lock, or closes the request to an `llm_url` server).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables.config import var_child_runnable_config

T = TypeVar("T")


class GenerationStopped(RuntimeError):
    """Raised inside the model's stream: the client of this generation has gone."""


class _StopAtNextToken(BaseCallbackHandler):
    raise_error = True  # LangChain re-raises it inside the model's stream instead of logging it

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def on_llm_new_token(self, token: str | list[str | dict[str, Any]], *, chunk: Any = None, run_id: UUID,
                         parent_run_id: UUID | None = None, tags: list[str] | None = None, **kwargs: Any) -> None:
        if self.stop.is_set():
            raise GenerationStopped("the client left")


class _QuietStops(logging.Filter):
    """LangChain logs every exception a handler raises as a warning; a stop is not one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.args and _StopAtNextToken.__name__ in record.args)


_quiet = _QuietStops()


def stoppable(make: Callable[[], Iterator[T]], stop: threading.Event) -> Callable[[], Iterator[T]]:
    """`make`, run so that every LangChain model call it makes stops at its next token once `stop` is set.
    Call the result in the thread that iterates the stream (the config lives in that thread's context)."""
    logging.getLogger("langchain_core.callbacks.manager").addFilter(_quiet)  # added once however often

    def run() -> Iterator[T]:
        var_child_runnable_config.set({"callbacks": [_StopAtNextToken(stop)]})
        return make()

    return run
