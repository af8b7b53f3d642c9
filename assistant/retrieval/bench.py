"""Retrieval benchmark: index build time, warm query latency, peak memory, and growth with corpus size.

``bench_retrieval(settings) -> dict`` (``policy-qa bench retrieval``; for development
``python -m assistant.retrieval.bench``). A benchmark, not a timed test: it prints figures, it asserts nothing.

Scale-out uses synthetic policies: copies of the real policies under synthetic ids, each clause with a few words
of other clauses appended (so BM25 sees distinct documents) and a vector that is the source clause's vector
plus small Gaussian noise (embedding 25 000 texts with the real model would take minutes and measure the
model, not the retrieval). Queries are always embedded by the real model. Each scale point runs in a process of
its own (``--point N``), so its peak memory is its own: full build, warm searches (all policies, and filtered to
two), one more policy added incrementally, and the index opened again.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
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
    """This process's peak resident memory. On Linux, VmHWM of /proc/self/status: ``ru_maxrss`` is inherited
    across fork and exec, so a child started by a bigger process would report its parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
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


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def _latencies(
    retriever: Retriever,
    queries: Sequence[str],
    rounds: int,
    cold_embedding: bool = True,
    policy_id: Sequence[str] | None = None,
) -> list[float]:
    """Milliseconds per ``search`` call; ``cold_embedding`` clears the query-vector cache so every call runs
    the model (the realistic case: users rarely repeat a question verbatim)."""
    retriever.search(queries[0])  # warm-up
    samples: list[float] = []
    for _ in range(rounds):
        for query in queries:
            if cold_embedding:
                retriever.clear_caches()
            started = time.perf_counter()
            retriever.search(query, k=5, policy_id=policy_id)
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


def _synthetic_vectors(corpus: Corpus, big: Corpus, real: Embedder, copies: int) -> dict[str, np.ndarray]:
    """A vector per synthetic record: the real record's (same clause id and chunk) plus a little noise."""
    originals = records_for(corpus)
    base = {
        (r.clause.clause_id, r.chunk): v
        for r, v in zip(originals, real.encode([r.document for r in originals]), strict=True)
    }
    rng = np.random.default_rng(copies)
    vectors: dict[str, np.ndarray] = {}
    for record in records_for(big):
        key = (record.clause.clause_id, record.chunk)
        vector = base[key] if key in base else base[(record.clause.clause_id, 0)]
        if record.clause.policy_id not in corpus.policies:
            vector = vector + rng.normal(0, 0.05, size=vector.shape).astype(np.float32)
        vectors[record.document] = (vector / np.linalg.norm(vector)).astype(np.float32)
    return vectors


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


#: Busy processes (artificial CPU load) and query thread counts of the threads benchmark.
LOADS: tuple[int, ...] = (0, 2, 4, 8)
THREADS: tuple[int, ...] = (1, 2)
_BUSY = "import time\nend = time.time() + {seconds}\nwhile time.time() < end:\n    pass\n"


def bench_threads(
    retriever: Retriever,
    queries: Sequence[str],
    loads: Sequence[int] = LOADS,
    threads: Sequence[int] = THREADS,
) -> list[dict[str, Any]]:
    """Warm search latency (every query embedded) with ``n`` busy processes running beside it, for each query
    thread count. The busy processes stop by themselves after two minutes and are ended here by their ids."""
    embedder = retriever.embedder
    original = getattr(embedder, "threads", None)
    settings = retriever.settings
    rows: list[dict[str, Any]] = []
    try:
        for load in loads:
            busy = [
                subprocess.Popen([sys.executable, "-c", _BUSY.format(seconds=120)]) for _ in range(load)
            ]
            try:
                time.sleep(0.5 if load else 0)
                for count in threads:
                    if original is not None:
                        embedder.threads = count  # type: ignore[attr-defined]
                    retriever.settings = replace(settings, embed_threads=count)
                    embed: list[float] = []
                    for query in queries:
                        started = time.perf_counter()
                        embedder.encode([query])
                        embed.append((time.perf_counter() - started) * 1000)
                    search = _percentiles(_latencies(retriever, queries, 1))
                    rows.append(
                        {"load": load, "threads": count, "embed_query": _percentiles(embed), "search": search}
                    )
            finally:
                for process in busy:
                    process.kill()
                    process.wait(timeout=10)
    finally:
        retriever.settings = settings
        if original is not None:
            embedder.threads = original  # type: ignore[attr-defined]
    return rows


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
