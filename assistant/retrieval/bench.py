"""Retrieval benchmark: index build time, warm query latency, peak memory, and growth with corpus size.

``bench_retrieval(settings) -> dict`` (``policy-qa bench retrieval``; for development
``python -m assistant.retrieval.bench``). A benchmark, not a timed test: it prints figures, it asserts nothing.

Scale-out uses synthetic policies: copies of the real policies under synthetic ids, each clause with a few words
of other clauses appended (so BM25 sees distinct documents) and a vector that is the source clause's vector
plus small Gaussian noise (embedding 25 000 texts with the real model would take minutes and measure the
model, not the retrieval). Queries are always embedded by the real model. Each scale point runs in a process of
its own (``--point N``), so its peak memory is its own: full build, warm searches (all policies, and filtered to
two), one more policy added incrementally, and the index opened again.

The pieces: :mod:`~assistant.retrieval.bench_measure` (latency percentiles, memory),
:mod:`~assistant.retrieval.bench_synthetic` (synthetic policies and vectors),
:mod:`~assistant.retrieval.bench_scale` (one scale point, and its serving half, in a process of its own) and
:mod:`~assistant.retrieval.bench_threads` (latency under CPU load); this module runs them all, prints the summary
and re-exports their public names.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.corpus import load_corpus
from assistant.retrieval.bench_measure import _latencies, _peak_rss_mb, _percentiles
from assistant.retrieval.bench_scale import _scale_point_in_process, open_point, scale_point
from assistant.retrieval.bench_synthetic import synthetic_corpus
from assistant.retrieval.bench_threads import LOADS, THREADS, bench_threads
from assistant.retrieval.embedders import load_embedder
from assistant.retrieval.queries import DEFAULT_DATASET, load_cases
from assistant.retrieval.retriever import Retriever

__all__ = [
    "LOADS",
    "SCALES",
    "THREADS",
    "bench_retrieval",
    "bench_threads",
    "format_bench",
    "main",
    "open_point",
    "scale_point",
    "synthetic_corpus",
]

SCALES: tuple[int, ...] = (1, 100, 1000)


def bench_retrieval(
    settings: Settings,
    scales: Sequence[int] = SCALES,
    rounds: int = 3,
    embedder: str | None = None,
    dataset_path: Path | None = None,
    loads: Sequence[int] = LOADS,
) -> dict[str, Any]:
    """Measure the retriever with the configured (or given) embedder; returns a JSON-ready dict."""
    queries = [c.query for c in load_cases(dataset_path or DEFAULT_DATASET)]
    name = embedder or settings.embedding_model
    with tempfile.TemporaryDirectory(prefix="policy-qa-bench-") as tmp:
        bench_settings = replace(settings, home=Path(tmp), chroma_host=None)
        rss_start = _peak_rss_mb()
        started = time.perf_counter()
        real = load_embedder(name, settings.embed_threads)
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
        threads = bench_threads(retriever, queries[:60], loads) if loads else []
        growth = [_scale_point_in_process(settings, copies, 1, embedder) for copies in scales]
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
        "embed_threads": settings.embed_threads,
        "threads_under_load": threads,
        "growth": growth,
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
        f"  峰值内存 {result['peak_rss_mb']} MB；查询向量化线程 {result['embed_threads']}",
        "  CPU 负载下的查询线程数（忙进程数 × 线程数：查询向量化 p50/p95，整次检索 p50/p95，毫秒）：",
        *[
            f"    负载 {t['load']}  线程 {t['threads']}：向量化 {t['embed_query']['p50_ms']} / {t['embed_query']['p95_ms']}，"
            f"检索 {t['search']['p50_ms']} / {t['search']['p95_ms']}"
            for t in result.get("threads_under_load", [])
        ],
        "  规模增长（合成政策，每点一个独立进程）：",
        f"    {'规模':<7}{'政策':>6}{'条款':>8}{'全量建索引 s':>12}{'增量加一政策 s':>14}{'建索引进程峰值 MB':>16}"
        f"{'打开 s':>8}{'服务进程热查询 p50/p95 ms':>26}{'服务进程峰值 MB':>16}{'限两政策 p95':>12}",
    ]
    for g in result["growth"]:
        serving, f = g["serving"], g["warm_query_two_policies"]
        w = serving["warm_query"]
        lines.append(
            f"    {g['scale']:<7}{g['policies']:>6}{g['clauses']:>8}{g['build_s']:>12}{g['add_one_policy_s']:>14}"
            f"{g['peak_rss_build_mb']:>16}{serving['open_s']:>8}{w['p50_ms']:>14} / {w['p95_ms']:<9}"
            f"{serving['peak_rss_mb']:>16}{f['p95_ms']:>12}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="检索基准：建索引时间、查询延迟、内存、规模增长")
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--scales", default=",".join(map(str, SCALES)), help="逗号分隔的倍数，如 1,100,1000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--point", type=int, default=None, help="只测一个规模点（在本进程内，输出一行 JSON）")
    parser.add_argument("--open", type=int, default=None, help="打开 --point 留下的索引并测热查询（输出一行 JSON）")
    parser.add_argument("--loads", default=",".join(map(str, LOADS)), help="线程测试的忙进程数，逗号分隔；空则跳过")
    args = parser.parse_args(argv)
    if args.open is not None:
        print(json.dumps(open_point(Settings.from_env(), args.open, args.rounds, args.embedder), ensure_ascii=False))
        return 0
    if args.point is not None:
        print(json.dumps(scale_point(Settings.from_env(), args.point, args.rounds, args.embedder), ensure_ascii=False))
        return 0
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    loads = [int(n) for n in args.loads.split(",") if n.strip()]
    result = bench_retrieval(
        Settings.from_env(), scales=scales, rounds=args.rounds, embedder=args.embedder, loads=loads
    )
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_bench(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
