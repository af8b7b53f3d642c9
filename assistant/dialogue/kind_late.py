"""The later rules of a turn's kind in context, after those of :func:`context_kind.reconsider` and before the last
ones (:func:`kind_fallback.settled_last`): a figure said back to us or hoped for, "again" (说简单点, 再算一遍), which
ones and how many, the follow-ups of an eligibility goal, totals of the items discussed, a condition said unmet, and a
question refused before asked again of this policy. Pure functions of the state and one parse."""

from __future__ import annotations

import re

from assistant.dialogue.domain import Domain
from assistant.dialogue.kind_fallback import DOCUMENT_TOPICS, RULE_TOPICS, settled_last
from assistant.dialogue.message_facts import (
    claims_item_money,
    states_goal_facts,
    states_item_facts,
    unmet_condition,
)
from assistant.dialogue.state import DialogueState, TurnKind
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre


def later_kind(
    state: DialogueState, parse: Parse, kind: TurnKind, items: tuple[str, ...], policy_id: str, domain: Domain,
    stated: bool, no_fact_amount: bool, claimed: bool, opening: re.Match[str] | None,
) -> TurnKind:
    """The turn's kind by the later rules (see the module docstring), else by the last ones."""
    goal = state.goal
    money = parse.facts_of(policy_id).money
    hoped_only = bool(money) and all(m.expected_award and not m.claims for m in money)
    # ("你刚才不是说有效期延到2026年6月了吗？那现在报还来得及吧": what we said of the document, asked again — below)
    # ("你们刚才说的活动补贴，我们在苏州办的论坛能申请吗": only a topic said back — the verdict asked stays one)
    said_back = parse.attributed and (kind != "eligibility" or parse.attributed_figure)
    if (said_back or hoped_only) and not (parse.topics & DOCUMENT_TOPICS and not items) \
            and (kind in ("inform", "vague", "chitchat", "eligibility", "followup", "out_of_scope", "match")
                 or (kind == "lookup" and (hoped_only or parse.attributed) and not parse.topics
                     and not parse.clause_refs)):
        if items:
            return "award"  # a figure attributed to us about an item: answer that item's figure
        before = state.answered_before
        if goal is not None and goal.kind == "eligibility" and hoped_only and before is not None \
                and before.kind == "award" and before.policy_id == policy_id:
            return "award"  # "好的。那就是180万？" after a verdict asked between: the figure given before it, again
        if goal is not None:
            return goal.kind  # "你刚才说能补600万对吧", "那按原来的标准，最高就是200万对吧": the goal's answer again
    if goal is None and kind in ("followup", "inform", "vague") and any(m.expected_award for m in money) \
            and any(m.claims and not m.expected_award for m in money):
        return "award"  # "…总投入1800万，其中土建600万，那应该是540万对吧？": the figure checked, on the facts given
    if parse.attributed and not items and goal is None and state.last.kind == "lookup" and not parse.topics \
            and not parse.clause_refs:
        return "lookup"  # "你刚才说的是到2026年6月底，对吧？" after a look-up: the text looked up, again
    if "again" in parse.acts and not items and not parse.topics and not parse.clause_refs and goal is None \
            and state.last.kind == "lookup" and kind in ("lookup", "inform", "vague", "chitchat", "followup"):
        return "lookup"  # "说简单点", "再说一遍" after a look-up: the same clause, again
    spec_type = lambda name: getattr(domain.fact_spec(policy_id, name), "type", None)  # noqa: E731
    # "«option»«item»哪些应用能算进来": which things the item covers, asked of its text — no list of what fits.
    scope_of_item = kind == "lookup" and bool(items) and parse.which_ones and not parse.money_words
    base_named = goal is not None and goal.kind == "award" and bool(goal.items) and not items and not parse.amounts \
        and bool(set(parse.facts_of(policy_id).mentioned) & set(domain.item_facts(policy_id, goal.items)))
    if (kind in ("eligibility", "followup", "inform", "match") or (kind == "award" and not parse.asks_amount)) \
            and base_named and load_genre().asks_scope.search(parse.reading):
        return "lookup"  # "«base amount»里，我们卖给企业的«thing»能算进去吗？" after «item»'s figure: what its base covers
    if kind in ("match", "award", "lookup", "followup") and len(items) == 1 and not parse.amounts \
            and load_genre().asks_scope.search(parse.reading):
        return "lookup"  # "服务商那条，哪些服务能算进来？我们主要做…": what the item covers, not what we can claim
    if kind in ("award", "eligibility", "lookup") and parse.which_ones and not parse.topics & RULE_TOPICS \
            and parse.describes(policy_id, spec_type) and not scope_of_item:
        return "match"  # "我们…«fact»…«fact»，能申请哪些？"
    if kind == "award" and parse.asks_count and not parse.money_words and not parse.amounts:
        return "lookup"  # "每年认定多少个«item»": how many, not how much
    if goal is not None and goal.kind == "eligibility" and kind in ("followup", "inform", "eligibility") \
            and claims_item_money(parse, policy_id, goal.items, domain):
        return "award"  # "那如果服务金额只有280万呢": the figure, after a question of eligibility
    if (
        kind in ("lookup", "eligibility", "followup") and goal is not None and goal.kind == "award" and not scope_of_item
        and (not items or (set(items) <= set(goal.items) and not parse.topics))
        and states_goal_facts(state, parse, policy_id, domain)
    ):
        return "inform"  # "这个项目«other support»给了20万，会不会影响？" / "那«base amount»如果是400万呢": recompute
    if kind in ("lookup", "eligibility") and items and parse.asks_amount and (claimed or not parse.topics) \
            and parse.amounts:
        return "award"  # "«base amount»一共是2000万，资助多少" (not "是每场100万，还是一年最多100万": the cap said back)
    bare_total = kind in ("inform", "vague", "followup") or (kind == "lookup" and parse.asks_amount)
    if bare_total and not items and "together" in parse.acts and not parse.topics and not stated \
            and goal is not None and goal.kind == "award" and goal.items:
        return "award"  # "那总共是多少", "一共" after a figure: the total of the items discussed, not a clause
    if "again" in parse.acts and not items and not parse.topics and kind in ("lookup", "inform", "vague", "chitchat") \
            and goal is not None and goal.kind == "award" and goal.items:
        return "award"  # "按…再算一遍": the figure again (what an injection asked to change is ignored)
    if "again" in parse.acts and parse.money_words and not items and goal is not None and goal.kind == "eligibility" \
            and goal.items:
        return "award"  # "…符合条件吗" … "那刚才那个补助金额再确认一下": the figure of the item asked about
    if kind == "eligibility" and items and parse.asks_amount and not parse.asks_count \
            and not unmet_condition(parse, policy_id, items, domain):
        return "award"  # "«item»已经通过了，能拿多少？": the figure is asked (its conditions come with it)
    if kind == "lookup" and not parse.asks and not parse.topics and not parse.clause_refs and goal is not None \
            and state.requested is not None:
        return "inform"  # "去年给区里二十几家厂做了诊断咨询": a statement while a question waits, not a question
    # "明年打算挂牌，到时候能拿多少", "«condition»还没通过，要是通过了最多给多少": a figure for then
    planned = bool(load_genre().planned.search(parse.reading) or load_genre().for_then.search(parse.reading))
    if kind == "award" and items and not claimed and not planned and unmet_condition(parse, policy_id, items, domain):
        return "eligibility"  # "认证还没通过，能先拿那20万吗": a condition the user says is unmet — the verdict first
    if kind == "eligibility" and items and any(m.expected_award for f in parse.facts.values() for m in f.money):
        return "award"  # "想攞200万得唔得": a figure to check
    if kind == "lookup" and items and claims_item_money(parse, policy_id, items, domain) \
            and not parse.topics & DOCUMENT_TOPICS:
        return "award"  # "«item»资助咋算？«base amount»一共260万"
    counts = bool(load_genre().asks_if_counts.search(parse.reading)) and not parse.asks_amount
    if kind in ("award", "inform") and counts and not parse.amounts:
        return "lookup"  # "«item»的投资额是按发票含税金额算吗？", "«levels»怎么区分…算哪一级": the text's terms
    if kind == "lookup" and items and not parse.topics and not scope_of_item and not counts \
            and states_item_facts(parse, policy_id, items, domain):
        return "inform"  # "其实我想问的是«item»，«its condition»了"
    refused_before = state.last.kind == "out_of_scope" and state.last.asked in ("award", "eligibility")
    # (Only when the message asks nothing of its own: "那…这个政策里«item»奖多少" asks for a figure.)
    asks_nothing_else = opening is not None and not load_genre().question.search(parse.reading, opening.end())
    pointed = items or parse.policy_names or load_genre().this_policy.search(parse.reading)
    if "follow_up" in parse.acts and refused_before and pointed and not parse.topics \
            and (asks_nothing_else or (kind not in ("award", "eligibility", "match")
                                       and not states_goal_facts(state, parse, policy_id, domain))):
        # "«other region»的«item»补贴是多少" … "那«our region»的呢？" (and "…呢？我们是«our region»的«item»，«facts»":
        # the rest only states facts) — the question refused before, asked of this policy.
        return state.last.asked
    return settled_last(state, parse, kind, items, policy_id, domain, stated, no_fact_amount)
