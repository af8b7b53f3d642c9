"""Look-up answers: a direct sentence first, from the clause's own words; the whole clause is the citation
(the UI opens it, the CLI prints it with ``--verbose``), never quoted twice.

The clause is the one the message names ("第12条", "附则"); else the one the policy's metadata names for a
question about the document itself (validity, who interprets it, upstream documents); else the named item's
clause; else retrieval's best clause of the chosen policy. Questions about validity get a yes/no sentence
("是，仍在有效期内…" / "否，已于…到期"). Which clauses: :mod:`~assistant.dialogue.answers.lookup_clauses`.
"""

from __future__ import annotations

import re

from assistant.corpus import Clause
from assistant.dialogue.answer import Answer
from assistant.dialogue.answers.common import (
    Context,
    label_and_title,
    resume_line,
    short_title,
    with_validity,
)
from assistant.dialogue.answers.document import metadata_answer
from assistant.dialogue.answers.lookup_clauses import chosen_clauses
from assistant.dialogue.answers.quotes import best_sentences
from assistant.nlu.fact_years import resolve
from assistant.nlu.genre import load_genre


def _unsettled_detail(ctx: Context, clause: Clause, delegation: re.Pattern[str]) -> tuple[str, str] | None:
    """For a question of procedure (材料, 流程, 到账) whose words no clause of the policy uses: a line saying the
    text leaves it to later documents, with the clause that says so."""
    parse, genre = ctx.obs.parse, load_genre()
    vague = [m.group(0) for m in genre.vague_terms.finditer(parse.reading) if m.group(0) in clause.text]
    if vague and genre.asks_measure.search(parse.reading):
        asked = vague  # "第7条说的一定数量到底是几家": the clause uses the words without a measure
    elif "procedure" in parse.topics:
        asked = [m.group(0) for m in genre.lookup_topics["procedure"].finditer(parse.reading)]
        if any(w in c.text for w in asked for c in ctx.policy.clauses):
            return None
    else:
        return None
    hand_off = next((c for c in ctx.policy.clauses if c.kind in ("item", "article") and delegation.search(c.text)), None)
    if hand_off is None:
        return None
    guide = f"以{ctx.policy.meta.issuer}发布的申报指南为准（{hand_off.label}）。"
    if asked is vague:
        line = f"“{'、'.join(dict.fromkeys(asked))}”的具体标准，{short_title(ctx.policy)}原文未作规定，{guide}"
    elif ctx.rules is not None and any(i.clause == clause.clause_id for i in ctx.rules.items):
        line = f"申报材料、时间等具体办理要求，{guide}"  # the item's clause may state its own procedure (事前备案)
    else:
        line = f"申报材料、流程、拨付时间等办理细节，{short_title(ctx.policy)}原文未作规定，{guide}"
    return line, hand_off.clause_id


def _year_detail(ctx: Context, clause: Clause) -> tuple[str, str] | None:
    """"第14条…我们2025年申报，看的是哪一年": the year a condition of this clause is about, for the application year
    the message names (a fact's ``year_offset`` relative to the application: 上一年度 is -1) — the sentence, and the
    arithmetic as a trace step (the grounding guard's evidence for the year)."""
    said = ctx.obs.parse.facts_of(ctx.policy_id).applying
    if said is None or ctx.rules is None:
        return None
    applying = resolve(said, ctx.state.as_of.year)
    for group in ctx.rules.condition_groups:
        for condition in group.conditions if group.clause == clause.clause_id else ():
            spec = ctx.domain.fact_spec(ctx.policy_id, condition.fact)
            if spec is not None and spec.year_offset is not None:
                year = applying + spec.year_offset
                step = f"申报年度 {applying} 年 {spec.year_offset:+d} = {year} 年（{clause.label}）"
                return f"{applying}年申报的，看的是{year}年度（{spec.label}）。", step
    return None


def _goal_items(ctx: Context) -> tuple[str, ...]:
    """The items of the conversation's question ("«item»能补多少" … "要先备案吗？办完再报来得及吗": that item's own rule)."""
    goal = ctx.state.goal
    return goal.items if goal is not None else ()


