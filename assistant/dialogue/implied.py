"""Items a message means without naming them all: "两个一共多少" (the last items discussed), "这三样加起来" (counted
back), "«item»那个投资只有五百万，那总数变成多少" (the whole total again), "服务金额900万" (the item whose facts it states). Part of the tracker
(:mod:`assistant.dialogue.tracker`); the counting words are genre data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from assistant.dialogue.bare_replies import STRONG_CLAIM
from assistant.dialogue.domain import Domain
from assistant.dialogue.givers import given_facts
from assistant.dialogue.state import DialogueState, Goal, TurnKind
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.money_facts import MoneyReading
from assistant.nlu.numerals import small_int


def _count(parse: Parse) -> int:
    """"两个", "三场", "这三样": how many things the message adds up (0 when it does not say)."""
    m = load_genre().counted.search(parse.reading)
    return (small_int(m.group("n")) or 0) if m else 0


def implied_items(state: DialogueState, parse: Parse, kind: TurnKind, policy_id: str) -> tuple[str, ...]:
    """Items a message means without naming them: "两个一共多少" — the last items discussed, added up;
    "«item condition»以后最多给多少" right after a look-up about one item — that item."""
    if state.policy_id != policy_id or not state.recent:
        return ()
    if (parse.acts & {"together", "compare"} or "stacking" in parse.topics) and kind in ("award", "followup", "inform"):
        # "两个一共多少", "这两个哪个多", "两条能一起拿吗": the last items discussed, added up, set side by side or
        # stacked
        # ("这些加起来一共多少", "全部加起来": every item discussed)
        n = _count(parse) or (len(state.recent) if load_genre().all_discussed.search(parse.reading) else 2)
        return state.recent[-n:] if len(state.recent) >= 2 else ()
    if kind in ("award", "eligibility") and state.last.kind == "lookup" and state.last.named_items:
        # One item, or the items of one project the look-up was about ("两项能一起拿吗" … "最多能拿多少").
        if not state.same_project:
            return state.last.named_items[:1]
        earlier = state.goal.items if state.goal is not None and state.goal.policy_id == policy_id else ()
        return tuple(dict.fromkeys((*earlier, *state.last.named_items)))  # the project's items, all of them
    return ()


def nth_discussed(state: DialogueState, parse: Parse, policy_id: str) -> tuple[str, ...]:
    """"回到第一个项目，如果投资是七百五十万呢": the item discussed first (second, …) in this conversation."""
    m = load_genre().nth_discussed.search(parse.reading)
    n = (small_int(m.group("n")) or 0) if m else 0
    if state.policy_id != policy_id or not 0 < n <= len(state.discussed):
        return ()
    return (state.discussed[n - 1],)


def nth_named(parse: Parse, policy_id: str, items: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """"一是«item A»…；二是«item B»…。第一个能拿多少": of several items this message lists, the one it then points
    at by its place (in the order they were named), and all of them in that order; ((), ()) when it points at none,
    or at places of several things."""
    found = list(load_genre().nth_discussed.finditer(parse.reading))
    if len(items) < 2 or len(found) != 1:
        return (), ()
    first: dict[str, int] = {}
    for m in parse.items:
        if m.policy_id == policy_id and m.item_id in items and not m.negated:
            first[m.item_id] = min(first.get(m.item_id, m.start), m.start)
    n = small_int(found[0].group("n")) or 0
    if len(first) != len(items) or not 0 < n <= len(items) or found[0].start() < max(first.values()):
        return (), ()  # the place said before the list ends points at something else ("第一个项目是«item»…")
    order = tuple(sorted(items, key=first.__getitem__))
    return (order[n - 1],), order


def earlier_goal(state: DialogueState, parse: Parse, policy_id: str) -> Goal | None:
    """"那刚才那个呢" after a side question: the goal left unanswered — set aside by another question, or still open
    after a look-up ("要去哪里申请" … "那刚才那个呢"); None when nothing was left open or the message does not go back."""
    if not load_genre().back_to_earlier.search(parse.reading):
        return None
    for goal in (state.suspended, state.goal):
        if goal is not None and goal.policy_id == policy_id and goal.items and not goal.answered \
                and goal.kind in ("award", "eligibility"):
            return goal
    # Nothing left open, and the last turn's question was itself a new goal (a side question answered): the figure
    # given before it ("…能补多少" … "会不会被取消资格？" … "回到刚才那个，我前面说错了，是市级的"). After a look-up, which
    # leaves the goal as it was, "刚才" is that goal.
    before, goal = state.answered_before, state.goal
    side = goal is not None and goal.turn == state.turn and state.last.kind == goal.kind
    return before if before is not None and side and before != goal else None


def with_recent(state: DialogueState, parse: Parse, items: tuple[str, ...], kind: TurnKind,
                aliases: tuple[str, ...] = ()) -> tuple[str, ...]:
    """"另外我们«item condition»了，两个一共能拿多少": the item named plus the one discussed before; "这个项目又被认定为
    «option»«item»了，同一个项目": the new item and the one the project was discussed under."""
    if not items or kind not in ("award", "followup", "inform"):
        return items
    if "plus" in parse.acts and state.goal is not None and state.goal.items and state.policy_id == state.goal.policy_id:
        return tuple(dict.fromkeys((*state.goal.items, *items)))  # "再加上«item»": everything discussed, and it
    if "together" not in parse.acts and "same_project" not in parse.acts:
        return items
    goal = state.goal
    if "together" in parse.acts and not _count(parse) and goal is not None and len(goal.items) > 1 \
            and goal.answered and not goal.compared and state.policy_id == goal.policy_id \
            and not set(items) <= set(goal.items):
        return tuple(dict.fromkeys((*goal.items, *items)))  # a total just given, "还有«item»…一共多少": all of them
    if "together" not in parse.acts and parse.amounts and load_genre().by_item.search(parse.reading):
        return items  # "那同一个平台按«item»那条算呢？«its base»1400万": the figure under that item alone, its own base
    if not _count(parse) and "same_project" not in parse.acts and load_genre().this_part.search(parse.reading):
        return items  # "我们同时也是«item»，…这块能补多少": that part alone
    if "together" in parse.acts and not _count(parse) and goal is not None and state.policy_id == goal.policy_id \
            and set(items) < set(goal.items):
        return goal.items  # "«item»那个投资只有五百万，那总数变成多少": one fact of the total corrected, the total again
    counted = load_genre().counted.search(parse.reading)
    if counted is not None and any(parse.reading.startswith(a, counted.end()) for a in aliases if a):
        return items  # "这两个«item alias»一共能补多少": what is counted is the named item's own (its events), not items
    # "…投资其实是八百万，那总共多少": the item corrected and the one it was being added to.
    n = _count(parse) or (len(items) + 1 if parse.acts & {"same_project", "together"} else 0)
    if n <= len(items):
        return items
    earlier = [i for i in state.recent if i not in items]
    return (*earlier[-(n - len(items)):], *items)


