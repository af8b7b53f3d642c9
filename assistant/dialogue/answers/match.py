"""政策匹配 answers: what the enterprise can claim under every loaded policy, from what it has said.

First line: how many items fit and the total the rules allow; then the items that fit (figure and a one-line
trace, cited), the items that may fit (exactly the facts that decide them) and one question to ask next;
the items that do not fit, and the conditions every applicant must still meet, are folded notes. Policies in
force on the as-of date come first; others are marked. Until anything is known, the menu of items.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.dialogue.answer import Answer, NoteLine
from assistant.dialogue.answers.award import ask_item
from assistant.dialogue.answers.common import Context, short_title, validity_line, with_validity
from assistant.rules import format_yuan
from assistant.rules.matching import ItemMatch, PolicyMatch, match_policy

_QUOTE = re.compile(r"（[^（）]*“[^”]*”[^（）]*）")


def one_line(m: ItemMatch) -> str:
    """The item's trace in one line, without the clause quotes (the citation carries them)."""
    steps = [_QUOTE.sub("", s.description) for s in m.trace if s.kind != "result"]
    return "；".join(steps)


def _figure(m: ItemMatch) -> str:
    verb = "可获" if m.entitlement else "最高可获"
    return f"{verb}{format_yuan(m.amount_yuan or 0)}"


def _section(
    ctx: Context, pm: PolicyMatch, several: bool
) -> tuple[list[str], list[NoteLine], list[str], list[str]]:
    policy = ctx.domain.policy(pm.policy_id)
    lines: list[str] = []
    notes: list[NoteLine] = []
    cited: list[str] = []
    listed: list[str] = []
    if several:
        mark = "" if pm.in_force else "（不在有效期内，仅供参考）"
        lines.append(f"{short_title(policy)}{mark}：")
    fits = pm.of("eligible")
    if fits:
        lines.append("符合：")
        for m in fits:
            trace = one_line(m)
            lines.append(f"- {m.label} {m.title}：{_figure(m)}" + (f"（{trace}）" if trace else ""))
            cited.append(m.clause)
    spoken = [m for m in pm.of("need_info") if m.known]
    if spoken:
        lines.append("还需确认：")
        for m in spoken:
            specs = [ctx.domain.fact_spec(pm.policy_id, f) for f in m.missing_facts[:3]]
            facts = "、".join(s.label for s in specs if s is not None)
            lines.append(f"- {m.label} {m.title}（{m.max_text}）：还需确认{facts}")
            cited.append(m.clause)
    others = [m for m in pm.of("need_info") if not m.known]
    if others:
        lines.append("其他可能适用：" + "；".join(f"{m.label} {m.title}（{m.max_text}）" for m in others))
        listed += [m.clause for m in others]
    for m in pm.of("not_eligible"):
        why = "；".join(r.description for r in m.reasons if r.status == "not_met")
        notes.append(NoteLine(f"不符合 {m.label} {m.title}：{why}", (m.clause, *{r.clause for r in m.reasons})))
    if pm.general_unknown:
        clauses = tuple(dict.fromkeys(r.clause for r in pm.general_unknown))
        names = "、".join(r.condition for r in pm.general_unknown)
        notes.append(NoteLine(f"各项申报前还须符合：{names}（{'、'.join(ctx.domain.label(pm.policy_id, c) for c in clauses)}）",
                              clauses))
    return lines, notes, cited, listed


def _next_question(pms: list[PolicyMatch]) -> ItemMatch | None:
    """The one question worth asking: for the item the user spoke about most that still needs a fact."""
    candidates = [m for pm in pms for m in pm.of("need_info") if m.question and m.known]
    return max(candidates, key=lambda m: m.known) if candidates else None


