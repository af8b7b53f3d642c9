"""The dialogue policy: one function that picks the next action from the conversation state.

``decide(state, observation, domain) -> Action``. Every branch names its :class:`Reason`; tests check the
action chosen for each kind of state, one by one. The calculator is consulted (it is pure) to know which fact
a figure still needs; the figure itself is computed again, with the same inputs, by the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assistant.dialogue.domain import Domain
from assistant.dialogue.state import DialogueState, Observation
from assistant.errors import InputError
from assistant.nlu.genre import load_genre
from assistant.rules import calculate


class ActionKind(StrEnum):
    REFUSE = "refuse"
    ASK_POLICY = "ask_policy"
    ASK_ITEM = "ask_item"
    ASK_FACT = "ask_fact"
    ANSWER_AWARD = "answer_award"
    ANSWER_ELIGIBILITY = "answer_eligibility"
    ANSWER_LOOKUP = "answer_lookup"
    ANSWER_MATCH = "answer_match"
    NO_RULES = "no_rules"
    CLARIFY = "clarify"
    GREET = "greet"


class Reason(StrEnum):
    OTHER_REGION = "another region's policy"
    OTHER_SCHEME = "another support scheme"
    OFF_TOPIC = "not about support policies"
    INJECTION_ONLY = "only an injected instruction"
    ABOUT_US = "about the assistant itself"
    POLICY_TIE = "two policies fit equally"
    NO_ITEM = "a figure is wanted but no item is known"
    MISSING_FACT = "the figure needs a fact not given yet"
    FACTS_COMPLETE = "every fact the figure needs is known"
    BAD_FACT = "a fact given cannot be used"
    ITEM_ELIGIBILITY = "eligibility for a named item"
    GENERAL_ELIGIBILITY = "eligibility without an item"
    LOOKUP = "a question about the text"
    RETRIEVAL_HIT = "unclear intent, but retrieval found a clause"
    MORE_ASKED = "more than the figure is asked, nothing new said: the figure and the rule for more"
    MATCH = "what the enterprise can claim"
    NO_RULES = "the policy has no calculation rules yet"
    REASK = "the open question is still unanswered"
    VAGUE = "nothing specific to act on"
    GREETING = "a greeting or thanks"


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    reason: Reason
    policy_id: str | None = None
    items: tuple[str, ...] = ()
    fact: str | None = None
    rule: str | None = None
    """A general rule of the text (a clause id) the answer quotes after its figure."""


_REFUSALS = {
    "other_region": Reason.OTHER_REGION,
    "other_scheme": Reason.OTHER_SCHEME,
    "off_topic": Reason.OFF_TOPIC,
    "injection_only": Reason.INJECTION_ONLY,
    "about_us": Reason.ABOUT_US,
}


#: The most items one answer computes and adds up ("贯标、规上、节点，再加一个智能工厂，一共多少": four); beyond
#: that a total reads as a list and the user is better served item by item.
MAX_FIGURES = 5

#: A message needs this many characters of content before a retrieval hit alone is taken as its topic.
SUBSTANTIAL = 6


def _substantial(obs: Observation) -> bool:
    return obs.parse.content_size >= SUBSTANTIAL


def _rule_clause_hit(obs: Observation, domain: Domain, pid: str | None) -> bool:
    """Retrieval's best clause is one of the policy's own rules (a numbered clause that is not an award item),
    matched decisively by the policy's own words."""
    hit = obs.decisive_hit(pid) if pid is not None else None
    return hit is not None and pid is not None and _is_rule(hit, domain, pid)


def _is_rule(hit: Any, domain: Domain, pid: str) -> bool:
    """The hit's clause is one of the policy's own rules: numbered, not an award item, not the validity clause."""
    clause = hit.clause
    items = {domain.item_by_clause(pid, clause.clause_id)}
    meta = domain.policy(pid).meta
    return clause.kind in ("item", "article") and items == {None} and clause.clause_id != meta.valid_until_clause


def _judged_by(obs: Observation, domain: Domain, pid: str | None) -> bool:
    """Retrieval's decisive clause is one the rules data uses, so a verdict can weigh it (支持对象, 取消资格, 从高不重复):
    not a clause the rules know nothing of (绿色通道)."""
    hit = obs.decisive_hit(pid) if pid is not None else None
    rules = domain.rules.get(pid or "")
    if hit is None or rules is None:
        return False
    used = {g.clause for g in rules.condition_groups} | {r.clause for r in rules.cross_rules} | {n.clause for n in rules.notes}
    return hit.clause.clause_id in used


