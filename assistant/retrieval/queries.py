"""The retrieval query sets: ``{id, query, clauses: [ids], split?}`` lists under ``evals/``.

Read by the retrieval eval (``assistant.evals.retrieval_eval``) for scores and by the retrieval benchmarks
(``assistant.retrieval.bench``, ``bench_scale``) for realistic query text. ``out_of_scope.yaml`` beside this module
holds the negatives the eval uses to calibrate the relevance floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.config import REPO_ROOT
from assistant.errors import DataError

DEFAULT_DATASET = REPO_ROOT / "evals" / "retrieval.yaml"
OUT_OF_SCOPE = Path(__file__).with_name("out_of_scope.yaml")


@dataclass(frozen=True)
class EvalCase:
    id: str
    query: str
    clauses: tuple[str, ...]


def load_cases(path: Path, *, allow_empty: bool = False, split: str | None = None) -> list[EvalCase]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as err:
        raise DataError(f"无法读取检索评测集 {path}：{err}") from err
    if not isinstance(data, list):
        raise DataError(f"检索评测集 {path} 应是一个列表。")
    cases = []
    for n, item in enumerate(data, start=1):
        try:
            clauses = tuple(str(c) for c in item.get("clauses") or ())
            case = EvalCase(str(item["id"]), str(item["query"]), clauses)
        except (KeyError, TypeError, AttributeError) as err:
            raise DataError(
                f"检索评测集 {path} 第 {n} 项格式不对（需要 id、query、clauses）：{item!r}"
            ) from err
        if not case.clauses and not allow_empty:
            raise DataError(f"检索评测集 {path} 的 {case.id} 没有期望条款。")
        if split is not None and item.get("split") != split:
            continue
        cases.append(case)
    if split is not None and not cases:
        raise DataError(f"检索评测集 {path} 中没有 split 为 {split} 的问题。")
    return cases
