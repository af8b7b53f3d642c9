"""Reading and writing policy folders: ``corpus/<policy-id>/{raw.txt, clean.txt, meta.yaml, rules.yaml}``.

Every sub-folder of the corpus with a ``meta.yaml`` and ``clean.txt`` is a policy; nothing assumes there
is only one. Clauses are parsed from ``clean.txt`` at load time (fast and deterministic), so the clean
text is the single source of truth for clause text and offsets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.config import DEFAULT_CORPUS_DIR
from assistant.corpus.clauses import parse_clauses
from assistant.corpus.clean import CleanedPage, clean_page
from assistant.corpus.model import Clause, Policy, PolicyMeta
from assistant.errors import DataError, PolicyNotFound

META_FILE = "meta.yaml"
CLEAN_FILE = "clean.txt"
RAW_FILE = "raw.txt"
EXAMPLES_FILE = "examples.yaml"


@dataclass(frozen=True)
class Corpus:
    """All policies of the corpus, by id."""

    policies: dict[str, Policy]
    root: Path

    def policy(self, policy_id: str) -> Policy:
        try:
            return self.policies[policy_id]
        except KeyError:
            raise PolicyNotFound(f"语料库中没有编号为“{policy_id}”的政策。") from None

    def __iter__(self) -> Iterator[Policy]:
        return iter(self.policies.values())

    def __len__(self) -> int:
        return len(self.policies)

    def clauses(self) -> list[Clause]:
        return [c for p in self for c in p.clauses]

    def clause(self, policy_id: str, clause_id: str) -> Clause:
        return self.policy(policy_id).clause(clause_id)


def example_questions(corpus: Corpus) -> list[str]:
    """Every policy's example questions (``examples.yaml``, a YAML list), in corpus order."""
    questions: list[str] = []
    for policy in corpus:
        path = corpus.root / policy.policy_id / EXAMPLES_FILE
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError) as err:
            raise DataError(f"无法读取示例问题 {path}：{err}") from err
        if not isinstance(data, list) or not all(isinstance(q, str) and q.strip() for q in data):
            raise DataError(f"示例问题 {path} 应为非空字符串的列表")
        questions += [q.strip() for q in data]
    return questions


def _as_date(value: Any, field_name: str, path: Path) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DataError(f"{path} 中的 {field_name} 不是有效日期：{value!r}") from None


def _read_meta(path: Path, policy_id: str) -> PolicyMeta:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise DataError(f"无法读取政策元数据 {path}：{err}") from err
    try:
        return PolicyMeta(
            policy_id=policy_id,
            title=data["title"],
            issuer=data["issuer"],
            region=data["region"],
            source=data.get("source") or "",
            published=_as_date(data["published"], "published", path),  # type: ignore[arg-type]
            effective_from=_as_date(data["effective_from"], "effective_from", path),  # type: ignore[arg-type]
            effective_from_text=data.get("effective_from_text") or "",
            valid_until=_as_date(data.get("valid_until"), "valid_until", path),
            valid_until_clause=data.get("valid_until_clause"),
            upstream=tuple(data.get("upstream") or ()),
            interpreter=data.get("interpreter"),
            region_parent=data.get("region_parent"),
        )
    except KeyError as err:
        raise DataError(f"政策元数据 {path} 缺少字段 {err}") from None


def read_policy(folder: Path) -> Policy:
    """Load one policy folder."""
    policy_id = folder.name
    try:
        text = (folder / CLEAN_FILE).read_text(encoding="utf-8")
    except OSError as err:
        raise DataError(f"无法读取政策正文 {folder / CLEAN_FILE}：{err}") from err
    meta = _read_meta(folder / META_FILE, policy_id)
    return Policy(meta=meta, text=text, clauses=parse_clauses(policy_id, text))


@lru_cache(maxsize=8)
def _load_corpus_cached(root: Path) -> Corpus:
    if not root.is_dir():
        raise DataError(f"语料目录不存在：{root}")
    policies = {
        folder.name: read_policy(folder)
        for folder in sorted(root.iterdir())
        if (folder / META_FILE).is_file() and (folder / CLEAN_FILE).is_file()
    }
    if not policies:
        raise DataError(f"语料目录 {root} 中没有任何政策（需要 {META_FILE} 与 {CLEAN_FILE}）。")
    return Corpus(policies=policies, root=root)


def load_corpus(corpus_dir: Path | None = None) -> Corpus:
    """Load every policy under ``corpus_dir`` (default: the repository's corpus/). Cached per folder."""
    return _load_corpus_cached(Path(corpus_dir or DEFAULT_CORPUS_DIR).resolve())


def load_policy(policy_id: str, corpus_dir: Path | None = None) -> Policy:
    return load_corpus(corpus_dir).policy(policy_id)


def ingest(raw_path: Path, policy_id: str, corpus_dir: Path | None = None, **overrides: Any) -> Policy:
    """Clean a raw scrape and write ``<corpus>/<policy_id>/`` (raw copy, clean text, metadata).

    ``overrides`` replace metadata read from the page (e.g. ``issuer=...``) where the page is silent.
    """
    raw = raw_path.read_text(encoding="utf-8")
    page = clean_page(raw)
    folder = Path(corpus_dir or DEFAULT_CORPUS_DIR) / policy_id
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / RAW_FILE).resolve() != raw_path.resolve():
        (folder / RAW_FILE).write_text(raw, encoding="utf-8")
    (folder / CLEAN_FILE).write_text(page.text, encoding="utf-8")
    clauses = parse_clauses(policy_id, page.text)
    meta = meta_from_page(page, clauses, **overrides)
    (folder / META_FILE).write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    _load_corpus_cached.cache_clear()
    return read_policy(folder)


def meta_from_page(page: CleanedPage, clauses: tuple[Clause, ...], **overrides: Any) -> dict[str, Any]:
    """The metadata dict written to meta.yaml; each field as the page states it."""
    valid_clause = None
    if page.valid_until is not None:
        valid_clause = next(
            (c.clause_id for c in clauses if c.kind != "preamble" and "有效期" in c.text and not
             any(x.parent_id == c.clause_id for x in clauses)),
            None,
        )
    meta: dict[str, Any] = {
        "title": page.title,
        "issuer": page.issuer,
        "region": page.region,
        "region_parent": page.region_parent,
        "source": page.source,
        "published": page.published.isoformat() if page.published else None,
        "effective_from": page.effective_from.isoformat() if page.effective_from else None,
        "effective_from_text": page.effective_from_text,
        "valid_until": page.valid_until.isoformat() if page.valid_until else None,
        "valid_until_clause": valid_clause,
        "interpreter": page.interpreter,
        "upstream": list(page.upstream),
    }
    meta.update({k: v for k, v in overrides.items() if v is not None})
    missing = [k for k in ("title", "issuer", "region", "published", "effective_from") if not meta.get(k)]
    if missing:
        raise DataError(f"无法从原文识别以下元数据，请用参数补充：{'、'.join(missing)}")
    return meta
