"""Reading and writing policy folders: ``corpus/<policy-id>/{raw.txt, clean.txt, meta.yaml, rules.yaml}``.

Every sub-folder of the corpus with a ``meta.yaml`` and ``clean.txt`` is a policy; nothing assumes there
is only one. Clauses are parsed from ``clean.txt`` at load time (fast and deterministic), so the clean
text is the single source of truth for clause text and offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.config import DEFAULT_CORPUS_DIR
from assistant.corpus import metadata as md
from assistant.corpus.clauses import parse_clauses
from assistant.corpus.clean import CleanedPage, clean_page
from assistant.corpus.dates import parse_iso_or_cn
from assistant.corpus.model import Clause, Policy, PolicyMeta
from assistant.errors import DataError, PolicyNotFound

META_FILE = "meta.yaml"
CLEAN_FILE = "clean.txt"
RAW_FILE = "raw.txt"
EXAMPLES_FILE = "examples.yaml"


@dataclass(frozen=True)
class Corpus:
    """All policies of the corpus, by id. ``root`` is the product corpus; ``extra`` further folders loaded
    beside it (test fixtures, a staging folder); each policy knows its own ``folder``."""

    policies: dict[str, Policy]
    root: Path
    extra: tuple[Path, ...] = ()

    def policy(self, policy_id: str) -> Policy:
        try:
            return self.policies[policy_id]
        except KeyError:
            known = "、".join(self.policies)
            raise PolicyNotFound(f"语料库中没有编号为“{policy_id}”的政策（现有：{known}）。") from None

    def __iter__(self) -> Iterator[Policy]:
        return iter(self.policies.values())

    def __len__(self) -> int:
        return len(self.policies)

    def clauses(self) -> list[Clause]:
        return [c for p in self for c in p.clauses]

    def clause(self, policy_id: str, clause_id: str) -> Clause:
        return self.policy(policy_id).clause(clause_id)

    def resolve(self, text: str, policy_id: str | None = None) -> list[Clause]:
        """The clause ``text`` names ("第三条", "第3条", "3", "附则") in one policy, or in every policy
        that has one (several results mean the caller must ask which policy)."""
        policies = [self.policy(policy_id)] if policy_id else list(self)
        return [c for p in policies if (c := p.resolve_clause(text)) is not None]


def example_questions(corpus: Corpus) -> list[str]:
    """Every policy's example questions (``examples.yaml``, a YAML list), in corpus order."""
    questions: list[str] = []
    for policy in corpus:
        path = (policy.folder or corpus.root / policy.policy_id) / EXAMPLES_FILE
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
            short_title=data.get("short_title") or None,
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
    return Policy(meta=meta, text=text, clauses=parse_clauses(policy_id, text), folder=folder)


def _policy_folders(root: Path) -> list[Path]:
    if not root.is_dir():
        raise DataError(f"语料目录不存在：{root}")
    return [f for f in sorted(root.iterdir()) if (f / META_FILE).is_file() and (f / CLEAN_FILE).is_file()]


@lru_cache(maxsize=8)
def _load_corpus_cached(root: Path, extra: tuple[Path, ...] = ()) -> Corpus:
    policies: dict[str, Policy] = {}
    for folder in [f for r in (root, *extra) for f in _policy_folders(r)]:
        if folder.name in policies:
            other = policies[folder.name].folder
            raise DataError(f"政策编号“{folder.name}”重复：{other} 与 {folder}")
        policies[folder.name] = read_policy(folder)
    if not policies:
        raise DataError(f"语料目录 {root} 中没有任何政策（需要 {META_FILE} 与 {CLEAN_FILE}）。")
    return Corpus(policies=policies, root=root, extra=extra)


def load_corpus(corpus_dir: Path | None = None, extra: Iterable[Path] = ()) -> Corpus:
    """Load every policy under ``corpus_dir`` (default: the repository's corpus/) and under each folder of
    ``extra`` (e.g. ``Settings.extra_corpus_dirs``), in that order. Cached per set of folders."""
    roots = tuple(Path(p).resolve() for p in extra)
    return _load_corpus_cached(Path(corpus_dir or DEFAULT_CORPUS_DIR).resolve(), roots)


def load_policy(policy_id: str, corpus_dir: Path | None = None) -> Policy:
    return load_corpus(corpus_dir).policy(policy_id)


