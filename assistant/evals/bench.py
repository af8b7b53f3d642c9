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
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.config import REPO_ROOT, Settings
from assistant.errors import PolicyQAError
from assistant.evals.dataset import EvalCase, load_cases
from assistant.evals.report import _percentile
from assistant.evals.runner import AssistantFactory, default_assistant_factory
from assistant.evals.table import render

TARGET_WARM_P95_MS = 50.0
TARGET_COLD_START_S = 10.0
DEFAULT_FACTORY = "assistant.evals.runner:default_assistant_factory"
COLD_QUESTION = "已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？"

# Runs in a fresh interpreter: import, build the assistant, answer one question, report timings as JSON.
_COLD_SCRIPT = r"""
import importlib, json, resource, sys, time
t_start = time.time()
from assistant.config import Settings
module, _, name = sys.argv[1].partition(":")
factory = getattr(importlib.import_module(module), name)
t_import = time.time()
assistant = factory(Settings.from_env())
t_init = time.time()
reply = assistant.new_conversation().ask(sys.argv[2])
t_answer = time.time()
print(json.dumps({
    "t_start": t_start, "t_answer": t_answer,
    "import_s": t_import - t_start, "init_s": t_init - t_import, "first_answer_s": t_answer - t_init,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "answered": bool(getattr(reply, "answer", "")),
}))
"""


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float | None:
    try:
        import psutil

        return float(psutil.Process().memory_info().rss) / (1024 * 1024)
    except Exception:  # psutil missing or restricted: the peak from resource is still reported
        return None


def measure_cold_start(
    factory_path: str = DEFAULT_FACTORY, question: str = COLD_QUESTION, timeout_s: float = 600.0
) -> dict[str, Any]:
    """Spawn a fresh interpreter and time it from spawn to its first answer."""
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    spawned = time.time()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _COLD_SCRIPT, factory_path, question],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            cwd=str(REPO_ROOT),
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"冷启动超过 {timeout_s:.0f} 秒未完成"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"error": f"冷启动进程失败（退出码 {proc.returncode}）：" + " | ".join(tail)}
    child = json.loads(lines[-1])
    return {
        "cold_start_s": round(child["t_answer"] - spawned, 3),
        "interpreter_s": round(child["t_start"] - spawned, 3),
        "import_s": round(child["import_s"], 3),
        "init_s": round(child["init_s"], 3),
        "first_answer_s": round(child["first_answer_s"], 3),
        "peak_rss_mb": round(child["peak_rss_mb"], 1),
        "answered": child["answered"],
    }


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


def index_build_here() -> dict[str, Any]:
    """Build the clause index from scratch for ``Settings.from_env()``; run in a fresh process by
    :func:`measure_index_build` so the model load is really timed and Chroma's clients do not leak."""
    from assistant.corpus import load_corpus
    from assistant.retrieval.embedders import load_embedder
    from assistant.retrieval.index import ChromaIndex, records_for

    settings = Settings.from_env()
    records = records_for(load_corpus(settings.corpus_dir))
    started = time.perf_counter()
    embedder = load_embedder(settings.embedding_model)
    model_s = time.perf_counter() - started
    started = time.perf_counter()
    status = ChromaIndex(settings).ensure(records, embedder, rebuild=True)
    build_s = time.perf_counter() - started
    return {
        "records": len(records),
        "embedding_model": settings.embedding_model,
        "model_load_s": round(model_s, 3),
        "build_s": round(build_s, 3),
        "embed_and_write_s": round(status.build_seconds, 3) if status.build_seconds is not None else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def measure_index_build(settings: Settings, timeout_s: float = 600.0) -> dict[str, Any]:
    """Build the index from scratch in a fresh process and a temporary state folder (the real one is untouched)."""
    with tempfile.TemporaryDirectory(prefix="policy-qa-bench-") as tmp:
        env = dict(os.environ)
        env.pop("CHROMA_HOST", None)
        env.update(
            POLICY_QA_HOME=tmp,
            POLICY_QA_CORPUS=str(settings.corpus_dir),
            POLICY_QA_EMBEDDING_MODEL=settings.embedding_model,
        )
        env.setdefault("HF_HUB_OFFLINE", "1")
        env.setdefault("TRANSFORMERS_OFFLINE", "1")
        code = "import json; from assistant.evals.bench import index_build_here; print(json.dumps(index_build_here()))"
        try:
            proc = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout_s,
                cwd=str(REPO_ROOT), env=env,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"索引构建超过 {timeout_s:.0f} 秒未完成"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"索引构建进程失败（退出码 {proc.returncode}）：" + " | ".join(tail)}
    return dict(json.loads(lines[-1]))


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


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}{unit}" if abs(value) < 100 else f"{value:.0f}{unit}"
    return f"{value}{unit}"


