"""The grounding guard: every number in an answer must come from the evidence or the calculator.

Before an answer leaves the assistant, each figure in it — amounts of money, percentages, dates, counts —
is looked up in the texts the answer rests on: the cited clauses and the calculator trace (whose steps
carry the user's own figures, e.g. the investment they stated). A figure found in neither is a violation;
the assistant then falls back to its deterministic wording or refuses, and never shows it.

Comparison is by value, not by spelling: "200万元", "2,000,000元" and "二百万元" are the same money.
Clause labels ("第5条") are checked against the clause ids of the evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from assistant.corpus.model import PolicyMeta
from assistant.errors import GroundingError
from assistant.rules.money_text import find_amounts

_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
_CLAUSE_REF = re.compile(r"第\s*(\d{1,3})\s*条")
_PERCENT_AFTER = re.compile(r"^\s*[%％]")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4096)
def _figures(text: str) -> tuple[frozenset[int], frozenset[Decimal], tuple[tuple[str, Decimal, str], ...]]:
    """Money values (yuan), all plain numbers, and the answer-facing list of (kind, value, spelling).

    Cached: the evidence is mostly the same few clause texts, read again for every answer.
    """
    text = _nfkc(text)
    money: set[int] = set()
    spans: list[tuple[int, int]] = []
    found: list[tuple[str, Decimal, str]] = []
    for mention in find_amounts(text):
        money.add(mention.yuan)
        spans.append((mention.start, mention.end))
        found.append(("money", Decimal(mention.yuan), mention.text))
    clause_refs = list(_CLAUSE_REF.finditer(text))
    clause_spans = [(ref.start(), ref.end()) for ref in clause_refs]
    for ref in clause_refs:
        found.append(("clause", Decimal(ref.group(1)), ref.group(0)))
    numbers: set[Decimal] = set()
    for m in _NUMBER.finditer(text):
        try:
            value = Decimal(m.group(1).replace(",", "") + (f".{m.group(2)}" if m.group(2) else ""))
        except InvalidOperation:  # pragma: no cover - the regex only admits digits
            continue
        numbers.add(value.normalize())
        inside = any(s <= m.start() < e for s, e in spans + clause_spans)
        if not inside:
            kind = "percent" if _PERCENT_AFTER.match(text[m.end():]) else "number"
            found.append((kind, value.normalize(), m.group(0)))
    return frozenset(money), frozenset(numbers), tuple(found)


def metadata_texts(meta: PolicyMeta) -> list[str]:
    """The policy's own dates written out ("2024年5月25日"): grounding evidence besides its clauses."""
    days = [meta.published, meta.effective_from, meta.valid_until]
    return [f"{d.year}年{d.month}月{d.day}日" for d in days if d is not None]


def ungrounded_numbers(
    answer: str, evidence_texts: Iterable[str], trace_texts: Iterable[str], clause_ids: Iterable[str] = ()
) -> list[str]:
    """The figures in ``answer`` that neither the evidence nor the trace holds (spelled as in the answer).

    ``clause_ids`` are the ids of the evidence clauses; "第N条" in the answer must name one of them.
    When no ids are given, clause labels are checked against the evidence texts like any number.
    """
    allowed_money: set[int] = set()
    allowed_numbers: set[Decimal] = set()
    for text in [*evidence_texts, *trace_texts]:
        money, numbers, _ = _figures(text)
        allowed_money |= money
        allowed_numbers |= numbers
    ids = {str(c) for c in clause_ids}
    bad: list[str] = []
    for kind, value, spelling in _figures(answer)[2]:
        if kind == "money":
            ok = int(value) in allowed_money
        elif kind == "clause":
            ok = str(int(value)) in ids if ids else value.normalize() in allowed_numbers
        else:
            ok = value.normalize() in allowed_numbers
        if not ok:
            bad.append(spelling)
    return bad


def check_grounded(
    answer: str, evidence_texts: Iterable[str], trace_texts: Iterable[str], clause_ids: Iterable[str] = ()
) -> None:
    """Raise :class:`GroundingError` naming the first figures that are not grounded."""
    bad = ungrounded_numbers(answer, list(evidence_texts), list(trace_texts), list(clause_ids))
    if bad:
        raise GroundingError(f"回答中的数字没有依据：{'、'.join(dict.fromkeys(bad))}")
