"""Deterministic Chinese wording of answers, from evidence clauses and calculator results only.

Every figure in these texts is copied from a clause, the policy metadata or a calculator trace step; the
citations line is generated from the clause ids of the evidence. Nothing here computes an amount.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.corpus.model import Clause, Policy
from assistant.rules.calculator import ItemResult, Note
from assistant.rules.model import FactSpec, PolicyRules
from assistant.rules.money import format_yuan

_SENTENCE = re.compile(r"[^。；;！？\n]+[。；;！？]?")
_BIGRAM_SKIP = set("的了和与及或是在对按为给有将可等")


def citation_line(clauses: Sequence[Clause]) -> str:
    """'依据：第5条 推广工业互联网创新应用及标杆建设；一、支持对象'."""
    parts = []
    for c in clauses:
        if c.kind in ("item", "article"):
            parts.append(f"{c.label} {c.title}")
        else:
            parts.append(c.label)
    return "依据：" + "；".join(dict.fromkeys(parts))


def validity_notice(policy: Policy, in_force: bool, rules_note: str | None = None) -> str | None:
    """A plain sentence when the policy is not in force on the as-of date."""
    if in_force:
        return None
    if rules_note:
        return rules_note
    meta = policy.meta
    until = meta.valid_until
    if until is None:
        return f"《{meta.title}》在所选日期尚未生效（自{meta.effective_from_text}）。"
    return (
        f"《{meta.title}》有效期至{until.year}年{until.month}月{until.day}日，所选日期已不在有效期内；"
        f"以下按原文说明，仅供参考，请以{meta.issuer}发布的最新政策和申报指南为准。"
    )


def ask_for(specs: Sequence[FactSpec], item_label: str) -> str:
    """One short question asking for exactly the missing facts (with the options)."""
    if len(specs) == 1:
        return f"为按{item_label}测算，还需要一项信息：{specs[0].question}"
    asks = "".join(f"\n- {s.question}" for s in specs)
    return f"为按{item_label}测算，还需要以下信息：{asks}"


def award_headline(result: ItemResult, label: str) -> str:
    amount = result.amount_yuan or 0
    if amount == 0:
        return f"按{label}测算，本项可获资助为{format_yuan(0)}。"
    if result.ceiling_is_entitlement:
        return f"按{label}，可获{format_yuan(amount)}。"
    return f"按{label}，最高可获资助{format_yuan(amount)}。"


def trace_lines(result: ItemResult) -> list[str]:
    return [f"- {s.description}" for s in result.trace if s.step != "result"]


def note_lines(notes: Iterable[Note], skip: set[str]) -> list[str]:
    out: list[str] = []
    for n in notes:
        if n.text in skip:
            continue
        skip.add(n.text)
        out.append(f"- {n.text}")
    return out


def applicant_requirements(rules: PolicyRules) -> str:
    """What every applicant must also satisfy (一, 14), in the policy's own words."""
    a, d = rules.applicant, rules.disqualification
    return f"申报主体还须符合支持对象条件（{a.clause}）：{a.quote}；且{d.quote}（第{d.clause}条）。"


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" and c not in _BIGRAM_SKIP]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)} | {c for c in chars}


def best_sentences(clause: Clause, query: str, limit: int = 2) -> list[str]:
    """The clause's sentences that best answer ``query`` (by shared characters), in document order."""
    body = clause.text
    first_line, _, rest = body.partition("\n")
    if clause.kind in ("section", "subsection") and rest:
        body = rest
    sentences = [s.strip() for s in _SENTENCE.findall(body) if s.strip()]
    if not sentences:
        return [body]
    q = _bigrams(query)
    scored = sorted(
        range(len(sentences)), key=lambda i: (-len(q & _bigrams(sentences[i])), i)
    )
    top = sorted(scored[:limit]) if len(sentences) > 1 else [0]
    # Drop a second sentence that shares nothing with the question.
    if len(top) > 1 and not q & _bigrams(sentences[top[1]]) and top[1] != scored[0]:
        top = [scored[0]]
    return [sentences[i] for i in top]


def quote_clause(clause: Clause) -> str:
    path = clause.path_str if clause.kind != "preamble" else "序言"
    return f"【{clause.label}原文】（{path}）\n{clause.text}"


_REASON_PREFIX = re.compile(r"^(需确认|待确认|符合|不符合)：")
_REASON_LABEL = re.compile(r"（第[^（）]*(条|部分)）$")


def reason_text(reason: Any) -> str:
    """A condition's outcome without its status word and clause label (the answer adds its own)."""
    text = _REASON_PREFIX.sub("", reason.description).strip()
    text = _REASON_LABEL.sub("", text).rstrip("。")
    return text
