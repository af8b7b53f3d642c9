"""What a message states, read against the domain and the goal: the predicates the turn's kind is reconsidered
with (:func:`assistant.dialogue.context_kind.reconsider`). Each reads one message; none changes the state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.dialogue.domain import Domain
from assistant.dialogue.state import DialogueState
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.spans import CLAUSE_END


def sets_aside(values: Mapping[str, Any]) -> bool:
    """Facts said only to set a situation aside ("如果不走«rule»"): the standard figure is asked — unlike a situation
    said to hold ("是区政府批准的重大项目，能不能突破上限"), which asks the rule it turns on."""
    return bool(values) and all(v is not True for v in values.values())


def states_goal_facts(state: DialogueState, parse: Parse, policy_id: str, domain: Domain) -> bool:
    """The message gives a value for a fact the goal's figure depends on (an amount its cues claim, an
    option) — not for who may apply, which is a question of eligibility."""
    goal = state.goal
    if goal is None or not goal.items:
        return False
    relevant = set(domain.amount_facts(policy_id, goal.items))
    facts = parse.facts_of(policy_id)
    claimed = any(f in relevant for m in facts.money for f in m.claims)
    # A yes/no cue word is too weak here ("一事一议是怎么回事" names a fact without stating it); an option said again
    # as it stands ("要是最后没被认定，还能申请吗" after "还没认定") changes nothing.
    known = state.profile(policy_id)
    chosen = any(f in relevant and (s := domain.fact_spec(policy_id, f)) is not None and s.type == "choice"
                 and known.get(f) != v for f, v in facts.values.items())
    adds = any(m.adds for m in facts.money)  # "要是明年再投三百万呢": more of the amount already given
    return claimed or chosen or adds


def states_item_facts(parse: Parse, policy_id: str, items: tuple[str, ...], domain: Domain) -> bool:
    """The message gives a value for a fact of the items it names (a yes/no, an option, an amount)."""
    relevant = set(domain.item_facts(policy_id, items)) - {
        s.name for s in (domain.rules[policy_id].cross_cutting_facts() if policy_id in domain.rules else [])
    }
    facts = parse.facts_of(policy_id)
    # A yes/no fact counts as stated only with a mark of something done ("建好了也运营了"); its cue alone
    # is often just the item's name ("上市补贴和区里的上市政策是什么关系").
    done = bool(re.search(r"了|已", parse.reading))
    stated = any(
        f in relevant and (done or (spec := domain.fact_spec(policy_id, f)) is None or spec.type != "bool")
        for f in facts.values
    )
    return stated or any(f in relevant for m in facts.money for f in m.claims)


def unmet_condition(parse: Parse, policy_id: str, items: tuple[str, ...], domain: Domain) -> bool:
    """The message says one of the items' own conditions (a yes/no fact, not an amount) is not met."""
    own = set(domain.item_facts(policy_id, items)) - set(domain.amount_facts(policy_id, items))
    values = parse.facts_of(policy_id).values
    return any(values.get(f) is False for f in own)


def only_the_items_own_facts(parse: Parse, policy_id: str, items: tuple[str, ...], domain: Domain) -> bool:
    """The message states no amount, no fact about who may apply, and none of the items' own conditions as unmet
    ("«item condition»的补贴今年还能申请吗": the condition only names the item)."""
    own = set(domain.item_facts(policy_id, items)) - set(domain.amount_facts(policy_id, items))
    if policy_id in domain.rules:
        own -= {s.name for s in domain.rules[policy_id].cross_cutting_facts()}
    facts = parse.facts_of(policy_id)
    # "2024年有过一次«milder thing»，不知道算不算…，还能申报吗": a fact raised but left open is still about the enterprise
    return not parse.amounts and all(f in own and v is not False for f, v in facts.values.items()) \
        and all(f in own for f in facts.raised)


def only_noted_facts(parse: Parse, policy_id: str, domain: Domain) -> bool:
    """The message states only facts that a general note of the policy turns on (一事一议's 重大项目)."""
    rules = domain.rules.get(policy_id)
    values = parse.facts_of(policy_id).values
    return bool(values) and rules is not None and all(rules.notes_when([v]) for v in values)


def claims_item_money(parse: Parse, policy_id: str, items: tuple[str, ...], domain: Domain) -> bool:
    money = set(domain.amount_facts(policy_id, items))
    return any(f in money for m in parse.facts_of(policy_id).money for f in m.claims)


def states_a_step(parse: Parse, policy_id: str, domain: Domain) -> bool:
    """A fact the message states is a step of the procedure (a cue of it is a procedure word: 备案 of 事前备案)."""
    procedure = load_genre().lookup_topics["procedure"]
    return any(
        procedure.search(cue) for policy in domain.catalog if policy.policy_id == policy_id
        for name in parse.facts_of(policy_id).values for cue in policy.cues(name).cues
    )


def follow_up_tail(reading: str) -> bool:
    """Facts first, then only "这个呢？" ("第二个客户是«item»，已投入«amount»，这个呢？"): nothing asked but "…呢"."""
    body = reading.rstrip("？?！!。 ")
    cut = max((m.end() for m in CLAUSE_END.finditer(body)), default=0)
    tail = body[cut:].strip()
    return cut > 0 and 1 < len(tail) <= 6 and tail.endswith("呢") and not load_genre().question.search(body[:cut])


#: Words that make a string of keywords a statement about the enterprise ("我们 «option»«item» 投了"), not a search.
_ABOUT_US = re.compile(r"我们|我司|本公司|我公司|咱们|咱|了|过|已经")


def keyword_search(parse: Parse) -> bool:
    """Keywords typed the way hotline staff search ("«item» 企业数量 要求", "第4条 «item» 条件"): two or more short
    words apart, one of them a word for the text's rules, no sentence, no question, no amount, nothing said of an
    enterprise — a look-up of the text. Not a word for the ceiling ("标杆 市级 上限"): that asks for the figure."""
    words = parse.reading.split()
    return len(words) >= 2 and all(len(w) <= 8 for w in words) and not parse.asks and not parse.amounts \
        and not parse.asks_amount \
        and bool(load_genre().search_words.search(parse.reading)) \
        and not re.search(r"[，,。；;！!？?]", parse.reading) and not _ABOUT_US.search(parse.reading)
