"""One pipeline per collection for the chat window: its collection picker switches between them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from rag.collections import collection_names, for_collection
from rag.config import Settings
from rag.pipeline import Pipeline

T = TypeVar("T")


class PerCollection(Generic[T]):
    """One `T` per collection name, made on first use and kept (thread-safe: Gradio serves several tabs)."""

    def __init__(self, make: Callable[[str], T]) -> None:
        self._make = make
        self._built: dict[str, T] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> T:
        with self._lock:
            if name not in self._built:
                self._built[name] = self._make(name)
            return self._built[name]


class Pipelines:
    """One pipeline per collection, built on first use and kept (the chat's collection picker switches
    between them; the LLM and the embedder are shared by all of them)."""

    def __init__(self, settings: Settings, make: Callable[[str], Pipeline] | None = None) -> None:
        self.settings = settings
        self._built = PerCollection(make or (lambda name: Pipeline(for_collection(settings, name))))

    def get(self, name: str | None = None) -> Pipeline:
        return self._built.get(name or self.settings.collection)

    def names(self) -> list[str]:
        names = collection_names(self.settings.home)
        return names if self.settings.collection in names else [*names, self.settings.collection]
