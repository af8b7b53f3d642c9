"""Measuring for the retrieval benchmark: latency percentiles of warm searches, and this process's resident and
peak memory. See :mod:`assistant.retrieval.bench`.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Sequence

from assistant.retrieval.retriever import Retriever


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