def missing_fact(state: DialogueState, domain: Domain, items: tuple[str, ...]) -> str | None:
    """The first fact the goal's figure still needs (None when all are known)."""
    pid = state.policy_id
    rules = domain.rules.get(pid or "")
    if rules is None:
        return None
    profile = state.profile()
    for item in items:
        result = calculate(rules, item, profile, state.as_of)
        if result.missing_facts:
            return str(result.missing_facts[0])
    return None


def _names_clause(obs: Observation, hit: Any) -> bool:
    """The message matched the clause on a word of the clause's own text, not only on a paraphrase of it — nor only
    on the words of every request for support ("拟申报贵区专项扶持资金": 申报, 扶持)."""
    genre = load_genre()
    return any(t in hit.clause.text and t in obs.parse.reading for t in hit.matched_terms
               if not any(p.fullmatch(t) for p in (genre.support_words, genre.money_words, genre.apply_words)))


def _complete(state: DialogueState, domain: Domain, items: tuple[str, ...]) -> bool:
    """Every fact the figure of these items needs is known (and usable)."""
    try:
        return missing_fact(state, domain, items) is None
    except InputError:
        return False


def _more_asked(state: DialogueState, obs: Observation, domain: Domain, beside_goal: bool = False) -> Action | None:
    """The figure pressed for more ("能不能多给点", "最多到底能给多少"): the award again, with the rule of the text
    that retrieval found decisively for the user's own words (not the text's: that asks about the rule itself).
    ``beside_goal``: the clauses of the items discussed do not compete for the decisive hit."""
    goal, pid = state.goal, state.policy_id
    if goal is None or goal.kind != "award" or not goal.items or pid is None:
        return None
    hit = obs.decisive_hit(pid, domain.item_clauses(pid, goal.items) if beside_goal else frozenset())
    if hit is None or not _is_rule(hit, domain, pid) or _names_clause(obs, hit) or not _complete(state, domain, goal.items[:MAX_FIGURES]):
        return None
    return Action(ActionKind.ANSWER_AWARD, Reason.MORE_ASKED, pid, goal.items[:MAX_FIGURES], rule=hit.clause.clause_id)


def _amount_raised(state: DialogueState, obs: Observation, domain: Domain) -> str | None:
    """An optional amount of the goal's figure (one that is 0 unless said: support already received) that a statement
    brings up without saying how much, and that is not known yet — the fact to ask for."""
    pid, goal = state.policy_id or "", state.goal
    facts = obs.parse.facts_of(pid)
    if goal is None or obs.parse.asks or obs.parse.amounts or facts.values:
        return None
    known = state.profile(pid)
    for name in domain.amount_facts(pid, goal.items):
        spec = domain.fact_spec(pid, name)
        if spec is not None and spec.type == "money" and spec.default == 0 and name in facts.mentioned \
                and name not in known:
            return name
    return None


