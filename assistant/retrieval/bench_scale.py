"""The growth curve of the retrieval benchmark: one scale point per process (``python -m assistant.retrieval.bench
--point N``), so its peak memory is its own: a full build of N synthetic copies of the corpus, warm searches (all
policies, and filtered to two), one more policy added incrementally, and then a serving process (``--open N``)
that opens the index again and searches. See :mod:`assistant.retrieval.bench`, which re-exports
:func:`scale_point` and :func:`open_point`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.corpus import Corpus, load_corpus
from assistant.retrieval.bench_measure import _latencies, _peak_rss_mb, _percentiles, _rss_mb
from assistant.retrieval.bench_synthetic import _synthetic_vectors, _SyntheticEmbedder, synthetic_corpus
from assistant.retrieval.embedders import load_embedder
from assistant.retrieval.queries import DEFAULT_DATASET, load_cases
from assistant.retrieval.records import records_for
from assistant.retrieval.retriever import Retriever


def scale_point(settings: Settings, copies: int, rounds: int = 1, embedder: str | None = None) -> dict[str, Any]:
    """One point of the growth curve, meant to run in a process of its own (``--point``), so its peak RSS is its
    own: ``copies`` synthetic copies of the corpus's policies are indexed from scratch, then searched (warm: model
    and index loaded, every query embedded), searched with a filter on two policies, grown by one more policy
    incrementally (``add_policy``), and opened again by a new retriever."""
    real = load_embedder(embedder or settings.embedding_model, settings.embed_threads)
    corpus = load_corpus(settings.corpus_dir)
    queries = [c.query for c in load_cases(DEFAULT_DATASET)]
    # one more copy than indexed: the last one is the policy added incrementally
    big_plus = synthetic_corpus(corpus, copies + 1)
    extra_id = list(big_plus.policies)[-1]
    big = Corpus(policies={k: v for k, v in big_plus.policies.items() if k != extra_id}, root=corpus.root)
    synthetic = _SyntheticEmbedder(real, _synthetic_vectors(corpus, big_plus, real, copies + 1))
    started = time.perf_counter()
    retriever = Retriever(settings, embedder=synthetic, corpus=big, rebuild=True)
    build = time.perf_counter() - started
    rss_built = _rss_mb()
    warm = _percentiles(_latencies(retriever, queries, rounds))
    two = list(big.policies)[:2]
    filtered = _percentiles(_latencies(retriever, queries, 1, policy_id=two))
    started = time.perf_counter()
    retriever.add_policy(big_plus.policy(extra_id))
    add_one = time.perf_counter() - started
    after_add = _percentiles(_latencies(retriever, queries[:40], 1))
    found = retriever.search(queries[0], k=50, policy_id=extra_id)
    retriever.close()
    serving = _in_process(settings, copies, rounds, embedder, "--open", settings.home)
    return {
        "scale": f"{copies}x",
        "policies": len(big.policies),
        "clauses": len(big.clauses()),
        "records": len(records_for(big)),
        "build_s": round(build, 2),
        "warm_query": warm,
        "warm_query_two_policies": filtered,
        "add_one_policy_s": round(add_one, 3),
        "add_one_policy_found": bool(found),
        "warm_query_after_add": after_add,
        "bm25_mb": round(retriever.bm25.nbytes / 2**20, 1),
        "vectors_mb": round(retriever._state.vectors.nbytes / 2**20, 1),
        "rss_after_build_mb": round(rss_built, 1),
        "peak_rss_build_mb": round(_peak_rss_mb(), 1),
        "serving": serving,
    }


def open_point(settings: Settings, copies: int, rounds: int = 1, embedder: str | None = None) -> dict[str, Any]:
    """The serving process of a scale point: open the index :func:`scale_point` left (the extra policy included),
    then warm searches. Its peak RSS is what a running assistant holds with that many policies."""
    real = load_embedder(embedder or settings.embedding_model, settings.embed_threads)
    corpus = load_corpus(settings.corpus_dir)
    queries = [c.query for c in load_cases(DEFAULT_DATASET)]
    big_plus = synthetic_corpus(corpus, copies + 1)
    synthetic = _SyntheticEmbedder(real, _synthetic_vectors(corpus, big_plus, real, copies + 1))
    started = time.perf_counter()
    retriever = Retriever(settings, embedder=synthetic, corpus=big_plus)
    opened = time.perf_counter() - started
    if retriever.status.changed:
        raise RuntimeError(f"the index was not up to date: {retriever.status.message()}")
    warm = _percentiles(_latencies(retriever, queries, rounds))
    return {
        "open_s": round(opened, 2),
        "warm_query": warm,
        "rss_mb": round(_rss_mb(), 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def _in_process(
    settings: Settings, copies: int, rounds: int, embedder: str | None, mode: str, home: Path | None = None
) -> dict[str, Any]:
    """Run a scale point (``--point``) or its serving half (``--open``) in a fresh Python process."""
    with tempfile.TemporaryDirectory(prefix="policy-qa-bench-scale-") as tmp:
        env = dict(os.environ, POLICY_QA_HOME=str(home or tmp), POLICY_QA_CORPUS=str(settings.corpus_dir))
        env.pop("CHROMA_HOST", None)
        command = [sys.executable, "-m", "assistant.retrieval.bench", mode, str(copies), "--rounds", str(rounds)]
        if embedder:
            command += ["--embedder", embedder]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(f"{mode} {copies}x failed: {done.stderr[-2000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _scale_point_in_process(settings: Settings, copies: int, rounds: int, embedder: str | None) -> dict[str, Any]:
    """Run :func:`scale_point` in a fresh Python process (its own peak RSS, its own state folder)."""
    return _in_process(settings, copies, rounds, embedder, "--point")
