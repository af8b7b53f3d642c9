"""Retrieval eval: recall@1, recall@3 and MRR for BM25-only, dense-only (each embedder) and hybrid, in one run.

Dataset: ``evals/retrieval.yaml``, a list of ``{id, query, clauses: [ids]}`` (``evals/retrieval-dev.yaml`` adds
``split: tune|heldout``; ``--split`` keeps one half). Metrics (Haystack vocabulary):

* recall@k — share of a query's expected clauses found in the top k, out of at most k
  (``|expected ∩ top-k| / min(|expected|, k)``), averaged over queries;
* MRR — 1 / rank of the first expected clause, averaged.

The run also calibrates the relevance floor (in-scope queries vs ``out_of_scope.yaml``) and names the embedder
the eval prefers. Run it with ``python -m assistant.evals.retrieval_eval`` (``policy-qa eval --retrieval``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import ModelUnavailable
from assistant.evals.dataset import is_blind
from assistant.retrieval.embedders import BUILTIN_EMBEDDERS, is_available
from assistant.retrieval.queries import DEFAULT_DATASET, OUT_OF_SCOPE, EvalCase, load_cases
from assistant.retrieval.retriever import METHODS, RelevanceFloor, Retriever

#: Targets from issue #3.
TARGET_RECALL_AT_3 = 0.98
TARGET_RECALL_AT_1 = 0.90


@dataclass
class Failure:
    id: str
    query: str
    expected: tuple[str, ...]
    top3: tuple[str, ...]


@dataclass
class MethodResult:
    """One row of the table."""

    name: str
    method: str
    embedder: str | None
    recall_at_1: float
    recall_at_3: float
    mrr: float
    queries: int
    failures: list[Failure] = field(default_factory=list)
    """Queries whose first expected clause is not ranked first."""


@dataclass
class FloorCalibration:
    """How the relevance floor separates in-scope from out-of-scope queries for one embedder."""

    embedder: str
    floor: RelevanceFloor
    """The floor in force (from ``RELEVANCE_FLOORS``)."""
    suggested: RelevanceFloor
    """The largest floor that keeps every in-scope query of this run."""
    in_scope_kept: float
    out_of_scope_refused: float
    out_of_scope_queries: int


@dataclass
class RetrievalReport:
    dataset: str
    queries: int
    rows: list[MethodResult]
    calibrations: list[FloorCalibration]
    recommended_embedder: str | None
    seconds: float
    skipped: list[str] = field(default_factory=list)
    """Embedders that are not installed (with the reason)."""

    def row(self, name: str) -> MethodResult:
        return next(r for r in self.rows if r.name == name)

    @property
    def passed(self) -> bool:
        """Hybrid (every embedder) meets the targets and is no worse than either of its halves."""
        bm25 = self.row("bm25")
        for row in self.rows:
            if row.method != "hybrid":
                continue
            dense = self.row(f"dense:{row.embedder}")
            if row.recall_at_3 < TARGET_RECALL_AT_3 or row.recall_at_1 < TARGET_RECALL_AT_1:
                return False
            for half in (bm25, dense):
                if (
                    row.recall_at_1 < half.recall_at_1
                    or row.recall_at_3 < half.recall_at_3
                    or row.mrr < half.mrr
                ):
                    return False
        return True

    def format_table(self, failures: int = 10) -> str:
        lines = [
            f"检索评测：{self.dataset}（{self.queries} 个问题，用时 {self.seconds:.1f} 秒）",
            "",
            f"{'method':<28} {'recall@1':>9} {'recall@3':>9} {'MRR':>7}",
            "-" * 56,
        ]
        for row in self.rows:
            lines.append(f"{row.name:<28} {row.recall_at_1:>9.3f} {row.recall_at_3:>9.3f} {row.mrr:>7.3f}")
        lines.append("-" * 56)
        lines.append(
            f"目标：hybrid recall@3 ≥ {TARGET_RECALL_AT_3}，recall@1 ≥ {TARGET_RECALL_AT_1}，且不差于任一单路："
            + ("达到" if self.passed else "未达到")
        )
        if self.recommended_embedder:
            lines.append(f"评测推荐的默认嵌入模型：{self.recommended_embedder}")
        for skipped in self.skipped:
            lines.append(f"跳过：{skipped}")
        if self.calibrations:
            lines += ["", "相关性下限（回答不了时拒答）："]
            for cal in self.calibrations:
                lines.append(
                    f"  {cal.embedder}: 生效 dense≥{cal.floor.dense:.3f} 或 bm25词≥{cal.floor.bm25:.2f}；"
                    f"本次建议 dense≥{cal.suggested.dense:.3f} 或 bm25词≥{cal.suggested.bm25:.2f}；"
                    f"范围内保留 {cal.in_scope_kept:.1%}，范围外拒答 {cal.out_of_scope_refused:.1%}"
                    f"（{cal.out_of_scope_queries} 个）"
                )
        hybrid_rows = [r for r in self.rows if r.method == "hybrid"]
        for row in hybrid_rows:
            if row.failures and failures:
                lines += ["", f"{row.name} 未排第一的问题（前 {min(failures, len(row.failures))} 个）："]
                for f in row.failures[:failures]:
                    lines.append(
                        f"  {f.id} {f.query!r}: 期望 {','.join(f.expected)}，前三 {','.join(f.top3)}"
                    )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _metrics(
    ranked: Sequence[Sequence[str]], cases: Sequence[EvalCase]
) -> tuple[float, float, float, list[Failure]]:
    r1 = r3 = rr = 0.0
    failures: list[Failure] = []
    for ids, case in zip(ranked, cases, strict=True):
        expected = set(case.clauses)
        r1 += len(expected & set(ids[:1])) / min(len(expected), 1)
        r3 += len(expected & set(ids[:3])) / min(len(expected), 3)
        first = next((n for n, cid in enumerate(ids, start=1) if cid in expected), None)
        rr += 1.0 / first if first else 0.0
        if first != 1:
            failures.append(Failure(case.id, case.query, case.clauses, tuple(ids[:3])))
    n = max(1, len(cases))
    return r1 / n, r3 / n, rr / n, failures


def _suggest_floor(in_scope: list[tuple[float, float]], current: RelevanceFloor) -> RelevanceFloor:
    """The largest floor that keeps every in-scope query: a query with no lexical evidence (no whole word, no
    sense) sets the dense floor (else the current dense floor stays); the lexical floor is then the lowest
    lexical score among the queries below that dense floor."""
    no_words = [d for d, w in in_scope if w <= 0]
    dense = min(no_words) - 0.005 if no_words else current.dense
    below = [w for d, w in in_scope if d < dense]
    bm25 = min(below) - 0.05 if below else current.bm25
    return RelevanceFloor(dense=round(dense, 3), bm25=round(max(bm25, 0.0), 2))


def evaluate_retrieval(
    settings: Settings,
    dataset_path: Path | str | None = None,
    embedders: Sequence[str] | None = None,
    out_of_scope_path: Path | str | None = OUT_OF_SCOPE,
    split: str | None = None,
) -> RetrievalReport:
    """Run the retrieval eval for BM25, and dense and hybrid with every installed embedder."""
    started = time.perf_counter()
    path = Path(dataset_path or DEFAULT_DATASET)
    cases = load_cases(path, split=split)
    negatives = load_cases(Path(out_of_scope_path), allow_empty=True) if out_of_scope_path else []
    names = list(embedders or dict.fromkeys([settings.embedding_model, *BUILTIN_EMBEDDERS]))
    rows: dict[str, MethodResult] = {}
    calibrations: list[FloorCalibration] = []
    skipped: list[str] = []
    for name in names:
        if name in BUILTIN_EMBEDDERS and not is_available(name):
            skipped.append(f"{name}（未安装）")
            continue
        try:
            retriever = Retriever(settings, embedder=name)
        except ModelUnavailable as err:
            skipped.append(f"{name}（{err}）")
            continue
        rankings = {m: [] for m in METHODS}  # type: dict[str, list[list[str]]]
        relevance: list[tuple[float, float]] = []
        for case in cases:
            ranked = retriever.rank(case.query)
            for method in METHODS:
                rankings[method].append([h.clause_id for h in ranked[method]])
            relevance.append(retriever.relevance(ranked["hybrid"][:1]))
        for method in METHODS:
            row_name = "bm25" if method == "bm25" else f"{method}:{retriever.embedder.name}"
            if row_name in rows:
                continue
            r1, r3, mrr, failures = _metrics(rankings[method], cases)
            rows[row_name] = MethodResult(
                row_name,
                method,
                None if method == "bm25" else retriever.embedder.name,
                r1,
                r3,
                mrr,
                len(cases),
                failures,
            )
        oos = [retriever.relevance(retriever.search(c.query, k=1)) for c in negatives]
        floor = retriever.floor
        calibrations.append(
            FloorCalibration(
                embedder=retriever.embedder.name,
                floor=floor,
                suggested=_suggest_floor(relevance, floor),
                in_scope_kept=sum(floor.passes(*r) for r in relevance) / max(1, len(relevance)),
                out_of_scope_refused=sum(not floor.passes(*r) for r in oos) / max(1, len(oos)),
                out_of_scope_queries=len(oos),
            )
        )
    order = ["bm25"] + [f"dense:{n}" for n in _names(rows)] + [f"hybrid:{n}" for n in _names(rows)]
    ordered = [rows[name] for name in order if name in rows]
    hybrids = [r for r in ordered if r.method == "hybrid"]
    # The answer layer reads the top three hits, so recall@3 ranks first, then MRR, then recall@1.
    best = max(hybrids, key=lambda r: (r.recall_at_3, r.mrr, r.recall_at_1), default=None)
    return RetrievalReport(
        dataset=f"{path}（{split}）" if split else str(path),
        queries=len(cases),
        rows=ordered,
        calibrations=calibrations,
        recommended_embedder=best.embedder if best else None,
        seconds=time.perf_counter() - started,
        skipped=skipped,
    )


def _names(rows: dict[str, MethodResult]) -> list[str]:
    return list(dict.fromkeys(r.embedder for r in rows.values() if r.embedder))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="检索评测：BM25 / 向量 / 混合的 recall@1、recall@3、MRR")
    parser.add_argument("dataset", nargs="?", default=str(DEFAULT_DATASET))
    parser.add_argument("--embedder", action="append", help="只评测这些嵌入模型（可重复）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.add_argument("--failures", type=int, default=20, help="列出多少个未排第一的问题")
    parser.add_argument(
        "--summary", action="store_true", help="只输出分数，不列出问题（evals/blind/ 下的文件默认如此）"
    )
    parser.add_argument(
        "--split", default=None, help="只评测这一半（如 tune、heldout；见 evals/retrieval-dev.yaml）"
    )
    args = parser.parse_args(argv)
    report = evaluate_retrieval(Settings.from_env(), args.dataset, embedders=args.embedder, split=args.split)
    # A blind set is measured, never read (assistant.evals.dataset.is_blind).
    summary_only = args.summary or is_blind([args.dataset])
    if args.json:
        data = report.to_dict()
        if summary_only:
            for row in data["rows"]:
                row.pop("failures", None)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(report.format_table(failures=0 if summary_only else args.failures))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
