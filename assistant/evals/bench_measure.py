"""The benchmark's measurements in this process: warm latency (every turn of every eval case, timed after a
few warm-up questions; p50 / p95 / max) with its target, and memory (peak RSS from ``resource``, current RSS
from psutil). Part of :mod:`assistant.evals.bench`, which re-exports the public names.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Sequence
from typing import Any

from assistant.evals.dataset import EvalCase
from assistant.evals.report import _percentile

TARGET_WARM_P95_MS = 50.0


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float | None:
    try:
        import psutil

        return float(psutil.Process().memory_info().rss) / (1024 * 1024)
    except Exception:  # psutil missing or restricted: the peak from resource is still reported
        return None


def measure_warm_latency(
    assistant: Any, cases: Sequence[EvalCase], warmup: int = 5, rounds: int = 1
) -> dict[str, Any]:
    """Time every turn of every case (fresh conversation per case) after a few warm-up questions."""
    for case in cases[:warmup]:
        conversation = assistant.new_conversation(as_of=case.as_of)
        for turn in case.user_turns:
            _ask_quietly(conversation, turn)
    timings: list[float] = []
    errors = 0
    for _ in range(rounds):
        for case in cases:
            conversation = assistant.new_conversation(as_of=case.as_of)
            for turn in case.user_turns:
                started = time.perf_counter()
                ok = _ask_quietly(conversation, turn)
                timings.append((time.perf_counter() - started) * 1000)
                errors += not ok
    return {
        "turns": len(timings),
        "errors": errors,
        "p50_ms": _round(_percentile(timings, 50)),
        "p95_ms": _round(_percentile(timings, 95)),
        "max_ms": _round(max(timings) if timings else None),
        "mean_ms": _round(sum(timings) / len(timings) if timings else None),
    }


def _ask_quietly(conversation: Any, turn: str) -> bool:
    try:
        conversation.ask(turn)
        return True
    except Exception:  # the eval reports wrong answers; the benchmark only times them
        return False


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)
