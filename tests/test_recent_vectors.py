"""The embedder answers a repeated single text from its recent vectors (one turn embeds the message twice: the
intent reader, then retrieval), never a batch; clearing forgets them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assistant.retrieval.recent_vectors import RecentVectors


def test_least_recently_used_text_is_dropped_and_vectors_are_copies() -> None:
    recent = RecentVectors(size=2)
    a = np.ones(3)
    recent.put("a", a)
    a[0] = 9.0  # the caller's array changing later does not change what was kept
    recent.put("b", np.zeros(3))
    assert recent.get("a") is not None  # "a" is now the most recent
    recent.put("c", np.zeros(3))
    assert recent.get("b") is None
    got = recent.get("a")
    assert got is not None and got.tolist() == [1.0, 1.0, 1.0]
    got[1] = 5.0
    assert recent.get("a").tolist() == [1.0, 1.0, 1.0]  # type: ignore[union-attr]
    recent.clear()
    assert recent.get("a") is None


def test_the_real_embedder_encodes_a_repeated_text_once(embedder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    model = embedder._model if hasattr(embedder, "_model") else None
    if model is None:
        pytest.skip("embedder without an inner model")
    calls: list[list[str]] = []
    real = model.encode

    def counting(texts: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(list(texts))
        return real(texts, *args, **kwargs)

    monkeypatch.setattr(model, "encode", counting)
    embedder.recent.clear()
    first = embedder.encode(["智能工厂能补多少"])
    second = embedder.encode(["智能工厂能补多少"])
    np.testing.assert_array_equal(first, second)
    assert len(calls) == 1
    embedder.encode(["智能工厂能补多少", "贯标"])
    embedder.encode(["智能工厂能补多少", "贯标"])
    assert len(calls) == 3  # batches are always encoded
    embedder.recent.clear()
    embedder.encode(["智能工厂能补多少"])
    assert len(calls) == 4
