"""Which clause a person means: "第三条", "第3条", "3", "三", "二（一）", "第三条（一）", "附则".

Labels themselves are made once, by the clause parser (``Clause.label``, in the policy's own numbering:
第三条 for 第X条 texts, 第5条 for "5、" items, "一、支持对象" for sections). This module only reads what
people type and finds the clause; it never builds a label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import cn2an

from assistant.corpus.model import Clause

_CN = "零〇一二三四五六七八九十百千两"
_NUMBERED = re.compile(rf"^第?(?P<n>[{_CN}\d]+)(?P<unit>条|项|点|款)?$")
_SUB = re.compile(rf"^第?(?P<n>[{_CN}\d]+)(?:条|项)?第?[（(](?P<m>[{_CN}\d]+)[）)](?:项|款|目)?$")
_CHAPTER = re.compile(rf"^第(?P<n>[{_CN}\d]+)章$")
#: "第二部分", "第二大块", "第二部分第（二）块": a top-level part, or a part of it, by position.
_PART_WORD = "部分|大块|板块|大类|块"
_PART = re.compile(rf"^第(?P<n>[{_CN}\d]+)(?:{_PART_WORD})(?:的?第?[（(]?(?P<m>[{_CN}\d]+)[）)]?(?:{_PART_WORD}|小块|类|项|点)?)?$")
_PREAMBLE = {"序言", "前言", "序", "preamble", "开头", "引言"}


def _arabic(num: str) -> str | None:
    if num.isdigit():
        return str(int(num))
    try:
        return str(cn2an.cn2an(num, "smart"))
    except (ValueError, KeyError):
        return None


def _normalise(text: str) -> str:
    text = re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")
    return text.strip("。：:，,、")


def _one(found: list[Clause]) -> Clause | None:
    unique = list({c.clause_id: c for c in found}.values())
    return unique[0] if len(unique) == 1 else None


def resolve_clause(clauses: Sequence[Clause], text: str) -> Clause | None:
    """The one clause of ``clauses`` that ``text`` names, or None (nothing fits, or several do)."""
    raw = _normalise(text)
    if not raw:
        return None
    by_id = {c.clause_id: c for c in clauses}
    if raw in by_id:
        return by_id[raw]
    if raw in _PREAMBLE:
        return by_id.get("preamble")
    for attr in ("label", "heading", "title"):
        if hit := _one([c for c in clauses if _normalise(getattr(c, attr)) == raw]):
            return hit
    numbered = [c for c in clauses if c.kind in ("article", "item")]
    if m := _NUMBERED.match(raw):
        n = _arabic(m.group("n"))
        if n is not None:
            if n in by_id and by_id[n].kind in ("article", "item"):
                return by_id[n]
            if hit := _one([c for c in numbered if _arabic(c.number) == n]):
                return hit
    if m := _SUB.match(raw):
        n, sub = _arabic(m.group("n")), m.group("m")
        parent = by_id.get(n or "")
        if parent is not None:
            return _one([c for c in clauses if c.parent_id == parent.clause_id and sub in (c.number, _arabic(c.number))])
    if m := _CHAPTER.match(raw):
        n = _arabic(m.group("n"))
        return _one([c for c in clauses if c.kind == "chapter" and _arabic(c.number) == n])
    if m := _PART.match(raw):
        return _part(clauses, m.group("n"), m.group("m"))
    if len(raw) >= 2:
        # Part of a heading's title, when it is most of it ("服务能力建设"), never a common word ("补贴").
        headings = [c for c in clauses if c.kind in ("chapter", "section", "subsection")]
        return _one([c for c in headings if raw in _normalise(c.title) and 2 * len(raw) >= len(_normalise(c.title))])
    return None


def _part(clauses: Sequence[Clause], n: str, m: str | None) -> Clause | None:
    """The n-th top-level heading ("第二部分"), or the m-th heading under it ("第二部分第（二）块")."""
    tops = [c for c in clauses if c.parent_id is None and c.kind in ("chapter", "section")]
    top = _one([c for c in tops if _arabic(c.number) == _arabic(n)])
    if top is None or m is None:
        return top
    return _one([c for c in clauses if c.parent_id == top.clause_id and _arabic(c.number) == _arabic(m)])
