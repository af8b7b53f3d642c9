"""Award answers: the figure with its steps, the one question for a missing fact, the menu of items.

Every figure comes from the calculator (``calculate``/``calculate_many``/``max_award``); the wording only
copies it. "最高可获" where the text says 不超过/最高 (a ceiling subject to review), "可获" for a fixed amount.
"""

from __future__ import annotations

from typing import Any

from assistant.dialogue.answer import Answer, NoteLine
from assistant.dialogue.answers.alternatives import alternatives, answer_alternatives
from assistant.dialogue.answers.common import Context, applicant_note, note_lines, with_validity
from assistant.dialogue.answers.quotes import best_sentences
from assistant.errors import InputError
from assistant.nlu.genre import load_genre
from assistant.rules import CalcRequest, calculate, calculate_many, check_eligibility, format_yuan, max_award

_MARK = {"met": "已满足", "not_met": "不满足", "unknown": "待确认", "to_confirm": "需确认"}


def _verb(result: Any) -> str:
    return "可获" if result.ceiling_is_entitlement else "最高可获资助"


def _own_conditions(ctx: Context, item_id: str) -> tuple[list[str], list[str]]:
    """The item's own conditions for this profile (lines), and those the user said are not met."""
    rules = ctx.rules
    # A value only planned for ("准备报区级") gives the figure for then; now, its condition is not met (the fact's
    # none option, "未认定").
    now = ctx.state.profile() | {
        name: spec.none_options[0] for name in ctx.state.planned(ctx.policy_id)
        if (spec := rules.facts.get(name)) is not None and spec.none_options
    }
    elig = check_eligibility(rules, item_id, now, ctx.as_of)
    clause = rules.item(item_id).clause
    own = [r for r in elig.reasons if r.clause == clause]
    lines = [f"{_MARK[r.status]}：{r.condition}" for r in own]
    failed = [r.condition for r in own if r.status == "not_met"]
    return lines, failed


def _notes(ctx: Context, results: list[Any]) -> list[NoteLine]:
    notes = [n for r in results for n in r.notes]
    return note_lines(ctx, notes) + applicant_note(ctx, results[0].item_id if len(results) == 1 else None)


def _requests(ctx: Context, items: list[str], project: str | None) -> list[tuple[str, dict[str, Any], int | None]]:
    """(item, profile) for each figure to compute: the items asked about; with a question of the total, every
    project set aside before too ("两个加起来一共能拿多少"), each with its own facts."""
    rules, profile = ctx.rules, ctx.state.profile()
    profiles = {i: profile for i in items}
    if project is None:
        # Separate projects: each with its own other support, not the other's — nor one said of another item
        # earlier ("镇里奖励过我们«item A»10万" … "那«item B»的奖励呢").
        shared = {f.name for f in rules.cross_cutting_facts() if f.type in ("money", "money_list")}
        profiles = {i: ctx.state.profile_for_item(ctx.policy_id, i, shared) for i in items}
    earlier = ctx.state.projects if "together" in ctx.obs.parse.acts else ()
    return [(i, {**profile, **p.facts}, p.year) for p in earlier for i in p.items] + [(i, profiles[i], None) for i in items]