def answer_match(ctx: Context) -> Answer:
    domain, state = ctx.domain, ctx.state
    pids = [pid for pid in domain.policy_ids if domain.has_rules(pid)]
    if not any(state.profile(pid) for pid in pids):
        if ctx.rules is None:
            from assistant.dialogue.answers.simple import no_rules

            return no_rules(ctx)
        return ask_item(ctx)
    # Every policy with rules the enterprise has said something about (the one asked about always).
    pids = [pid for pid in pids if pid == ctx.policy_id or state.profile(pid)]
    pms = [match_policy(domain.rules[pid], state.profile(pid), ctx.as_of,
                        bool(state.goal and state.goal.same_project)) for pid in pids]
    pms.sort(key=lambda pm: (not pm.in_force, not pm.of("eligible")))
    several = len(pms) > 1
    fits = [m for pm in pms for m in pm.of("eligible")]
    need = [m for pm in pms for m in pm.of("need_info") if m.known]
    named = ctx.obs.parse.items or state.recent
    if not fits and not named and len(need) >= 2 and all(m.known <= 1 for m in need):
        # "有啥补助能拿？我们是做工业互联网应用的": no item named, and one fact that every open item shares says who
        # the enterprise is, not which support it is after — which item? (the menu), not a half-match of several
        return ask_item(ctx)
    # A total is the calculator's, within one policy; across policies the figures are given side by side.
    with_fits = [pm for pm in pms if pm.of("eligible")]
    total: int | None = None
    if len(with_fits) == 1:
        pm = with_fits[0]
        total = pm.total_yuan if pm.total_yuan is not None else pm.of("eligible")[0].amount_yuan
    def name(m: ItemMatch) -> str:
        return f"{short_title(domain.policy(m.policy_id))}{m.label}" if several else m.label

    labels = "、".join(name(m) for m in fits)
    pending = f"；{'、'.join(name(m) for m in need)}还需确认" if need else ""
    if fits and total is not None:
        together = f"按规则合计最高{format_yuan(total)}" if len(fits) > 1 else _figure(fits[0])
        head = f"按您说明的情况，符合{labels}，{together}{pending}。"
    elif fits:
        head = f"按您说明的情况，符合{labels}（各项金额见下）{pending}。"
    else:
        head = f"按您说明的情况，暂无可以确认符合的项目{pending}。"
    lines: list[str] = []
    notes: list[NoteLine] = []
    cited: list[str] = []
    listed: list[str] = []
    foreign: list[tuple[str, str]] = []
    foreign_seen: list[tuple[str, str]] = []
    for pm in pms:
        more, more_notes, more_cited, more_listed = _section(ctx, pm, several)
        lines += more
        if pm.policy_id == ctx.policy_id or not several:
            notes += more_notes
            cited += more_cited
            listed += more_listed
        else:
            # Another policy's lines: cited and grounded in its own clauses.
            foreign += [(pm.policy_id, c) for c in dict.fromkeys(more_cited)]
            foreign_seen += [(pm.policy_id, c) for c in dict.fromkeys(more_listed)]
    # Only when a cross-item rule changed the sum (从高不重复, a shared cap): a plain sum needs no explaining.
    if any(s.kind != "total" for pm in pms for s in pm.total_trace):
        lines.append("合计依据：" + "；".join(_QUOTE.sub("", s.description) for pm in pms for s in pm.total_trace))
    ask = _next_question(pms)
    ask_spec = domain.fact_spec(ask.policy_id, ask.missing_facts[0]) if ask is not None else None
    if ask is not None:
        lines.append(f"下一步请告诉我：{ask.question}")
    invalid = [validity_line(domain.policy(pm.policy_id), ctx.as_of) for pm in pms if not pm.in_force]
    validity = invalid[0] if invalid and len(pms) == 1 else None
    if validity and fits:
        _, cited = with_validity(ctx, cited)
    matches: list[dict[str, Any]] = [m.to_dict() for pm in pms for m in pm.items]
    primary = list(dict.fromkeys(c for c in cited))
    return Answer(
        "match", head, ctx.policy_id, details=lines, notes=notes, validity=validity,
        citations=primary, citation_line=ctx.citation([m.clause for m in fits][:3] or primary[:1]),
        amount_yuan=total if fits else None, items=[m.item_id for m in fits],
        trace=[s for m in fits for s in m.trace] + [s for pm in pms for s in pm.total_trace],
        missing_facts=list(ask.missing_facts[:1]) if ask else [], matches=matches, extra_evidence=listed,
        foreign_citations=foreign, foreign_evidence=foreign_seen,
        options=list(ask_spec.options or []) if ask_spec is not None else [],
    )
