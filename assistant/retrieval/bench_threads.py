"""The retrieval benchmark's threads test: warm search latency with busy processes (artificial CPU load) running
beside it, for each query thread count. See :mod:`assistant.retrieval.bench`, which re-exports every public name
here.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assistant.retrieval.bench_measure import _latencies, _percentiles
from assistant.retrieval.retriever import Retriever

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