def answer_lookup(ctx: Context) -> Answer | None:
    """None when nothing in the policy answers the question (the caller then clarifies or refuses)."""
    policy = ctx.policy
    direct = metadata_answer(ctx) if not ctx.state.last.clause_refs else None
    also = None
    topics = ctx.obs.parse.topics
    second = topics - {"validity", "validity_yes_no", "new_policy"}
    if direct is not None and ctx.state.recent and ("repeat" in topics or (
            second and topics & {"validity", "validity_yes_no"} and (ctx.action.items or _goal_items(ctx)))):
        # "这个是一次性的吧，明年还能再拿吗", "活动在到期前办完就行吧？要先备案吗？": the item's own rule first, then
        # whether the policy runs then — two questions in one message, both answered
        also, direct = direct, None
    if direct is not None:
        head, clause = direct
        citations = [clause.clause_id]
        validity, placed, shown = None, False, 1
    else:
        chosen = chosen_clauses(ctx)
        if not chosen:
            return None
        clause = chosen[0]
        kids = policy.children(clause.clause_id)
        parts = [a for a in policy.ancestors(clause.clause_id) if a.kind in ("section", "subsection", "chapter")]
        asked = ctx.obs.parse.topics | ctx.state.last.topics  # (the topic carried by "那第5条呢")
        placed = "category" in asked and bool(parts) and clause.kind in ("item", "article")
        hints = load_genre().topic_hints
        query = " ".join([ctx.obs.parse.reading, *(hints.get(t, "") for t in sorted(asked))])
        if placed:
            # "«item»归在哪个大类": the parts of the document it sits in, outermost first.
            within = "中的".join(f"“{a.label}”" for a in parts)
            head = f"{ctx.named(clause.label)}（{clause.title}）属于{within}。"
        elif clause.kind in ("section", "subsection", "chapter") and kids and len(clause.text) < 40:
            head = f"{ctx.named(clause.label)}包括：" + "；".join(label_and_title(k) for k in kids) + "。"
        else:
            # "给我原文": the clause's words in full, not the sentences nearest the question
            said = clause.text if "original" in asked else "".join(best_sentences(clause, query))
            head = f"根据{ctx.named(clause.label)}：{said}"
        citations = [clause.clause_id] + ([parts[-1].clause_id] if placed else [])
        shown = len(citations)
        for more in chosen[1:] if not placed else []:  # each further clause the answer rests on, quoted and cited
            head += f"另据{ctx.named(more.label)}：{''.join(best_sentences(more, query))}"
            citations.append(more.clause_id)
            shown += 1
        if (wrong := ctx.state.last.misnumbered) is not None and policy.has_clause(wrong):
            # "来电说«rule»是第6条，对吗": the number said is corrected first (what that clause is about, cited too)
            said_clause = policy.clause(wrong)
            head = f"不是{said_clause.label}（{said_clause.label}是“{said_clause.title}”），是{clause.label}。{head}"
            citations.append(wrong)
        validity, citations = with_validity(ctx, citations)
    year = _year_detail(ctx, clause) if direct is None else None
    details: list[str] = [year[0]] if year else []
    if also is not None:
        details.append(re.sub(r"^[是否]，", "", also[0]))  # the yes/no answered the validity question alone
        citations.append(also[1].clause_id)
    unsettled = _unsettled_detail(ctx, clause, load_genre().delegation) if direct is None else None
    if unsettled is not None:
        details.append(unsettled[0])
        citations.append(unsettled[1])
    if resume := resume_line(ctx):
        # "级别有几种啊", "投资额含不含税？" while the form waits for a fact: the answer, then the question again
        details.append(resume)
    if clause.kind in ("section", "subsection", "chapter"):
        kids = policy.children(clause.clause_id)
        if kids and "包括：" not in head:
            details.append("包括：" + "；".join(label_and_title(k) for k in kids))
        citations += [k.clause_id for k in kids]
    return Answer(
        "lookup", head, policy.policy_id, details=details, validity=validity,
        citations=list(dict.fromkeys(citations)),
        citation_line=ctx.citation(citations[:shown] + ([unsettled[1]] if unsettled else [])),
        trace=[year[1]] if year else [],
    )


def not_in_text(ctx: Context, delegation: re.Pattern[str]) -> Answer | None:
    """A question about the policy that its text does not settle (申报材料, 拨付时间): say so, and cite the
    clause that hands such details to later documents (申报指南), when the policy has one."""
    policy = ctx.policy
    clause = next((c for c in policy.clauses if c.kind in ("item", "article") and delegation.search(c.text)), None)
    if clause is None:
        return None
    sentence = next((x for x in best_sentences(clause, "申报指南 发布", limit=3) if delegation.search(x)), None)
    quote = sentence or "".join(best_sentences(clause, ctx.obs.parse.reading))
    head = (f"{short_title(policy)}原文没有对此作具体规定；据{clause.label}：{quote}"
            f"具体请以{policy.meta.issuer}发布的申报指南为准。")
    validity, citations = with_validity(ctx, [clause.clause_id])
    return Answer("lookup", head, policy.policy_id, validity=validity, citations=citations,
                  citation_line=ctx.citation(citations[:1]))
