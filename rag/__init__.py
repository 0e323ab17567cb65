"""newsrag's online path: `retrieve`, `answer` and `stream` over the index built by `index/`."""

from rag.api import answer, configure, retrieve, stream
from rag.config import Settings
from rag.types import Answer, Citation, Filters, Item, Passage, Sources, Token

__all__ = [
    "Answer", "Citation", "Filters", "Item", "Passage", "Settings", "Sources", "Token",
    "answer", "configure", "retrieve", "stream",
]
