"""newsrag's online path: `retrieve`, `answer` and `stream` over the index built by `index/`."""

from rag.api import configure, retrieve
from rag.config import Settings
from rag.types import Answer, Citation, Filters, Passage

__all__ = ["Answer", "Citation", "Filters", "Passage", "Settings", "configure", "retrieve"]