def decide(state: DialogueState, obs: Observation, domain: Domain) -> Action:
    notes, goal, pid = state.last, state.goal, state.policy_id
    if notes.out_of_scope is not None:
        return Action(ActionKind.REFUSE, _REFUSALS[notes.out_of_scope])
    if notes.policy_tie:
        return Action(ActionKind.ASK_POLICY, Reason.POLICY_TIE)
    if notes.kind == "lookup":
        return Action(ActionKind.ANSWER_LOOKUP, Reason.LOOKUP, pid, notes.named_items)
    if notes.kind in ("vague", "chitchat") and not notes.filled and not notes.answered_request:
        if notes.kind == "chitchat":
            return Action(ActionKind.GREET, Reason.GREETING, pid)
        if state.requested is not None and state.requested.kind == "fact" and goal is not None:
            return Action(ActionKind.ASK_FACT, Reason.REASK, pid, goal.items, state.requested.fact)
        if obs.answerable and not obs.parse.money_words and _substantial(obs):
            return Action(ActionKind.ANSWER_LOOKUP, Reason.RETRIEVAL_HIT, pid)
        return Action(ActionKind.CLARIFY, Reason.VAGUE, pid)
    if goal is None:
        if obs.parse.money_words and not notes.named_items and pid is not None and domain.has_rules(pid):
            return Action(ActionKind.ASK_ITEM, Reason.NO_ITEM, pid)  # "想申请区里的工业互联网补贴": which item?
        if obs.answerable and _substantial(obs):
            return Action(ActionKind.ANSWER_LOOKUP, Reason.RETRIEVAL_HIT, pid, notes.named_items)
        return Action(ActionKind.CLARIFY, Reason.VAGUE, pid)
    # (Facts only of this message, no amount: "工业互联网企业有没有绿色通道" describes who, not the enterprise's case.)
    earlier = set(state.profile()) - set(notes.filled)
    if goal.kind in ("award", "match", "eligibility") and not goal.items and not earlier and not obs.parse.amounts \
            and _rule_clause_hit(obs, domain, pid) and not (goal.kind == "eligibility" and _judged_by(obs, domain, pid)):
        # "特别大的项目能不能突破上限", "绿色通道能享受哪些政策", "有没有啥绿色通道可以走": a rule of the text answers
        # it, not the item menu nor a verdict — unless the rule is one the verdict judges ("去年被罚过还能申请吗").
        # A bare plea for money matched to the rule only by a paraphrase ("能不能多给点" → 一事一议), or "那我们能拿
        # 多少钱" after a look-up, in a goal this message begins, names neither the rule nor an item: which item?
        hit = obs.decisive_hit(pid)
        if goal.kind == "award" and obs.parse.intent == "award" and (hit is None or not _names_clause(obs, hit)) \
                and domain.has_rules(pid or "") and goal.turn == state.turn:
            return Action(ActionKind.ASK_ITEM, Reason.NO_ITEM, pid)
        return Action(ActionKind.ANSWER_LOOKUP, Reason.RETRIEVAL_HIT, pid)
    if goal.kind == "award" and goal.items and pid is not None and (raised := _amount_raised(state, obs, domain)):
        # "他说镇里已经给过一笔了": support said received, its amount not said — asked, not pressed for more
        return Action(ActionKind.ASK_FACT, Reason.MISSING_FACT, pid, goal.items, raised)
    spent = any(m.claims for m in obs.parse.facts_of(pid or "").money)
    pressed = goal.kind in ("award", "match") and state.turn > 1 and not notes.filled and not notes.named_items \
        and not obs.parse.acts - {"follow_up", "dispute"} and not spent
    if pressed and _rule_clause_hit(obs, domain, pid):
        # "能不能多给点" after a figure, stating nothing new (nor "其实是同一个项目"): the rule that answers it
        # (一事一议) — an amount said only of the cap ("封顶1000万太少了") is no fact. An amount said as spent ("那如果
        # 投了1000万呢，能多给吗" of a fixed award) asks the figure again: it does not move. Said in the user's own
        # words, it is the goal pressed again (below); only a rule named in the text's words ("能不能走一事一议")
        # is a question about that rule alone.
        if (more := _more_asked(state, obs, domain)) is not None:
            return more
        return Action(ActionKind.ANSWER_LOOKUP, Reason.RETRIEVAL_HIT, pid)
    if pressed and (more := _more_asked(state, obs, domain, beside_goal=True)) is not None:
        # "能不能多给点？有没有办法突破这个200万的上限": the item's own words repeated as context do not compete
        return more
    if goal.kind == "match":
        if obs.parse.asks_amount and not obs.parse.which_ones and pid is not None and domain.has_rules(pid) \
                and not set(state.profile(pid)) - domain.applicant_facts(pid):
            # "企业名称：某某有限公司。我们能申请多少补助": who applies says nothing of what was done — which item?
            return Action(ActionKind.ASK_ITEM, Reason.NO_ITEM, pid)
        return Action(ActionKind.ANSWER_MATCH, Reason.MATCH, pid)
    if pid is None or not domain.has_rules(pid):
        return Action(ActionKind.NO_RULES, Reason.NO_RULES, pid, goal.items)
    if goal.kind == "eligibility":
        if goal.items:
            return Action(ActionKind.ANSWER_ELIGIBILITY, Reason.ITEM_ELIGIBILITY, pid, goal.items)
        return Action(ActionKind.ANSWER_ELIGIBILITY, Reason.GENERAL_ELIGIBILITY, pid)
    if not goal.items:
        return Action(ActionKind.ASK_ITEM, Reason.NO_ITEM, pid)
    try:
        fact = missing_fact(state, domain, goal.items[:MAX_FIGURES])
    except InputError:
        return Action(ActionKind.ANSWER_AWARD, Reason.BAD_FACT, pid, goal.items[:MAX_FIGURES])
    if fact is not None:
        return Action(ActionKind.ASK_FACT, Reason.MISSING_FACT, pid, goal.items[:MAX_FIGURES], fact)
    return Action(ActionKind.ANSWER_AWARD, Reason.FACTS_COMPLETE, pid, goal.items[:MAX_FIGURES])
