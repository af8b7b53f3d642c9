"""The items one message names: by clause number, by a specific alias, by the facts it states, or by a shared word.

How surely a mention names its item is the reader's score; these thresholds say which scores count as named
outright and which only when nothing else points anywhere. Pure functions of one parse and the domain.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from assistant.dialogue.domain import Domain
from assistant.dialogue.implied import items_from_facts
from assistant.dialogue.list_elements import item_aliases
from assistant.dialogue.state import ITEM_NAMED, DialogueState, Observation
from assistant.nlu import Parse
from assistant.nlu.entities import ItemMention
from assistant.nlu.genre import load_genre
from assistant.nlu.spans import CLAUSE_END, in_spans, occurrences

#: A shared keyword alone ("5G") scores 0.5 and names its item only when nothing else in the message points to one
#: (ITEM_NAMED, in the state's module: named outright).
ITEM_WEAK = 0.5


@functools.cache
def _left_out() -> re.Pattern[str]:
    """Right after an item's name, in its clause: it is left out ("«item»那个不算", "«item»这项去掉")."""
    return re.compile(r"(那个|这个|那项|这项|那条|这条|的)?(就)?" + load_genre().drops_element.pattern)


def _asked_of_one(
    parse: Parse, policy_id: str, mentions: Sequence[ItemMention], named: list[str], domain: Domain
) -> list[str]:
    """"先做«item A»还是先冲«item B»，«item A»通过了奖多少": items set up as alternatives, the question asked in the
    last clause of the one it names."""
    starts = [m.start for m in mentions if m.item_id in named]
    text = parse.reading.rstrip("？?！!。 ")
    alternative = any(min(starts) < a.start() < max(starts) for a in load_genre().alternatives.finditer(text))
    last = max((m.end() for m in CLAUSE_END.finditer(text)), default=0)
    if not alternative or last <= max(starts):
        return named
    asked = [i for i in named if any(at >= last for a in item_aliases(domain, policy_id, (i,))
                                     for at, _ in occurrences(text, a))]
    return asked if asked and set(asked) < set(named) else named


def named_items(parse: Parse, policy_id: str, refs: Sequence[str], domain: Domain) -> tuple[str, ...]:
    """Items the message names: by clause number, by a specific alias, else by what its facts belong to,
    else by a shared keyword. Of several named items, those the message states facts about win, unless it
    asks about them together ("合计", "两个项目")."""
    mentions = parse.items_of(policy_id)
    affirmed = [m for m in mentions if not m.negated]
    if affirmed and len(affirmed) < len(mentions):
        mentions = affirmed  # "没拿«item»牌子，只是«other item»通过了": the item denied is not the topic
    if parse.empty_after_spans:  # named only inside an injection: still the topic
        return tuple(m.item_id for m in mentions)
    outside = [m for m in mentions if not in_spans(m.start, parse.spans)]
    if not outside and mentions and parse.spans:
        # Named only inside a claim ("你之前说«item»能给200万，是这样吗"): that item is still the topic.
        return tuple(m.item_id for m in mentions)
    named = [m.item_id for m in mentions if m.score >= ITEM_NAMED]
    if "together" in parse.acts and named:
        # "你刚才说«item A»是50万，«item B»也是50万，一共100万对吧": the figure said of A is not ours, A is still counted
        claimed = [s for s in parse.spans if s.kind == "attribution"]
        named += [m.item_id for m in mentions if in_spans(m.start, claimed) and m.item_id not in named]
    for clause_id in refs:
        item = domain.item_by_clause(policy_id, clause_id)
        if item and item not in named:
            named.append(item)
    if len(named) > 1 and not parse.acts & {"together", "same_project", "compare"}:  # (not "哪个补得多": both)
        named = _asked_of_one(parse, policy_id, mentions, named, domain)
        with_facts = set(items_from_facts(parse, policy_id, domain, among=named))
        if with_facts:
            named = [i for i in named if i in with_facts]
    # "…«item A»、«item B»、«item C»。«item B»那个不算，剩下两个一共多少": an item named to be left out of the others
    left_out = {i for i in named for a in item_aliases(domain, policy_id, (i,))
                for _, end in occurrences(parse.reading, a) if _left_out().match(parse.reading, end)}
    if left_out & set(named) and set(named) - left_out:
        named = [i for i in named if i not in left_out]
    if named:
        return tuple(named)
    weak = tuple(m.item_id for m in mentions if m.score >= ITEM_WEAK)
    # a shared word ("数字化改造") names an item less surely than a fact only one item has ("服务金额260万")
    return (items_from_facts(parse, policy_id, domain) or weak) if weak else ()


