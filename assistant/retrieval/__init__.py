"""Hybrid clause retrieval: Chroma index + offline embedders + jieba BM25, fused by reciprocal rank.

Public API::

    from assistant.retrieval import Retriever, Hit, get_retriever
    retriever = get_retriever(settings)            # loads the model and opens/builds the index once
    hits = retriever.search("贯标给多少", k=5, as_of=date(2025, 6, 1))
    retriever.answerable(hits)                     # False: nothing in the corpus answers (relevance floor)

``bench_retrieval`` (``assistant.retrieval.bench``) times it; the eval stage scores it
(``assistant.evals.retrieval_eval``). Nothing is loaded at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.retrieval.bench import bench_retrieval
    from assistant.retrieval.retriever import Hit, Retriever, get_retriever

__all__ = ["Hit", "Retriever", "bench_retrieval", "get_retriever"]

_LOCATIONS = {
    "Hit": "assistant.retrieval.retriever",
    "Retriever": "assistant.retrieval.retriever",
    "get_retriever": "assistant.retrieval.retriever",
    "bench_retrieval": "assistant.retrieval.bench",
}


def __getattr__(name: str) -> Any:
    """Import lazily, so ``import assistant.retrieval`` does not pull in torch or chromadb."""
    if name in _LOCATIONS:
        import importlib

        return getattr(importlib.import_module(_LOCATIONS[name]), name)
    raise AttributeError(name)