def _mark(met: bool | None) -> str:
    return "" if met is None else ("达标" if met else "未达标")


def format_bench(result: dict[str, Any]) -> str:
    """The benchmark as a table: measure, value, target."""
    cold = result.get("cold_start") or {}
    warm = result.get("warm") or {}
    index = result.get("index_build") or {}
    memory = result.get("memory") or {}
    targets = result.get("targets") or {}
    rows = []
    if cold.get("error"):
        rows.append(["冷启动", cold["error"], ""])
    elif cold:
        rows += [
            ["冷启动到首个回答", _fmt(cold.get("cold_start_s"), " s"),
             f"≤ {TARGET_COLD_START_S:.0f} s {_mark(targets.get('cold_start_met'))}"],
            ["  其中 解释器启动 / 导入", f"{_fmt(cold.get('interpreter_s'))} / {_fmt(cold.get('import_s'))} s", ""],
            ["  其中 初始化 / 首答", f"{_fmt(cold.get('init_s'))} / {_fmt(cold.get('first_answer_s'))} s", ""],
            ["  冷启动进程峰值内存", _fmt(cold.get("peak_rss_mb"), " MiB"), ""],
        ]
    rows += [
        [f"热启动延迟 p50（{warm.get('turns', 0)} 轮）", _fmt(warm.get("p50_ms"), " ms"), ""],
        ["热启动延迟 p95", _fmt(warm.get("p95_ms"), " ms"),
         f"≤ {TARGET_WARM_P95_MS:.0f} ms {_mark(targets.get('warm_p95_met'))}"],
        ["热启动延迟 max", _fmt(warm.get("max_ms"), " ms"), ""],
        ["进程内初始化", _fmt(warm.get("init_s"), " s"), ""],
    ]
    if warm.get("errors"):
        rows.append(["回答出错的轮次", str(warm["errors"]), ""])
    if index.get("error"):
        rows.append(["索引构建", index["error"], ""])
    elif index:
        rows += [
            [f"索引构建（{index.get('records')} 条，{index.get('embedding_model')}）", _fmt(index.get("build_s"), " s"), ""],
            ["  模型加载", _fmt(index.get("model_load_s"), " s"), ""],
            ["  索引构建进程峰值内存", _fmt(index.get("peak_rss_mb"), " MiB"), ""],
        ]
    rows.append(["峰值内存（本进程：助手 + 热启动计时）", _fmt(memory.get("peak_rss_mb"), " MiB"), ""])
    return render(["指标", "数值", "目标"], rows)


def format_mapping(result: dict[str, Any]) -> str:
    """Any nested dict (e.g. the retrieval benchmark's) as a two-column table of dotted keys."""
    rows: list[list[str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, sub in enumerate(value):
                walk(f"{prefix}[{i}]", sub)
        else:
            rows.append([prefix, _fmt(value) if not isinstance(value, list) else json.dumps(value, ensure_ascii=False)])

    walk("", result)
    return render(["指标", "数值"], rows)


def write_json(result: dict[str, Any], path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    except OSError as err:
        raise PolicyQAError(f"无法写入基准测试结果 {path}：{err}") from err
    return path
