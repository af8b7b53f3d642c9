"""Clause parser for Chinese policy texts: 第X章 / 第X条 / 一、 / （一） / 1、 1. / （1）.

A heading starts a line; a reference inside a body ("按第5条执行") is never a heading. The nesting of
marker kinds is read from the document itself: a marker kind seen for the first time nests under the
current heading; a kind already open closes everything below it. That handles both the
一、/（一）/1、 genre and the 第X章/第X条 genre without knowing either in advance.

Stable ids: sections by their numeral ('二'), subsections by section + marker ('二（一）'), items and
articles by their number ('5') when numbers are unique in the document (as in "第5条"), else prefixed by
their parent id. Text before the first heading is the ``preamble``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from assistant.corpus.model import Clause, ClauseKind

_CN_NUM = "零〇一二三四五六七八九十百千两"
# Kind → pattern matched at a line start. Order matters: 第X章 before 第X条, （一） before （1）.
_HEADING_PATTERNS: list[tuple[ClauseKind, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第(?P<num>[{_CN_NUM}\d]+)章(?:[ \u3000]+|$)")),
    ("article", re.compile(rf"^第(?P<num>[{_CN_NUM}\d]+)条(?:[ \u3000]+|$)")),
    ("section", re.compile(rf"^(?P<num>[{_CN_NUM}]+)[、．.]")),
    ("subsection", re.compile(rf"^[（(](?P<num>[{_CN_NUM}]+)[）)]")),
    ("item", re.compile(r"^(?P<num>\d{1,3})(?:[、]|[.．](?!\d))")),
    ("subitem", re.compile(r"^[（(](?P<num>\d{1,3})[）)]")),
]
_SENTENCE_END = re.compile(r"[。；;！？]")
_TITLE_MAX = 30


@dataclass
class _Heading:
    kind: ClauseKind
    number: str
    marker: str
    title: str
    start: int
    end: int = 0
    parent: _Heading | None = None
    clause_id: str = ""


def _to_arabic(num: str) -> str:
    return num if num.isdigit() else str(cn2an.cn2an(num, "smart"))


def _short_title(kind: ClauseKind, rest: str) -> str:
    """A heading's title: the whole line for sections; an item's first sentence when it is short."""
    first_line = rest.split("\n", 1)[0].strip()
    if kind in ("chapter", "section", "subsection"):
        return first_line
    m = _SENTENCE_END.search(first_line)
    sentence = first_line[: m.start()] if m else first_line
    if len(sentence) <= _TITLE_MAX:
        return sentence
    phrase = re.split(r"[，,：:]", sentence, maxsplit=1)[0]
    if len(phrase) <= _TITLE_MAX:
        return phrase
    return sentence[:_TITLE_MAX].rstrip("，、,") + "…"


def _find_headings(text: str) -> list[_Heading]:
    headings: list[_Heading] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        lead = len(line) - len(stripped)
        for kind, pattern in _HEADING_PATTERNS:
            m = pattern.match(stripped)
            if m:
                rest = stripped[m.end():]
                headings.append(
                    _Heading(
                        kind=kind,
                        number=m.group("num"),
                        marker=m.group(0).strip(),
                        title=_short_title(kind, rest),
                        start=offset + lead,
                    )
                )
                break
        offset += len(line)
    return headings


def _nest(headings: list[_Heading]) -> None:
    """Set each heading's parent from the order in which marker kinds open and close."""
    stack: list[_Heading] = []
    for h in headings:
        kinds = [s.kind for s in stack]
        if h.kind in kinds:
            del stack[kinds.index(h.kind):]
        h.parent = stack[-1] if stack else None
        stack.append(h)


def _assign_ids(headings: list[_Heading]) -> None:
    numbered: dict[ClauseKind, list[str]] = {}
    for h in headings:
        numbered.setdefault(h.kind, []).append(_to_arabic(h.number))
    unique = {k: len(v) == len(set(v)) for k, v in numbered.items()}
    # Articles (第X条) own the bare numbers; numbered items then take their parent's id as prefix.
    if "article" in numbered:
        unique["item"] = False
    for h in headings:
        parent_id = h.parent.clause_id if h.parent else ""
        if h.kind in ("section", "chapter"):
            own = h.number if h.kind == "section" else f"第{h.number}章"
            h.clause_id = own if unique[h.kind] or not parent_id else f"{parent_id}{own}"
        elif h.kind == "subsection":
            h.clause_id = f"{parent_id}（{h.number}）"
        elif h.kind in ("item", "article"):
            num = _to_arabic(h.number)
            h.clause_id = num if unique[h.kind] or not parent_id else f"{parent_id}-{num}"
        else:  # subitem
            h.clause_id = f"{parent_id}（{h.number}）"


def _label(h: _Heading) -> str:
    """'第5条' for items and articles; a sub-unit of an article is named after it ('第三条（一）')."""
    parent_label = _label(h.parent) if h.parent else ""
    if h.kind == "article":
        return f"第{h.number}条"
    if h.kind == "item":
        return f"第{_to_arabic(h.number)}条" if "-" not in h.clause_id else f"{parent_label}第{h.number}项"
    if h.kind == "subitem" or (h.kind == "subsection" and h.parent and h.parent.kind in ("article", "item")):
        return f"{parent_label}（{h.number}）"
    return f"{h.marker} {h.title}" if h.kind == "chapter" else f"{h.marker}{h.title}"


def _heading_text(h: _Heading) -> str:
    sep = "" if h.kind in ("section", "subsection", "item", "subitem") else " "
    return f"{h.marker}{sep}{h.title}".strip()


def parse_clauses(policy_id: str, text: str) -> tuple[Clause, ...]:
    """Parse a clean policy text into clauses in document order (preamble first, if any)."""
    headings = _find_headings(text)
    _nest(headings)
    _assign_ids(headings)
    for i, h in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else len(text)
        h.end = len(text[:end].rstrip())
    clauses: list[Clause] = []
    first = headings[0].start if headings else len(text)
    preamble_end = len(text[:first].rstrip())
    if preamble_end > 0:
        pre = text[:preamble_end]
        lead = len(pre) - len(pre.lstrip())
        clauses.append(
            Clause(
                policy_id=policy_id,
                clause_id="preamble",
                kind="preamble",
                number="",
                title="序言",
                label="序言",
                heading="序言",
                path=("序言",),
                parent_id=None,
                text=text[lead:preamble_end],
                start=lead,
                end=preamble_end,
            )
        )
    for h in headings:
        chain: list[_Heading] = []
        node: _Heading | None = h
        while node is not None:
            chain.append(node)
            node = node.parent
        clauses.append(
            Clause(
                policy_id=policy_id,
                clause_id=h.clause_id,
                kind=h.kind,
                number=h.number,
                title=h.title,
                label=_label(h),
                heading=_heading_text(h),
                path=tuple(_heading_text(x) for x in reversed(chain)),
                parent_id=h.parent.clause_id if h.parent else None,
                text=text[h.start : h.end],
                start=h.start,
                end=h.end,
            )
        )
    ids = [c.clause_id for c in clauses]
    if len(ids) != len(set(ids)):
        from assistant.errors import DataError

        dupes = sorted({x for x in ids if ids.count(x) > 1})
        raise DataError(f"条款编号重复：{'、'.join(dupes)}")
    return tuple(clauses)
