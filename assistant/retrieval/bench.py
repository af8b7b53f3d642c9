"""Retrieval benchmark: index build time, warm query latency, peak memory, and growth with corpus size.

``bench_retrieval(settings) -> dict`` (``policy-qa bench retrieval``; for development
``python -m assistant.retrieval.bench``). A benchmark, not a timed test: it prints figures, it asserts nothing.

Scale-out uses synthetic clauses: copies of the real clauses under synthetic policy ids, each with a few words
of other clauses appended (so BM25 sees distinct documents) and a vector that is the source clause's vector
plus small Gaussian noise (embedding 20 000 texts with the real model would take minutes and measure the
model, not the retrieval). Queries are always embedded by the real model.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.corpus import Corpus, Policy, load_corpus
from assistant.retrieval.embedders import Embedder, load_embedder
from assistant.retrieval.evaluation import DEFAULT_DATASET, load_cases
from assistant.retrieval.index import records_for
from assistant.retrieval.retriever import Retriever

SCALES: tuple[int, ...] = (1, 100, 1000)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kilobytes on Linux


def _percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]

    return {
        "p50_ms": round(pick(0.50), 2),
        "p95_ms": round(pick(0.95), 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "n": len(ordered),
    }


def _latencies(
    retriever: Retriever, queries: Sequence[str], rounds: int, cold_embedding: bool = True
) -> list[float]:
    """Milliseconds per ``search`` call; ``cold_embedding`` clears the query-vector cache so every call runs
    the model (the realistic case: users rarely repeat a question verbatim)."""
    retriever.search(queries[0])  # warm-up
    samples: list[float] = []
    for _ in range(rounds):
        for query in queries:
            if cold_embedding:
                retriever._query_vectors.clear()
            started = time.perf_counter()
            retriever.search(query, k=5)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


class _SyntheticEmbedder:
    """Looks up precomputed vectors for the synthetic clause texts; embeds anything else (queries) for real."""

    def __init__(self, real: Embedder, vectors: dict[str, np.ndarray]) -> None:
        self.real = real
        self.name = f"{real.name}-synthetic"
        self.dim = real.dim
        self._vectors = vectors

    @property
    def fingerprint(self) -> str:
        return f"synthetic:{self.real.fingerprint}:{len(self._vectors)}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        known = [self._vectors.get(t) for t in texts]
        if all(v is not None for v in known):
            return np.stack(known)  # type: ignore[arg-type]
        return self.real.encode(texts)


def synthetic_corpus(corpus: Corpus, copies: int, seed: int = 7) -> Corpus:
    """``copies`` copies of every policy under synthetic ids, each clause text salted with other clauses' words."""
    rng = random.Random(seed)
    words = [w for c in corpus.clauses() for w in c.text.replace("，", " ").replace("。", " ").split() if w]
    policies: dict[str, Policy] = {}
    for policy in corpus:
        for n in range(copies):
            pid = policy.policy_id if n == 0 else f"{policy.policy_id}-synthetic-{n:04d}"
            clauses = tuple(
                c
                if n == 0
                else replace(c, policy_id=pid, text=c.text + "".join(rng.sample(words, k=min(3, len(words)))))
                for c in policy.clauses
            )
            policies[pid] = Policy(
                meta=replace(policy.meta, policy_id=pid), text=policy.text, clauses=clauses
            )
    return Corpus(policies=policies, root=corpus.root)


