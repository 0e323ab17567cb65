"""Chat model adapters behind LangChain's `BaseChatModel`: the bundled GGUF through llama-cpp-python,
or any OpenAI-compatible server through langchain-openai."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from rag.config import Settings
from rag.limits import PromptTooLongError
from rag.models import cpus


class LLMError(RuntimeError):
    """The language model could not answer (server down, model missing); the message says which and why."""


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_TEMPLATE_TOKENS = 8  # Qwen's `<|im_start|>role\n … <|im_end|>\n` around each message, with a margin


class StreamingChat(BaseChatModel):
    """A chat model that implements only `_stream`; a whole reply is its streamed chunks joined."""

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(str(c.message.content) for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


class LlamaCppChat(StreamingChat):
    """A local GGUF model, loaded on first use and kept for the life of the process.

    llama.cpp keeps the KV cache of the previous prompt and re-evaluates only what differs, so the fixed
    system prompt at the head of every request is read once per process, not once per question.
    """

    model_path: str
    n_ctx: int = 2048
    n_threads: int = 0
    max_tokens: int = 200
    temperature: float = 0.0
    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def name_for_display(self) -> str:
        return Path(self.model_path).name

    def _load(self) -> Any:
        if self._llama is None:
            from llama_cpp import Llama

            threads = self.n_threads or cpus()
            self._llama = Llama(
                model_path=self.model_path, n_ctx=self.n_ctx, n_threads=threads, n_threads_batch=threads,
                n_batch=512, verbose=False,
            )
        return self._llama

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenize(text.encode(), add_bos=False, special=True))

    def _check_window(self, payload: list[dict[str, str]], max_tokens: int) -> None:
        """Never ask with more than the window holds: llama.cpp would fail with an error that reads like a
        broken backend. The chat template adds a few tokens a message."""
        tokens = sum(self.count_tokens(m["content"]) + _TEMPLATE_TOKENS for m in payload)
        if tokens + max_tokens > self.n_ctx:
            raise PromptTooLongError(tokens, self.n_ctx, max_tokens)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        payload = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        # One generation at a time: the model and its KV cache are shared by every caller in the process.
        with self._lock:
            llama = self._load()
            self._check_window(payload, max_tokens)
            for part in llama.create_chat_completion(
                payload, stream=True, max_tokens=max_tokens,
                temperature=self.temperature, stop=stop,
            ):
                delta = part["choices"][0]["delta"].get("content") or ""
                if delta:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The configured backend: an OpenAI-compatible server when `llm_url` is set, else the bundled model."""
    if settings.llm_url:
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover - installed with newsrag
            raise RuntimeError("the OpenAI-compatible backend needs langchain-openai") from exc
        return ChatOpenAI(
            base_url=settings.llm_url, model=settings.llm_model or "default",
            api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
            temperature=0.0, max_completion_tokens=settings.max_answer_tokens, streaming=True,
            timeout=settings.llm_timeout, max_retries=1,
        )
    from rag.models.files import model_file

    path = model_file(settings.local_model, settings.model_cache)
    return LlamaCppChat(model_path=str(path), n_ctx=settings.n_ctx, max_tokens=settings.max_answer_tokens)


def model_label(model: BaseChatModel) -> str:
    """A short name for the UI and reports."""
    if isinstance(model, LlamaCppChat):
        return model.name_for_display
    return str(getattr(model, "model_name", None) or getattr(model, "model", None) or type(model).__name__)