def item_of_said_facts(state: DialogueState, parse: Parse, policy_id: str, domain: Domain) -> tuple[str, ...]:
    """"再确认一下«option»那个按标准是多少", "平台那个按«part»500万算" after a detour to another item: an option, or an
    amount whose words claim a fact, that the current goal's items do not have names the item discussed before that
    has it (the most recent such item)."""
    goal = state.goal
    if goal is None or goal.policy_id != policy_id or state.policy_id != policy_id:
        return ()
    said = {o.fact for o in parse.options if o.policy_id == policy_id}
    said |= {f for m in parse.facts_of(policy_id).money for f in m.best_claims(m.claims)[:1]}
    if not said or said & set(domain.item_facts(policy_id, goal.items)):
        return ()  # an option of the current item: a what-if or a correction of it
    earlier = [i for i in reversed(state.recent) if i not in goal.items
               and said <= set(domain.item_facts(policy_id, (i,)))]
    # "智能工厂…能补多少" … "另外我们还给区里几家厂做了改造服务，服务额80万，那个呢？": an item not discussed yet, whose
    # own fact the message states
    stated = {f for m in parse.facts_of(policy_id).money if told(m) for f in m.best_claims(m.claims)[:1]}
    # (only while the goal's items take an amount: beside a fixed sum — "金融办那个已经拿了300万，这个200万还能全额拿吗"
    # — an amount told is the case's context, not another item's base)
    # (an amount of the new item's own base — not support said received — may follow a fixed sum too)
    takes = _takes_an_amount(domain, policy_id, goal.items) or not stated & set(given_facts(domain, policy_id))
    new = [i for i in items_from_facts(parse, policy_id, domain)
           if takes and i not in goal.items and stated & set(domain.item_facts(policy_id, (i,)))]
    return tuple(earlier[:1]) or (tuple(new[:1]) if not _any_claim_of(parse, policy_id, goal.items, domain) else ())


def items_from_facts(
    parse: Parse, policy_id: str, domain: Domain, among: Sequence[str] | None = None
) -> tuple[str, ...]:
    """The item whose own facts the message states ("服务金额900万" → the service-provider item), if one stands
    out; with ``among``, every item of those the message states facts about."""
    facts = parse.facts_of(policy_id)
    votes: Counter[str] = Counter()
    if among is not None:
        stated = [*(f for m in facts.money for f, s in m.claims.items() if s >= STRONG_CLAIM), *facts.values]
        return tuple(i for i in among if any(i in domain.items_of_fact(policy_id, f) for f in stated))
    for m in facts.money:
        strong = {f: s for f, s in m.claims.items() if s >= STRONG_CLAIM}
        if strong:
            top = max(strong.values())
            owners = {i for f, s in strong.items() if s == top for i in domain.items_of_fact(policy_id, f)}
            if len(owners) == 1:
                votes[owners.pop()] += 1
    for name in facts.values:
        # A choice ("国家级") belongs to its item; a yes/no cue is too weak a sign of an item on its own.
        spec = domain.fact_spec(policy_id, name)
        owners = set(domain.items_of_fact(policy_id, name))
        if spec is not None and spec.type == "choice" and len(owners) == 1:
            votes[owners.pop()] += 1
    if not votes:
        return ()
    ranked = votes.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return ()
    return (ranked[0][0],)


