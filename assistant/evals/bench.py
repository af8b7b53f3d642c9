"""The benchmark (``policy-qa bench``): cold start, warm latency, index build time and peak memory.

- Cold start: a fresh Python process imports the assistant, builds it (model, index — already on disk) and
  answers one question; measured from spawning the process to the first answer.
- Warm latency: one assistant in this process, warmed up, then every turn of every eval case timed
  (p50 / p95 / max).
- Index build: the clause index built from scratch in a fresh process and a temporary state folder (the real
  one is untouched), with the model load timed separately.
- Peak RSS: of this process (assistant + warm timing), of the cold-start process and of the index-build
  process (``resource.getrusage``), plus current RSS (psutil).

Targets of issue #6 on the 2-core CPU: warm p95 ≤ 50 ms, cold start ≤ 10 s. This is a measurement, not a
test: it reports the targets and never fails on them.

The modules: :mod:`~assistant.evals.bench_measure` (warm latency, memory), :mod:`~assistant.evals.bench_fresh`
(cold start, index build, each in a fresh process) and :mod:`~assistant.evals.bench_format` (table, JSON file);
this module runs them all (:func:`bench_answers`) and re-exports their public names.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.evals.bench_format import format_bench, format_mapping, write_json
from assistant.evals.bench_fresh import (
    DEFAULT_FACTORY,
    TARGET_COLD_START_S,
    cold_question,
    index_build_here,
    measure_cold_start,
    measure_index_build,
)
from assistant.evals.bench_measure import (
    TARGET_WARM_P95_MS,
    _round,
    current_rss_mb,
    measure_warm_latency,
    peak_rss_mb,
)
from assistant.evals.dataset import load_cases
from assistant.evals.runner import AssistantFactory, default_assistant_factory

__all__ = [
    "cold_question",
    "DEFAULT_FACTORY",
    "TARGET_COLD_START_S",
    "TARGET_WARM_P95_MS",
    "bench_answers",
    "current_rss_mb",
    "format_bench",
    "format_mapping",
    "index_build_here",
    "measure_cold_start",
    "measure_index_build",
    "measure_warm_latency",
    "peak_rss_mb",
    "write_json",
]


def bench_answers(
    settings: Settings,
    paths: Sequence[Path | str] | None = None,
    *,
    assistant_factory: AssistantFactory | None = None,
    factory_path: str = DEFAULT_FACTORY,
    cold: bool = True,
    index: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The whole benchmark as a JSON-ready dict (see the module docstring)."""
    say = progress or (lambda _msg: None)
    cases = load_cases(paths)
    say("启动助手（进程内）…")
    started = time.perf_counter()
    assistant = (assistant_factory or default_assistant_factory)(settings)
    init_s = time.perf_counter() - started
    say(f"计时热启动延迟：{len(cases)} 个用例…")
    warm = measure_warm_latency(assistant, cases)
    warm["init_s"] = round(init_s, 3)
    memory = {"peak_rss_mb": round(peak_rss_mb(), 1), "rss_mb": _round(current_rss_mb(), 1)}
    cold_result: dict[str, Any] | None = None
    if cold:
        say("计时冷启动（新进程）…")
        cold_result = measure_cold_start(factory_path)
    index_result: dict[str, Any] | None = None
    if index:
        say("计时索引构建（临时目录）…")
        index_result = measure_index_build(settings)
    cold_s = (cold_result or {}).get("cold_start_s")
    return {
        "kind": "answers",
        "timestamp": datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "embedding_model": settings.embedding_model,
        "cases": len(cases),
        "cold_start": cold_result,
        "warm": warm,
        "index_build": index_result,
        "memory": memory,
        "targets": {
            "warm_p95_ms": TARGET_WARM_P95_MS,
            "warm_p95_met": warm["p95_ms"] is not None and warm["p95_ms"] <= TARGET_WARM_P95_MS,
            "cold_start_s": TARGET_COLD_START_S,
            "cold_start_met": None if cold_s is None else cold_s <= TARGET_COLD_START_S,
        },
    }