#: Metadata fields that ``ingest`` can be given, with the Chinese name and the CLI option that supplies each.
META_OPTIONS: dict[str, tuple[str, str]] = {
    "title": ("标题", "--title"),
    "short_title": ("简称", "--short-title"),
    "issuer": ("发文单位", "--issuer"),
    "region": ("适用地区", "--region"),
    "region_parent": ("上级地区", "--region-parent"),
    "source": ("来源", "--source"),
    "published": ("发布日期", "--published"),
    "effective_from": ("施行日期", "--effective-from"),
    "valid_until": ("有效期截止日期", "--valid-until"),
    "interpreter": ("解释单位", "--interpreter"),
    "upstream": ("上位文件", "--upstream"),
}
_REQUIRED_META = ("title", "issuer", "region", "published", "effective_from")
_DATE_FIELDS = ("published", "effective_from", "valid_until")


def ingest(raw_path: Path, policy_id: str, corpus_dir: Path | None = None, **overrides: Any) -> Policy:
    """Clean a raw scrape and write ``<corpus>/<policy_id>/`` (raw copy, clean text, metadata).

    ``overrides`` (keys of :data:`META_OPTIONS`) replace what the page says; dates may be ``date`` objects
    or text in any form :mod:`assistant.corpus.dates` reads. Nothing is written when a required field can
    be neither read nor was given: the :class:`DataError` names the option that supplies it.
    """
    try:
        raw = raw_path.read_text(encoding="utf-8")
    except OSError as err:
        raise DataError(f"无法读取原始文本 {raw_path}：{err.strerror or err}") from err
    page = clean_page(raw)
    clauses = parse_clauses(policy_id, page.text)
    meta = meta_from_page(page, clauses, **overrides)
    folder = Path(corpus_dir or DEFAULT_CORPUS_DIR) / policy_id
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / RAW_FILE).resolve() != raw_path.resolve():
        (folder / RAW_FILE).write_text(raw, encoding="utf-8")
    (folder / CLEAN_FILE).write_text(page.text, encoding="utf-8")
    (folder / META_FILE).write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    _load_corpus_cached.cache_clear()
    return read_policy(folder)


def _override_date(name: str, value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_iso_or_cn(str(value))
    except ValueError as err:
        raise DataError(f"{META_OPTIONS[name][1]}：{err}") from None


def meta_from_page(page: CleanedPage, clauses: tuple[Clause, ...], **overrides: Any) -> dict[str, Any]:
    """The metadata dict written to meta.yaml: each field as the page states it, unless overridden.

    A date counted from another ("自发布之日起实施", "有效期两年") follows a supplied publication or
    effective date.
    """
    unknown = sorted(set(overrides) - set(META_OPTIONS))
    if unknown:
        raise DataError(f"未知的元数据字段：{'、'.join(unknown)}")
    given = {k: v for k, v in overrides.items() if v not in (None, "", ())}
    dates = {k: _override_date(k, given.get(k)) for k in _DATE_FIELDS}
    published = dates["published"] or page.published
    validity = md.with_dates(page.validity, published, dates["effective_from"]) if page.validity else None
    effective = dates["effective_from"] or (validity.effective_from if validity else page.effective_from)
    valid_until = dates["valid_until"] or (validity.valid_until if validity else page.valid_until)
    title = given.get("title") or page.title
    issuer = given.get("issuer") or page.issuer
    region, parent = page.region, page.region_parent
    if given.get("title") or given.get("issuer"):
        region, parent = md.read_region(title, issuer, [page.source or "", page.text])
    valid_clause = _validity_clause(clauses)
    meta: dict[str, Any] = {
        "title": title,
        "short_title": given.get("short_title") or title,
        "issuer": issuer,
        "region": given.get("region") or region,
        "region_parent": given.get("region_parent") or parent,
        "source": given.get("source") or page.source,
        "published": published.isoformat() if published else None,
        "effective_from": effective.isoformat() if effective else None,
        "effective_from_text": page.effective_from_text,
        "valid_until": valid_until.isoformat() if valid_until else None,
        "valid_until_clause": valid_clause,
        "interpreter": given.get("interpreter") or page.interpreter,
        "upstream": list(given.get("upstream") or page.upstream),
    }
    missing = [k for k in _REQUIRED_META if not meta.get(k)]
    if missing:
        wanted = "、".join(f"{META_OPTIONS[k][0]}（{META_OPTIONS[k][1]}）" for k in missing)
        raise DataError(f"无法从原文识别以下元数据，请用参数补充：{wanted}")
    return meta


def _validity_clause(clauses: tuple[Clause, ...]) -> str | None:
    """The innermost clause that states the document's own dates (有效期 / …起施行)."""
    leaves = [c for c in clauses if c.kind != "preamble" and not any(x.parent_id == c.clause_id for x in clauses)]
    for c in reversed(leaves):
        if "有效期" in c.text or re.search(r"之日起(?:施行|实施|执行|生效)|日起(?:施行|实施|执行|生效)", c.text):
            return c.clause_id
    return None
