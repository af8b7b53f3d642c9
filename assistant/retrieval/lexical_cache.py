"""What retrieval saves between starts (a cache: any file may be deleted at any time): the BM25 index, loaded only
when it is whole and has exactly the expected number of clauses (the newest :data:`LEXICAL_KEEP` files are kept),
and the embeddings of each policy's example questions for the learned reranker, named by a hash of the model and
the texts (the newest :data:`EXAMPLES_KEEP` files are kept).

Part of :mod:`assistant.retrieval.retriever`, which re-exports every public name here.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.retrieval.bm25 import BM25Index
from assistant.retrieval.embedders import Embedder
from assistant.retrieval.lexicon import Analyzer

#: The logger the retriever has always used (its messages keep their name in the app's log).
log = logging.getLogger("assistant.retrieval.retriever")

#: Bump when tokenisation or the BM25 layout changes: it is part of the saved BM25 index's file name.
LEXICAL_VERSION = 2
#: Folder under $POLICY_QA_HOME for saved BM25 indexes (a cache: any file may be deleted at any time).
LEXICAL_FOLDER = "lexical"
#: Saved BM25 indexes kept (the newest ones).
LEXICAL_KEEP = 3
#: Saved example-question embeddings kept (one file per policy and model; the newest ones).
EXAMPLES_KEEP = 16


def _load_bm25(path: Path | None, analyzer: Analyzer, clauses: int) -> BM25Index | None:
    """The saved BM25 index at ``path`` when it is there and whole (a bad file is ignored: it is only a cache)."""
    if path is None or not path.is_file():
        return None
    try:
        index = BM25Index.load(path, analyzer)
    except Exception as err:
        log.warning("忽略无法读取的检索缓存 %s：%s", path, err)
        return None
    if index.size != clauses:
        return None
    index.analyzer = analyzer
    return index


def _save_bm25(index: BM25Index, path: Path) -> None:
    """Save the BM25 index for the next start (skipped quietly when the state folder cannot be written)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        index.save(path)
        old = sorted(path.parent.glob("bm25-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)[LEXICAL_KEEP:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError as err:
        log.info("检索缓存未保存（%s）：%s", path, err)



def example_vectors(folder: Path | None, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """The embeddings of ``texts`` (a policy's example questions): from ``folder`` when saved there by an earlier
    start with the same model and texts, else embedded and saved (no folder: embedded, not saved)."""
    if folder is None:
        return np.asarray(embedder.encode(list(texts)), dtype=np.float32)
    key = hashlib.sha256(json.dumps([embedder.fingerprint, list(texts)], ensure_ascii=False).encode()).hexdigest()
    path = folder / f"examples-{key[:24]}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape == (len(texts), embedder.dim):
            return vectors
    except (OSError, ValueError):
        pass  # not saved yet, or unreadable: only a cache
    vectors = np.asarray(embedder.encode(list(texts)), dtype=np.float32)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
        old = sorted(folder.glob("examples-*.npy"), key=lambda p: p.stat().st_mtime, reverse=True)[EXAMPLES_KEEP:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError as err:
        log.info("例句向量缓存未保存（%s）：%s", path, err)
    return vectors