def strongly_named(parse: Parse, policy_id: str, items: tuple[str, ...], refs: Sequence[str], domain: Domain) -> bool:
    """Whether the items were named outright (by number or a specific alias), not by a shared keyword."""
    by_ref = {domain.item_by_clause(policy_id, c) for c in refs}
    strong = {m.item_id for m in parse.items_of(policy_id) if m.score >= ITEM_NAMED}
    return bool(items) and all(i in strong or i in by_ref for i in items)


#: A shared word's item gives way when retrieval ranks another item's clause first, matching the message's words
#: at least this many times better (lexically) than the word's own item's clause.
SHARED_WORD_OVERRULED = 1.5


def weak_item_overruled(obs: Observation, policy_id: str, items: tuple[str, ...], refs: Sequence[str],
                        domain: Domain) -> tuple[str, ...]:
    """"专门帮制造厂做«a shared word»，收服务费的": one item named only by a word another item's clause shares, in a
    message whose other words retrieval clearly puts under that other item — that item, not the word's."""
    if len(items) != 1 or refs or not obs.answerable or not obs.hits \
            or strongly_named(obs.parse, policy_id, items, refs, domain):
        return items
    if any(in_spans(m.start, obs.parse.spans) for m in obs.parse.items_of(policy_id) if m.item_id == items[0]):
        return items  # weak only because said inside a claim or an injection ("你刚才说«item»上限是500万"): still named
    # "…给区里十几家厂做«a shared word»，去年服务金额200万，这个呢": the amount the message states is another item's own
    # fact, none of the weakly named item's — that other item
    stated = [i for i in items_from_facts(obs.parse, policy_id, domain) if i != items[0]]
    claimed = {f for m in obs.parse.facts_of(policy_id).money if not (m.denied or m.expected_award or m.other)
               for f, s in m.claims.items() if s > 0}
    if stated and claimed and not claimed & set(domain.item_facts(policy_id, items)):
        return (stated[0],)
    top = obs.hits[0]
    other = domain.item_by_clause(policy_id, top.clause.clause_id) if top.clause.policy_id == policy_id else None
    if other is None or other == items[0]:
        return items
    own_clauses = domain.item_clauses(policy_id, items)
    own = max((h.scores.get("bm25", 0.0) for h in obs.hits if h.clause.clause_id in own_clauses
               and h.clause.policy_id == policy_id), default=0.0)
    return (other,) if top.scores.get("bm25", 0.0) >= SHARED_WORD_OVERRULED * own else items


def goal_in_question(state: DialogueState, obs: Observation, policy_id: str, domain: Domain) -> tuple[str, ...]:
    """"哪些机构建的«thing»才算" right after «item»'s figure: a look-up naming no item, whose words the clause of the item
    just computed matches as well as the first hit does (that hit matching them elsewhere) — that item's clause.
    The question is asked of the conversation's item, not of the text at large."""
    goal = state.goal
    if goal is None or goal.kind != "award" or not goal.answered or goal.policy_id != policy_id or not obs.hits:
        return ()
    own = domain.item_clauses(policy_id, goal.items)
    top = obs.hits[0]
    if top.clause.clause_id in own or not top.matched_terms:
        return ()
    mine = [h for h in obs.hits[:3] if h.clause.clause_id in own and h.clause.policy_id == policy_id]
    return goal.items if mine and set(top.matched_terms) <= set(mine[0].matched_terms) else ()