def _scale_point(
    settings: Settings, corpus: Corpus, real: Embedder, copies: int, queries: Sequence[str], rounds: int
) -> dict[str, Any]:
    big = synthetic_corpus(corpus, copies)
    records = records_for(big)
    originals = records_for(corpus)
    # a synthetic record takes the vector of the real record with the same clause id and chunk, plus noise
    base = {
        (r.clause.clause_id, r.chunk): v
        for r, v in zip(originals, real.encode([r.document for r in originals]), strict=True)
    }
    rng = np.random.default_rng(copies)
    vectors: dict[str, np.ndarray] = {}
    for record in records:
        key = (record.clause.clause_id, record.chunk)
        vector = base[key] if key in base else base[(record.clause.clause_id, 0)]
        if record.clause.policy_id not in corpus.policies:
            vector = vector + rng.normal(0, 0.05, size=vector.shape).astype(np.float32)
        vectors[record.document] = (vector / np.linalg.norm(vector)).astype(np.float32)
    embedder = _SyntheticEmbedder(real, vectors)
    started = time.perf_counter()
    retriever = Retriever(settings, embedder=embedder, corpus=big, rebuild=True)
    build = time.perf_counter() - started
    memory = _percentiles(_latencies(retriever, queries, rounds))
    chroma = Retriever(settings, embedder=embedder, corpus=big, dense_backend="chroma")
    chroma_lat = _percentiles(_latencies(chroma, queries, rounds))
    retriever.index.delete(retriever.collection)
    return {
        "scale": f"{copies}x",
        "clauses": len(retriever.clauses),
        "records": len(retriever.records),
        "build_s": round(build, 2),
        "query_memory_dense": memory,
        "query_chroma_dense": chroma_lat,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def bench_retrieval(
    settings: Settings,
    scales: Sequence[int] = SCALES,
    rounds: int = 3,
    embedder: str | None = None,
    dataset_path: Path | None = None,
) -> dict[str, Any]:
    """Measure the retriever with the configured (or given) embedder; returns a JSON-ready dict."""
    queries = [c.query for c in load_cases(dataset_path or DEFAULT_DATASET)]
    name = embedder or settings.embedding_model
    with tempfile.TemporaryDirectory(prefix="policy-qa-bench-") as tmp:
        bench_settings = replace(settings, home=Path(tmp), chroma_host=None)
        rss_start = _peak_rss_mb()
        started = time.perf_counter()
        real = load_embedder(name)
        model_load = time.perf_counter() - started
        corpus = load_corpus(settings.corpus_dir)
        started = time.perf_counter()
        retriever = Retriever(bench_settings, embedder=real, corpus=corpus, rebuild=True)
        build = time.perf_counter() - started
        started = time.perf_counter()
        Retriever(bench_settings, embedder=real, corpus=corpus)
        reopen = time.perf_counter() - started
        warm = _percentiles(_latencies(retriever, queries, rounds))
        cached = _percentiles(_latencies(retriever, queries, rounds, cold_embedding=False))
        by_method: dict[str, Any] = {}
        for method in ("bm25", "dense"):
            samples = []
            for query in queries:
                retriever._query_vectors.clear()
                t0 = time.perf_counter()
                retriever.search(query, method=method)
                samples.append((time.perf_counter() - t0) * 1000)
            by_method[method] = _percentiles(samples)
        embed_samples = []
        for query in queries:
            t0 = time.perf_counter()
            real.encode([query])
            embed_samples.append((time.perf_counter() - t0) * 1000)
        rss_single = _peak_rss_mb()
        growth = [_scale_point(bench_settings, corpus, real, copies, queries[:40], 1) for copies in scales]
    return {
        "embedder": real.name,
        "clauses": len(retriever.clauses),
        "records": len(retriever.records),
        "model_load_s": round(model_load, 2),
        "index_build_s": round(build, 2),
        "index_reopen_s": round(reopen, 2),
        "warm_query": warm,
        "warm_query_cached_embedding": cached,
        "bm25_only": by_method["bm25"],
        "dense_only": by_method["dense"],
        "query_embedding": _percentiles(embed_samples),
        "peak_rss_mb_start": round(rss_start, 1),
        "peak_rss_mb": round(rss_single, 1),
        "growth": growth,
        "peak_rss_mb_after_growth": round(_peak_rss_mb(), 1),
        "queries": len(queries),
        "rounds": rounds,
    }


def format_bench(result: dict[str, Any]) -> str:
    """A short printable summary of :func:`bench_retrieval`'s dict."""
    w = result["warm_query"]
    lines = [
        f"检索基准（嵌入模型 {result['embedder']}，{result['clauses']} 个条款 / {result['records']} 条记录）",
        f"  模型加载 {result['model_load_s']} s；建索引 {result['index_build_s']} s；重新打开 {result['index_reopen_s']} s",
        f"  热查询（每次都算查询向量）p50 {w['p50_ms']} ms，p95 {w['p95_ms']} ms（{w['n']} 次）",
        f"  热查询（查询向量已缓存）p50 {result['warm_query_cached_embedding']['p50_ms']} ms，"
        f"p95 {result['warm_query_cached_embedding']['p95_ms']} ms",
        f"  其中查询向量 p50 {result['query_embedding']['p50_ms']} ms；仅 BM25 p95 {result['bm25_only']['p95_ms']} ms；"
        f"仅向量 p95 {result['dense_only']['p95_ms']} ms",
        f"  峰值内存 {result['peak_rss_mb']} MB（扩展测试后 {result['peak_rss_mb_after_growth']} MB）",
        "  规模增长（合成条款）：",
        f"    {'规模':<6}{'条款':>8}{'建索引 s':>10}{'内存向量 p50/p95 ms':>22}{'Chroma 查询 p50/p95 ms':>24}",
    ]
    for g in result["growth"]:
        m, c = g["query_memory_dense"], g["query_chroma_dense"]
        lines.append(
            f"    {g['scale']:<6}{g['clauses']:>8}{g['build_s']:>10}"
            f"{m['p50_ms']:>12} / {m['p95_ms']:<8}{c['p50_ms']:>12} / {c['p95_ms']:<8}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="检索基准：建索引时间、查询延迟、内存、规模增长")
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--scales", default=",".join(map(str, SCALES)), help="逗号分隔的倍数，如 1,100,1000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    result = bench_retrieval(Settings.from_env(), scales=scales, rounds=args.rounds, embedder=args.embedder)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_bench(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
