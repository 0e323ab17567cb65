"""Deleting from an index: articles (the library's delete) and whole collections (`newsrag collections`)."""

from __future__ import annotations

import shutil

from index.pipeline import writer_lock
from index.sweep import noted
from rag.config import DEFAULT_COLLECTION
from rag.parts import Parts
from rag.store import catalogue as cat


class NotIndexedError(LookupError):
    """The article or collection to delete is not in the index."""


def delete_articles(parts: Parts, article_ids: list[str]) -> int:
    """Take articles out of the collection at once: their rows go in one commit (the next question no longer
    sees them), then their vectors. Index runs leave them out until their text changes. Returns the number
    of chunks removed."""
    folder = parts.settings.folder
    with writer_lock(folder):
        catalogue = cat.Catalogue.create(folder)
        try:
            meta = catalogue.meta()
            found = [(aid, view.title) for aid in article_ids if (view := catalogue.article(aid))]
            if meta is None or not found:
                raise NotIndexedError(f"no such article in collection {parts.settings.collection!r}")
            catalogue.commit(cat.Change(meta.collection, meta.embed_model, meta.chunking, drop_articles=found))
            pending = catalogue.pending_deletes()
            parts.open_store(meta.collection).delete(pending)
            catalogue.clear_pending(pending)
            return len(pending)
        finally:
            catalogue.close()


def delete_collection(parts: Parts) -> None:
    """Drop a named collection: on a Chroma server its vector collections (they would outlive the folder),
    then its folder (which holds the embedded Chroma data). The default collection is started over with
    `newsrag index --rebuild` instead."""
    settings = parts.settings
    if settings.collection == DEFAULT_COLLECTION:
        raise ValueError(f"the default collection {DEFAULT_COLLECTION!r} cannot be deleted; "
                         "`newsrag index --rebuild PATH` starts it over")
    folder = settings.folder
    if not cat.path_for(folder).exists():
        raise NotIndexedError(f"there is no collection {settings.collection!r} in {settings.home}")
    with writer_lock(folder):
        if settings.chroma_url:
            _drop_vectors(parts)
    shutil.rmtree(folder)


def _drop_vectors(parts: Parts) -> None:
    """Every vector collection the catalogue names, or a killed run noted."""
    folder = parts.settings.folder
    names = set(noted(folder))
    try:
        catalogue = cat.Catalogue(cat.path_for(folder))
        meta = catalogue.meta()
        catalogue.close()
        if meta:
            names.add(meta.collection)
    except cat.DamagedIndexError:
        found = cat.salvage_collection(folder, parts.settings.collection)
        names.update([found] if found else [])
    for name in sorted(names):
        parts.open_store(name).drop()
