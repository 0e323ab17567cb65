"""The collections under one home, as `newsrag collections` and the chat's picker list them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from rag.config import COLLECTION_NAME, DEFAULT_COLLECTION, Settings
from rag.store import catalogue as cat


@dataclass(frozen=True, slots=True)
class CollectionInfo:
    name: str
    folder: Path
    articles: int
    chunks: int
    last_indexed: str | None  # ISO time of the last commit (UTC)
    embed_model: str | None
    error: str | None = None  # why it cannot be read (a damaged catalogue)


def collection_names(home: Path) -> list[str]:
    """The default collection first (always: the chat starts there), then the named ones by name: a folder
    is a collection once an index run has made its catalogue (an empty leftover folder is not listed)."""
    folder = home / "collections"
    named = sorted(p.name for p in folder.iterdir()
                   if COLLECTION_NAME.fullmatch(p.name) and cat.path_for(p).is_file()) if folder.is_dir() else []
    return [DEFAULT_COLLECTION, *[n for n in named if n != DEFAULT_COLLECTION]]


def for_collection(settings: Settings, name: str) -> Settings:
    return dataclasses.replace(settings, collection=name)


def describe(settings: Settings) -> CollectionInfo:
    """What a collection holds, read from its catalogue (an empty one when nothing was indexed)."""
    path = cat.path_for(settings.folder)
    empty = CollectionInfo(settings.collection, settings.folder, 0, 0, None, None)
    if not path.exists():
        return empty
    catalogue = cat.Catalogue(path)
    try:
        meta = catalogue.meta()
        if meta is None:
            return empty
        return CollectionInfo(settings.collection, settings.folder, catalogue.article_count(),
                              catalogue.chunk_count(), catalogue.committed_at(), meta.embed_model)
    except cat.DamagedIndexError as exc:
        return dataclasses.replace(empty, error=str(exc))
    finally:
        catalogue.close()


def list_collections(settings: Settings) -> list[CollectionInfo]:
    return [describe(for_collection(settings, name)) for name in collection_names(settings.home)]
