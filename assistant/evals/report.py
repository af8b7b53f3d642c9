"""The results of an eval run: :class:`CaseResult` (one case's checks and what the assistant said) and
:class:`EvalReport` (all of them: pass rates per evaluator and per category, latency percentiles, threshold
failures, and the table, notes and failures as text). Part of :mod:`assistant.evals.runner`, which
re-exports :class:`CaseResult` and :class:`EvalReport`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import PolicyQAError
from assistant.evals.dataset import EvalCase
from assistant.evals.evaluators import EVALUATORS, Check
from assistant.evals.table import render

#: Short column titles for the table.
_TITLES = {
    "intent": "意图",
    "citation_recall": "引用召回",
    "citation_precision": "引用精确",
    "amount_exact": "金额",
    "must_include": "须含",
    "must_not_include": "不得含",
    "grounding": "数字有据",
    "turns": "逐轮",
    "matches": "匹配",
}


@dataclass
class CaseResult:
    """One case's outcome: the checks that applied and what the assistant said."""

    case: EvalCase
    checks: dict[str, Check]
    answer: str
    intent: str | None
    citations: list[str]
    amount_yuan: int | None
    latency_ms: float
    """Time to answer the last turn (the judged one), in milliseconds."""
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.checks.values())

    @property
    def category(self) -> str:
        return self.case.category or "uncategorised"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "category": self.category,
            "passed": self.passed,
            "checks": {name: check.passed for name, check in self.checks.items()},
            "failures": {name: check.detail for name, check in self.checks.items() if not check.passed},
            "question": self.case.last_turn,
            "answer": self.answer,
            "intent": self.intent,
            "citations": list(self.citations),
            "amount_yuan": self.amount_yuan,
            "latency_ms": round(self.latency_ms, 2),
            "error": self.error,
        }


def _percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class EvalReport:
    """All case results of one run, with rates per evaluator and per category."""

    results: list[CaseResult]
    evaluators: tuple[str, ...] = field(default_factory=lambda: (*EVALUATORS, "turns"))

    # -- numbers ----------------------------------------------------------------------------------------------
    def counts(self, name: str, category: str | None = None) -> tuple[int, int]:
        """(passed, applicable) for one evaluator, overall or in one category."""
        checks = [
            r.checks[name] for r in self.results if name in r.checks and (category is None or r.category == category)
        ]
        return sum(c.passed for c in checks), len(checks)

    def rate(self, name: str, category: str | None = None) -> float | None:
        passed, total = self.counts(name, category)
        return passed / total if total else None

    def summary(self) -> dict[str, float | None]:
        """Pass rate per evaluator (None when no case asks for it), plus ``passed``: cases passing every check."""
        out: dict[str, float | None] = {name: self.rate(name) for name in self.evaluators}
        out["passed"] = sum(r.passed for r in self.results) / len(self.results) if self.results else None
        return out

    def categories(self) -> list[str]:
        return list(dict.fromkeys(r.category for r in self.results))

    def latency(self, category: str | None = None) -> dict[str, float | None]:
        values = [r.latency_ms for r in self.results if category is None or r.category == category]
        return {
            "p50": _percentile(values, 50),
            "p95": _percentile(values, 95),
            "max": max(values) if values else None,
        }

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    def threshold_failures(self, thresholds: Mapping[str, float]) -> list[str]:
        """One Chinese sentence per evaluator under its minimum rate (evaluators with no cases are skipped)."""
        problems = []
        for name, minimum in thresholds.items():
            if name != "passed" and name not in self.evaluators:
                raise PolicyQAError(f"未知的评测指标：{name}")
            rate = self.summary().get(name)
            if rate is not None and rate < minimum:
                problems.append(f"{name} {rate:.1%} 低于阈值 {minimum:.1%}")
        return problems

    # -- output -----------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        lat = self.latency()
        return {
            "summary": self.summary(),
            "stats": {
                "cases": len(self.results),
                "passed": sum(r.passed for r in self.results),
                "failed": len(self.failures),
                "weak_passes": [
                    {"id": r.case.id, "check": name, "note": note} for r, name, note in self.notes()
                ],
                "latency_ms_p50": lat["p50"],
                "latency_ms_p95": lat["p95"],
                "latency_ms_max": lat["max"],
                "by_category": {
                    cat: {name: self.rate(name, cat) for name in self.evaluators} for cat in self.categories()
                },
            },
            "cases": [r.to_dict() for r in self.results],
        }

    def format_table(self, thresholds: Mapping[str, float] | None = None) -> str:
        """Category × evaluator: passed/applicable per cell, then the overall rates and the thresholds."""
        headers = ["类别", "用例", "全过", *(_TITLES.get(n, n) for n in self.evaluators), "p50 ms"]

        def cell(passed: int, total: int) -> str:
            return f"{passed}/{total}" if total else "-"

        rows = []
        for cat in self.categories():
            in_cat = [r for r in self.results if r.category == cat]
            p50 = self.latency(cat)["p50"]
            rows.append(
                [
                    cat,
                    str(len(in_cat)),
                    str(sum(r.passed for r in in_cat)),
                    *(cell(*self.counts(n, cat)) for n in self.evaluators),
                    f"{p50:.1f}" if p50 is not None else "-",
                ]
            )
        summary = self.summary()
        lat = self.latency()
        rows.append(
            [
                "合计",
                str(len(self.results)),
                str(sum(r.passed for r in self.results)),
                *(cell(*self.counts(n)) for n in self.evaluators),
                f"{lat['p50']:.1f}" if lat["p50"] is not None else "-",
            ]
        )
        rows.append(
            [
                "通过率",
                "",
                f"{summary['passed']:.1%}" if summary["passed"] is not None else "-",
                *(f"{summary[n]:.1%}" if summary[n] is not None else "-" for n in self.evaluators),
                "",
            ]
        )
        if thresholds:
            rows.append(
                ["阈值", "", "", *(f"≥{thresholds[n]:.0%}" if n in thresholds else "" for n in self.evaluators), ""]
            )
        return render(headers, rows)

    def notes(self) -> list[tuple[CaseResult, str, str]]:
        """(case, evaluator, note) for checks that passed but prove little (see :class:`Check.note`)."""
        return [(r, name, c.note) for r in self.results for name, c in r.checks.items() if c.passed and c.note]

    def format_notes(self) -> str:
        """Passed checks that prove little, one line each (empty when there are none)."""
        found = self.notes()
        if not found:
            return ""
        lines = [f"通过但证明力弱的检查（{len(found)}，只靠有效期提示满足）："]
        lines += [f"- [{r.category}] {r.case.id} {name}：{note}" for r, name, note in found]
        return "\n".join(lines)

    def format_failures(self) -> str:
        """Each failed case with the failed checks and the answer given."""
        if not self.failures:
            return "全部用例通过。"
        lines = [f"失败用例（{len(self.failures)}）："]
        for r in self.failures:
            as_of = f"，as_of {r.case.as_of.isoformat()}" if r.case.as_of else ""
            turns = " → ".join(repr(t) for t in r.case.user_turns)
            lines.append(f"- [{r.category}] {r.case.id}（{r.case.source or ''}{as_of}）")
            lines.append(f"    问：{turns}")
            if r.error:
                lines.append(f"    ✗ 异常：{r.error}")
            for name, check in r.checks.items():
                if not check.passed:
                    lines.append(f"    ✗ {name}：{check.detail}")
            lines.append(
                f"    得到：intent={r.intent} citations={r.citations} amount_yuan={r.amount_yuan}"
            )
            answer = r.answer.replace("\n", "\n       ")
            lines.append(f"    答：{answer}")
        return "\n".join(lines)
