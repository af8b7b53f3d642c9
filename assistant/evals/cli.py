"""``policy-qa eval`` and ``policy-qa bench``.

- ``policy-qa eval [--questions FILE ...] [--json] [--min-amount 1.0 ...]``: run the answer-accuracy cases
  through the assistant, print the category × evaluator table and every failure with its answer, and exit 1
  when a rate is under its threshold (defaults: amount 100%, grounding 100%, intent 95%, citation recall 95%).
- ``policy-qa eval --retrieval [--questions FILE]``: the retrieval eval (``assistant.evals.retrieval_eval``).
- ``--summary`` prints the scores only (no failed questions, no per-case JSON). It is the default for case
  files under ``evals/blind/``, which must be measured without being read; ``--show-failures`` overrides.
- ``policy-qa bench [--out FILE] [retrieval]``: the benchmark; a table on screen and a JSON file
  (default ``$POLICY_QA_HOME/bench.json`` or ``bench-retrieval.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.evals.dataset import DEFAULT_RETRIEVAL_FILE, is_blind
from assistant.evals.runner import DEFAULT_THRESHOLDS, AssistantFactory, run_eval

#: ``--min-X`` option → evaluator name.
THRESHOLD_OPTIONS: dict[str, str] = {
    "amount": "amount_exact",
    "grounding": "grounding",
    "intent": "intent",
    "citation-recall": "citation_recall",
    "citation-precision": "citation_precision",
    "must-include": "must_include",
    "must-not-include": "must_not_include",
    "passed": "passed",
}

#: Tests replace this to run the commands with a scripted assistant instead of the real one.
ASSISTANT_FACTORY: AssistantFactory | None = None


def register(subparsers: Any) -> None:
    ev = subparsers.add_parser(
        "eval",
        help="回答准确性评测（或 --retrieval：检索评测）",
        description="用与界面相同的助手回答评测用例，按类别×指标打印通过率，列出失败用例；低于阈值时退出码为 1。",
    )
    ev.add_argument("--questions", nargs="+", action="extend", type=Path, metavar="FILE",
                    help="评测用例文件或目录（默认 evals/answers；--retrieval 时默认 evals/retrieval.yaml）")
    ev.add_argument("--json", action="store_true", help="以 JSON 输出 summary 与每个用例")
    ev.add_argument("--retrieval", action="store_true", help="运行检索评测（recall@1/@3、MRR）")
    ev.add_argument("--summary", action="store_true",
                    help="只输出分数，不列出失败的问题（evals/blind/ 下的文件默认如此）")
    ev.add_argument("--show-failures", action="store_true", help="盲测集也列出失败的问题（会泄露盲测用例）")
    for option, name in THRESHOLD_OPTIONS.items():
        default = DEFAULT_THRESHOLDS.get(name)
        ev.add_argument(f"--min-{option}", type=float, default=default, metavar="RATE",
                        help=f"{name} 的最低通过率（0–1）" + (f"，默认 {default}" if default is not None else ""))
    ev.set_defaults(func=cmd_eval)

    bench = subparsers.add_parser(
        "bench",
        help="基准测试：冷启动、热启动延迟、索引构建、峰值内存",
        description="测量冷启动到首个回答、热启动延迟 p50/p95/max、索引构建时间和峰值内存；屏幕输出表格并写 JSON 文件。",
    )
    bench.add_argument("target", nargs="?", choices=["answers", "retrieval"], default="answers",
                       help="answers（默认，整个助手）或 retrieval（检索模块）")
    bench.add_argument("--out", type=Path, metavar="FILE", help="JSON 结果文件（默认在 POLICY_QA_HOME 下）")
    bench.add_argument("--questions", nargs="+", action="extend", type=Path, metavar="FILE",
                       help="计时用的评测用例（默认 evals/answers）")
    bench.add_argument("--no-cold", action="store_true", help="跳过冷启动测量")
    bench.add_argument("--no-index", action="store_true", help="跳过索引构建测量")
    bench.set_defaults(func=cmd_bench)


def _thresholds(args: argparse.Namespace) -> dict[str, float]:
    out = {}
    for option, name in THRESHOLD_OPTIONS.items():
        value = getattr(args, "min_" + option.replace("-", "_"))
        if value is not None:
            out[name] = float(value)
    return out


def _progress(n: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r评测中 {n}/{total}", end="" if n < total else "\n", file=sys.stderr, flush=True)


def _summary_only(args: argparse.Namespace) -> bool:
    """Scores only: asked for, or a blind set (unless its failures are explicitly asked for)."""
    blind = is_blind(args.questions) and not args.show_failures
    if blind and not args.json:
        print("盲测集：只输出分数，不列出失败的问题（--show-failures 可列出）。", file=sys.stderr)
    return bool(args.summary) or blind


def cmd_eval(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    summary_only = _summary_only(args)
    if args.retrieval:
        return _cmd_eval_retrieval(settings, args, summary_only)
    thresholds = _thresholds(args)
    report = run_eval(settings, args.questions, ASSISTANT_FACTORY, progress=_progress)
    problems = report.threshold_failures(thresholds)
    if args.json:
        data = report.to_dict()
        if summary_only:
            data.pop("cases")
            data["stats"].pop("weak_passes")
        data["thresholds"] = thresholds
        data["threshold_failures"] = problems
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(report.format_table(thresholds))
        if not summary_only:
            print()
            print(report.format_failures())
            if notes := report.format_notes():
                print()
                print(notes)
        print()
        print("未达阈值：" + "；".join(problems) if problems else "所有指标达到阈值。")
    return 1 if problems else 0


def _cmd_eval_retrieval(settings: Settings, args: argparse.Namespace, summary_only: bool) -> int:
    from assistant.evals.retrieval_eval import evaluate_retrieval

    path = Path(args.questions[0]) if args.questions else DEFAULT_RETRIEVAL_FILE
    report = evaluate_retrieval(settings, path)
    if args.json:
        data = report.to_dict()
        if summary_only:
            for row in data["rows"]:
                row.pop("failures", None)
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(report.format_table(failures=0 if summary_only else 10))
    passed = getattr(report, "passed", None)
    return 1 if passed is False else 0


def cmd_bench(args: argparse.Namespace) -> int:
    from assistant.evals.bench import bench_answers, format_bench, format_mapping, write_json

    settings = Settings.from_env()
    if args.target == "retrieval":
        from assistant.retrieval.bench import bench_retrieval

        result = bench_retrieval(settings)
        print(format_mapping(result))
        out = args.out or settings.home / "bench-retrieval.json"
    else:
        def say(message: str) -> None:
            print(message, file=sys.stderr, flush=True)

        result = bench_answers(
            settings, args.questions, assistant_factory=ASSISTANT_FACTORY,
            cold=not args.no_cold, index=not args.no_index, progress=say,
        )
        print(format_bench(result))
        out = args.out or settings.home / "bench.json"
    print(f"\n结果已写入 {write_json(result, out)}")
    return 0