def answer_award(ctx: Context) -> Answer:
    rules, items = ctx.rules, list(ctx.action.items)
    goal = ctx.state.goal
    project = "本项目" if goal is not None and goal.same_project else None
    requests = _requests(ctx, items, project)
    try:
        results = [calculate(rules, i, facts, ctx.as_of) for i, facts, _ in requests]
    except InputError as err:
        # the amounts the message to check quotes are the user's own: the trace carries them for the guard
        given = [f"{name}: {format_yuan(v)}" for _, facts, _ in requests for name, v in facts.items()
                 if isinstance(v, int) and not isinstance(v, bool)]
        return Answer("award", f"{err}。请核对后重新告诉我。", ctx.policy_id, items=items, trace=given)
    if len(results) == 1 and (alts := alternatives(ctx, items[0])):
        return _with_rule(ctx, answer_alternatives(ctx, items[0], requests[0][1], alts))
    if len(results) == 1:
        return _with_rule(ctx, _single(ctx, results[0]))
    acts = ctx.obs.parse.acts
    if "compare" in acts and "together" not in acts and project is None and len(requests) == len(items):
        # (asked for the total too, "哪个钱多，两个都能拿的话一共多少": the total, each figure in its steps)
        return _compared(ctx, results)
    combined = calculate_many(rules, [CalcRequest(i, facts, project, year=y) for i, facts, y in requests], ctx.as_of)
    labels = "、".join(dict.fromkeys(ctx.label(r.clause) for r in results))
    if len(requests) > len(items):  # projects set aside are added up with the one asked about
        labels += "（各年度分别计算）" if any(y is not None for *_, y in requests) else "（各项目分别计算）"
    total = combined.total_yuan or 0
    # The principle in the policy's own words (rules.yaml same_project_highest), never a phrase of one policy.
    rule = next((r for i in items for r in rules.cross_rules_for(i, "same_project_highest")), None)
    if project and rule is not None:
        head = f"同一项目按“{rule.principle}”只取高者：按{ctx.named(labels)}，最高可获资助{format_yuan(total)}。"
    elif project:
        head = f"同一项目只取高者：按{ctx.named(labels)}，最高可获资助{format_yuan(total)}。"
    else:
        head = f"按{ctx.named(labels)}合计，最高可获资助{format_yuan(total)}。"
    left = [s for s in ctx.state.last.left_out if s.clause in {r.clause for r in results} or s.kind == "other_project"]
    steps = [*ctx.state.last.dropped, *(s.description for s in left),
             *(s.description for r in results for s in r.trace if s.step != "result")]
    steps += [s.description for s in combined.trace]
    citations = [r.clause for r in results] + [s.clause for s in [*combined.trace, *left]]
    validity, citations = with_validity(ctx, list(dict.fromkeys(citations)))
    return _with_rule(ctx, Answer(
        "award", head, ctx.policy_id, steps=steps, notes=_notes(ctx, results), validity=validity,
        citations=citations, citation_line=ctx.citation(citations), amount_yuan=combined.total_yuan,
        trace=left + [s for r in results for s in r.trace] + list(combined.trace), items=items,
    ))


def _compared(ctx: Context, results: list[Any]) -> Answer:
    """Two or more items' figures compared ("跟贯标比哪个钱多"): each on its own, never added up. The figure of the
    answer is the first item's (the one the message is about: "那首次规上呢？跟贯标比…")."""
    each = [f"按{ctx.named(ctx.label(r.clause))}，{_verb(r)}{format_yuan(r.amount_yuan or 0)}" for r in results]
    amounts = {r.amount_yuan or 0 for r in results}
    if len(amounts) == 1:
        verdict = "金额相同"
    else:
        top = max(results, key=lambda r: r.amount_yuan or 0)
        verdict = f"{ctx.label(top.clause)}的金额较高"
    head = "；".join(each) + f"。{verdict}（各项分别计算，不相加）。"
    steps = [s.description for r in results for s in r.trace if s.step != "result"]
    citations = list(dict.fromkeys(c for r in results for c in [r.clause, *[s.clause for s in r.trace]]))
    validity, citations = with_validity(ctx, citations)
    return Answer(
        "award", head, ctx.policy_id, steps=steps, notes=_notes(ctx, results), validity=validity,
        citations=citations, citation_line=ctx.citation(citations), amount_yuan=results[0].amount_yuan,
        trace=[s for r in results for s in r.trace], items=[r.item_id for r in results],
    )


def _with_rule(ctx: Context, answer: Answer) -> Answer:
    """The figure, then the rule of the text the action names ("能不能多给点": the rule for more than the standard),
    quoted in its own words and cited."""
    rule = ctx.action.rule
    clause = ctx.domain.clause(ctx.policy_id, rule) if rule is not None else None
    if clause is None:
        return answer
    said = "".join(best_sentences(clause, ctx.obs.parse.reading))
    answer.details.append(f"超出上述标准的，根据{ctx.named(clause.label)}：{said}")
    answer.citations = list(dict.fromkeys([*answer.citations, clause.clause_id]))
    answer.citation_line = ctx.citation(answer.citations)
    return answer


def _single(ctx: Context, result: Any) -> Answer:
    label = ctx.label(result.clause)
    amount = result.amount_yuan or 0
    conditions, failed = _own_conditions(ctx, result.item_id)
    if failed:
        head = (f"按{ctx.named(label)}，须{failed[0]}才能申请；如符合条件，{_verb(result)}"
                f"{format_yuan(amount)}。")
    elif amount == 0:
        head = f"按{ctx.named(label)}测算，本项可获资助为{format_yuan(0)}。"
    else:
        head = f"按{ctx.named(label)}，{_verb(result)}{format_yuan(amount)}。"
    left = [s for s in ctx.state.last.left_out if s.clause == result.clause or s.kind == "other_project"]
    steps = [*ctx.state.last.dropped, *(s.description for s in left),
             *(s.description for s in result.trace if s.step != "result")]
    citations = list(dict.fromkeys([result.clause, *[s.clause for s in [*result.trace, *left]]]))
    validity, citations = with_validity(ctx, citations)
    return Answer(
        "award", head, ctx.policy_id, steps=steps, conditions=conditions, notes=_notes(ctx, [result]),
        validity=validity, citations=citations, citation_line=ctx.citation(citations),
        amount_yuan=result.amount_yuan, trace=[*left, *result.trace], items=[result.item_id],
    )