def with_items_of_facts(parse: Parse, policy_id: str, items: tuple[str, ...], domain: Domain) -> tuple[str, ...]:
    """``items`` and, when the message adds several projects up ("两个项目：一是«facts of one item»；二是«another item»。
    加起来…"), the item the unnamed project's facts belong to."""
    if "together" not in parse.acts or not items:
        return items
    return items + tuple(i for i in items_from_facts(parse, policy_id, domain) if i not in items)


def picked_from_menu(state: DialogueState, parse: Parse, policy_id: str) -> tuple[str, ...]:
    """"第二个" right after the assistant listed the items to choose from: the item in that place of its list."""
    req = state.requested
    m = load_genre().menu_pick.match(parse.reading)
    if m is None or req is None or req.kind != "item" or req.policy_id != policy_id or not req.options:
        return ()
    n = small_int(m.group("n")) or 0
    return (req.options[n - 1],) if 0 < n <= len(req.options) else ()


def asked_here_instead(state: DialogueState, parse: Parse, policy_id: str) -> tuple[tuple[str, ...], TurnKind] | None:
    """"«other region»那边«item»补多少" (refused: another region's policy) … "«our region»呢 授牌了 投了750w", "说错了，我们厂在
    «our region»，问的是«our region»的": the question refused as another place's, asked now of the policy whose region the message names."""
    last = state.last
    items = tuple(i for p, i in last.refused_items if p == policy_id)
    if last.out_of_scope != "other_region" or not items or parse.policy_names.get(policy_id, 0.0) < 0.8:
        return None
    kind: TurnKind = last.asked if last.asked in ("award", "eligibility", "lookup") else "award"
    return items, kind


def facts_point_elsewhere(state: DialogueState, parse: Parse, policy_id: str, items: tuple[str, ...],
                          domain: Domain) -> bool:
    """"智能工厂…能补多少" … "另外我们有个团队给区里十几家厂做«a shared word»，服务金额200万，这个呢": an amount the message
    states is a fact of the items it (weakly) names and of none of the goal's — the question is about those items."""
    goal = state.goal
    if goal is None or goal.policy_id != policy_id or not items or set(items) & set(goal.items) \
            or not _takes_an_amount(domain, policy_id, goal.items):
        return False
    claimed = {f for m in parse.facts_of(policy_id).money if told(m) for f in m.best_claims(m.claims)[:1]}
    return bool(claimed) and not _any_claim_of(parse, policy_id, goal.items, domain) \
        and set(items) <= set(items_from_facts(parse, policy_id, domain))


def told(m: MoneyReading) -> bool:
    """An amount told as a fact of the case (not a figure hoped for, denied, someone else's or a what-if)."""
    return not (m.denied or m.expected_award or m.other or m.what_if)


def _any_claim_of(parse: Parse, policy_id: str, items: Sequence[str], domain: Domain) -> bool:
    """Some amount of the message could be a fact of these items (any claim, not only its best: "市里已经补过150万"
    is the higher level's subsidy of the item discussed, whatever other item's word also fits it)."""
    own = set(domain.item_facts(policy_id, items))
    return any(f in own for m in parse.facts_of(policy_id).money if not m.denied for f, s in m.claims.items() if s > 0)


def item_of_mentioned_facts(parse: Parse, policy_id: str, domain: Domain) -> tuple[str, ...]:
    """"每年要服务多少家才能报？": a question that names, without a value, facts that one item alone has (its served
    enterprises) — that item's rule is asked about."""
    mentioned = parse.facts_of(policy_id).mentioned
    owners = [set(domain.items_of_fact(policy_id, f)) for f in mentioned]
    common = set.intersection(*owners) if owners and all(owners) else set()
    return tuple(common) if len(common) == 1 else ()


def _takes_an_amount(domain: Domain, policy_id: str, items: Sequence[str]) -> bool:
    """Some of these items compute from an amount of their own (not only the amounts every item takes, such as other
    support received for the same project): a fixed sum takes none."""
    every = [set(domain.amount_facts(policy_id, (i,))) for i in domain.item_ids(policy_id)]
    shared = set.intersection(*every) if every else set()
    return bool(set(domain.amount_facts(policy_id, items)) - shared)


def own_condition_item(parse: Parse, policy_id: str, domain: Domain, looked_up: Sequence[str]) -> tuple[str, ...]:
    """The one item, not among ``looked_up``, whose own condition the message says is met ("通过«its assessment»以后"):
    after a look-up, a figure asked with that condition is that item's, not the looked-up clause's."""
    owners = {i for name, value in parse.facts_of(policy_id).values.items() if value is True
              if len(own := tuple(domain.items_of_fact(policy_id, name))) == 1 for i in own}
    owners -= set(looked_up)
    return (owners.pop(),) if len(owners) == 1 else ()
