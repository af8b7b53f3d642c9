"""The benchmark's result on screen and on disk: :func:`format_bench` (measure, value, target),
:func:`format_mapping` (any nested dict, such as the retrieval benchmark's, as dotted keys) and
:func:`write_json`. Part of :mod:`assistant.evals.bench`, which re-exports them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import PolicyQAError
from assistant.evals.bench_fresh import TARGET_COLD_START_S
from assistant.evals.bench_measure import TARGET_WARM_P95_MS
from assistant.evals.table import render


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