def ask_fact(ctx: Context) -> Answer:
    """One question for the first fact the figure still needs, with its options as buttons."""
    rules, fact = ctx.rules, ctx.action.fact or ""
    items = list(ctx.action.items)
    spec = rules.facts.get(fact)
    labels = "、".join(ctx.label(rules.item(i).clause) for i in items)
    question = spec.question if spec is not None else fact
    options = list(spec.options) if spec is not None and spec.options else (
        ["是", "否"] if spec is not None and spec.type == "bool" else []
    )
    citations = [rules.item(i).clause for i in items]
    # (a fact of a cross-item rule — support already received, 第13条 — is asked under that rule's clause too)
    citations += [c for c in rules.rule_clauses_of([fact]) if c not in citations]
    validity, citations = with_validity(ctx, citations)
    # "«item»" … "还没«its condition»": a condition of the item the user says is not met is said first, before the figure
    # that applies once it is ("须…才能申请"), so the question for the figure is not read as a promise.
    conditions, failed = _own_conditions(ctx, items[0]) if len(items) == 1 else ([], [])
    head = f"为按{ctx.named(labels)}测算，还需要一项信息：{question}"
    best = max_award(rules, items[0], ctx.as_of) if len(items) == 1 else None
    if best is not None and best.amount_yuan and (best.by_case or best.per_element_yuan or best.per_unit_yuan
                                                  or best.text.startswith("最高")):
        # "«item»最多给多少" / "上限？" with the base still unknown: the ceiling the text sets, then the question
        ceiling = f"上限为{best.text}" if best.by_case else best.text
        by = next((p.by for p in rules.item(items[0]).parts if getattr(p, "by", None)), None)
        if (case := ctx.state.profile().get(by or "")) in best.by_case:  # the level already said: its ceiling alone
            ceiling = f"{case}最高{format_yuan(best.by_case[case])}"
        head = f"按{ctx.named(labels)}，{ceiling}。为测算具体金额，还需要一项信息：{question}"
    if failed:
        head = (f"按{ctx.named(labels)}，须{failed[0]}才能申请，按您所说目前尚不满足。"
                f"如需测算符合条件后的金额，还需要一项信息：{question}")
    return Answer(
        "award", head, ctx.policy_id, conditions=conditions if failed else [],
        validity=validity, citations=citations, citation_line=ctx.citation(citations), options=options,
        missing_facts=[fact], items=items,
    )


def ask_item(ctx: Context) -> Answer:
    """Which item? Each with its largest figure from the calculator, cited."""
    rules = ctx.rules
    lines, options, citations = [], [], []
    bests = [(item, max_award(rules, item.id, ctx.as_of)) for item in rules.items]
    most = ""
    if ctx.obs.parse.asks_most:
        # "哪个补贴给的钱最多" (after a part was looked up, "这里面…": that part's items): largest ceiling first.
        part = {c.clause_id for c in ctx.policy.children(ctx.state.topic)} if ctx.state.topic else set()
        if {i.clause for i, _ in bests} & part:
            bests = [(i, b) for i, b in bests if i.clause in part]
        bests.sort(key=lambda x: -(x[1].amount_yuan or 0))
        top, best = bests[0]
        if best.amount_yuan:
            most = f"按原文，{ctx.named(ctx.label(top.clause))} {top.title}的额度最高：{best.text}。"
    for item, best in bests:
        label = ctx.label(item.clause)
        lines.append(f"- {label} {item.title}：{best.text}")
        options.append(f"{label} {item.title}")
        citations.append(item.clause)
    who = ""
    general = [g.clause for g in rules.groups_for(None) if ctx.policy.has_clause(g.clause)]
    if general and load_genre().asks_who_applies.search(ctx.obs.parse.reading):
        # "这个政策谁能申请": the conditions every item shares first, then which item
        clause = ctx.policy.clause(general[0])
        who = f"根据{ctx.named(clause.label)}：{''.join(best_sentences(clause, ctx.obs.parse.reading))}"
        citations.insert(0, clause.clause_id)
    validity, cited = with_validity(ctx, citations)
    head = who + most + "请问您想了解哪一项支持？可以直接点选，或描述项目情况（如获得的认定、投入金额）。"
    if ctx.domain.several:
        head = f"{ctx.named('')}：{head}"
    return Answer(
        "clarify", head, ctx.policy_id, details=lines, validity=validity, citations=cited,
        citation_line="", options=options, items=[item.id for item, _ in bests],  # (in the order listed)
    )
