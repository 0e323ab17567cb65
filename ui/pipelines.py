"""One pipeline per collection for the chat window: its collection picker switches between them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from rag.config import DEFAULT_COLLECTION, Settings
from rag.pipeline import Pipeline
from rag.store.collections import collection_names, for_collection

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
        self._listed: set[str] = set()  # collections seen on disk: one of them gone was deleted, not new

    def get(self, name: str | None = None) -> Pipeline:
        return self._built.get(name or self.settings.collection)

    def names(self) -> list[str]:
        names = collection_names(self.settings.home)
        self._listed.update(names)
        started = self.settings.collection  # listed before its first index, but not once it was deleted
        return names if started in names or started in self._listed else [*names, started]

    def fallback(self) -> str:
        """Where a tab goes when its collection was deleted: the one the window started with, if it is still here."""
        return DEFAULT_COLLECTION if self.deleted(self.settings.collection) else self.settings.collection

    def deleted(self, name: str) -> bool:
        """`name` was listed by this window and has been deleted since (`newsrag collections --delete`)."""
        return name in self._listed and name != DEFAULT_COLLECTION and name not in collection_names(self.settings.home)
