"""Eligibility answers: the verdict first ("不符合：税务登记须在«our region»（一、«section title»）"), then the conditions
that matter for this case, each with its clause; the other conditions as one line of what is still to confirm.
"""

from __future__ import annotations

from typing import Any

from assistant.corpus import Clause
from assistant.dialogue.answer import Answer, NoteLine
from assistant.dialogue.answers.common import Context, note_lines, validity_clause, with_validity
from assistant.dialogue.answers.quotes import best_sentences
from assistant.rules.eligibility import STATUS_TEXT, check_eligibility

_WORD = {"not_met": "不满足", "to_confirm": "需确认", "unknown": "待确认", "met": "已满足"}


def _general_reasons(ctx: Context) -> list[Any]:
    """The conditions every applicant must meet (支持对象, 取消资格) for this profile."""
    return list(check_eligibility(ctx.rules, None, ctx.state.profile(), ctx.as_of).reasons)


def _lines(ctx: Context, reasons: list[Any], own_clause: str | None) -> tuple[list[str], list[NoteLine]]:
    """Condition lines that matter for this case; with an item, the general conditions nobody has spoken
    about yet become one 申报须知 note instead."""
    own = [r for r in reasons if r.clause == own_clause]
    general = [r for r in reasons if r.clause != own_clause]
    lines: list[str] = []
    for key in ("not_met", "to_confirm", "unknown", "met"):
        lines += [f"{_WORD[key]}：{r.condition}（{ctx.label(r.clause)}）" for r in own if r.status == key]
    lines += [f"{_WORD[k]}：{r.condition}（{ctx.label(r.clause)}）" for k in ("not_met", "met") for r in general
              if r.status == k]
    unknown = [r for r in general if r.status == "unknown"]
    notes: list[NoteLine] = []
    if unknown:
        clauses = tuple(dict.fromkeys(r.clause for r in unknown))
        labels = "、".join(ctx.label(c) for c in clauses)
        text = f"还需确认：{'、'.join(r.condition for r in unknown)}（{labels}）"
        if own_clause is None:
            lines.append(text)
        else:
            notes.append(NoteLine(f"申报主体{text}", clauses))
    return lines, notes


def rules_mentioned(ctx: Context) -> list[tuple[str, str]]:
    """(clause, quote) of the policy's cross-item rules and notes whose own fact the message speaks about
    ("镇里已经扶持过" → the rule on other support for the same project)."""
    rules, vocab = ctx.rules, ctx.domain.catalog.policy(ctx.policy_id)
    text = ctx.obs.parse.reading
    found: list[tuple[str, str]] = []
    for rule in [*rules.cross_rules, *rules.notes]:
        when = getattr(rule, "when", None)
        fact = getattr(rule, "fact", None) or getattr(when, "fact", None)
        quote, clause = getattr(rule, "quote", None), getattr(rule, "clause", None)
        if isinstance(fact, str) and quote and clause and any(c in text for c in vocab.cues(fact).cues):
            found.append((clause, quote))
    return list(dict.fromkeys(found))


def _verdict(ctx: Context, status: str, reasons: list[Any], subject: str) -> str:
    failed = [r for r in reasons if r.status == "not_met"]
    if failed:
        r = failed[0]
        return f"不符合：{r.condition}（{ctx.label(r.clause)}）。"
    if status == "eligible":
        return f"符合：{subject}的条件，按您说明的情况均已满足。"
    if status == "to_confirm":
        return f"需确认：{subject}有一项条件以申报指南为准，其余已说明的情况符合。"
    known = [r for r in reasons if r.status == "met"]
    if known:
        return f"还需确认：已说明的条件都符合，{subject}的其余条件还需确认。"
    return f"还需确认：能否申请取决于{subject}的以下条件。"


def _rule_hit(ctx: Context, cited: list[str]) -> Clause | None:
    """Retrieval's best clause when it is one of the policy's general rules (先申报后补助, 一事一议…) — what a
    question such as "没申报过能直接领吗" turns on besides who may apply. Items and the validity clause are not."""
    if not ctx.obs.answerable:
        return None
    hits = [h for h in ctx.obs.hits if h.clause.policy_id == ctx.policy_id]
    items = {i.clause for i in ctx.rules.items}
    # The best two, passing over a clause the answer already cites (取消资格 when it is about who may apply).
    for hit in hits[:2]:
        clause = hit.clause
        if clause.clause_id in cited:
            continue
        if clause.kind not in ("item", "article") or clause.clause_id in items:
            return None
        return None if clause.clause_id == validity_clause(ctx.policy) else clause
    return None


def answer_eligibility(ctx: Context) -> Answer:
    rules, items = ctx.rules, list(ctx.action.items)
    rule: Clause | None = None
    reasons_extra = ""
    profile = ctx.state.profile()
    if items:
        result = check_eligibility(rules, items[0], profile, ctx.as_of)
        item_clause = rules.item(items[0]).clause
        label = ctx.label(item_clause)
        reasons = list(result.reasons)
        head = _verdict(ctx, result.status, reasons, ctx.named(label))
        # A verdict of "no" rests first on the condition that failed ("上一年度有严重失信行为" → 第14条, then the item's).
        failed_first = [r.clause for r in reasons if r.status == "not_met"]
        citations: list[str] = [*failed_first, item_clause] + [r.clause for r in reasons if r.status in ("not_met", "met")]
        # The verdict rests on who may apply (一) and what cancels eligibility (14) too, said or not: cited after.
        citations += [g.clause for g in rules.groups_for(None)]
        notes = note_lines(ctx, result.notes)
        status = result.status
        missing = list(result.missing_facts)
    else:
        reasons = _general_reasons(ctx)
        failed = any(r.status == "not_met" for r in reasons)
        met = [r for r in reasons if r.status == "met"]
        status = "ineligible" if failed else ("eligible" if len(met) == len(reasons) else "needs_info")
        head = _verdict(ctx, status, reasons, "支持对象和取消资格规定")
        # The clause of a condition failed first: the verdict rests on it ("去年有重大违法" → 第14条).
        citations = [r.clause for r in reasons if r.status == "not_met"] + [g.clause for g in rules.groups_for(None)]
        citations = list(dict.fromkeys(citations))
        rule = _rule_hit(ctx, citations)
        if rule is not None:
            reasons_extra = f"另据{rule.label}：{''.join(best_sentences(rule, ctx.obs.parse.reading))}"
        notes = []
        missing = [r.fact for r in reasons if r.status == "unknown"]
    lines, general_notes = _lines(ctx, reasons, ctx.rules.item(items[0]).clause if items else None)
    if not items and rule is not None:
        lines.append(reasons_extra)
        citations.append(rule.clause_id)
    # A condition the message raises but leaves open ("我们是一所高校" for 法人企业) is cited where it is set.
    raised = set(ctx.obs.parse.facts_of(ctx.policy_id).mentioned)
    citations += [r.clause for r in reasons if r.status == "unknown" and getattr(r, "fact", None) in raised]
    for clause, quote in rules_mentioned(ctx):
        lines.append(f"{ctx.label(clause)}：{quote}")
        citations.append(clause)
    notes = general_notes + notes
    citations = list(dict.fromkeys(citations))
    validity, citations = with_validity(ctx, citations)
    return Answer(
        "eligibility", head, ctx.policy_id, conditions=lines, notes=notes, validity=validity,
        citations=citations, citation_line=ctx.citation(citations), items=items[:1],
        eligibility=status if status in STATUS_TEXT else None, missing_facts=missing,
    )
