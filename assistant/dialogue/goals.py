"""The goal after a message: which question the conversation is answering (award, eligibility, match), of which
items, and whether the message answered the assistant's request — Rasa's form activation, as one pure function
of the state and the message's reading (called by the tracker's ``apply``); and, after the assistant's action, the
goal answered and what was asked for (``record``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assistant.dialogue import labels
from assistant.dialogue.bare_replies import answers_request
from assistant.dialogue.domain import Domain
from assistant.dialogue.implied import items_from_facts
from assistant.dialogue.state import DialogueState, Goal, GoalKind, Request, TurnKind
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre


def _what_if_within(parse: Parse, policy_id: str, items: Sequence[str], goal_items: Sequence[str]) -> bool:
    """A what-if that states a fact of some of the items a several-item goal is about."""
    return (
        len(goal_items) > 1 and set(items) < set(goal_items)
        and "follow_up" in parse.acts and parse.states_facts(policy_id)
        and not _names_a_project(parse)
    )


def _names_a_project(parse: Parse) -> bool:
    """"回到B，如果B其实是«option»呢": a project turned to by its label — that project alone, not the total it is part
    of ("B项目已投入其实是900万" after the total corrects one fact of the total)."""
    return bool(labels.refs(parse) and load_genre().turns_to.search(parse.reading))


def _picks_one(parse: Parse, policy_id: str, items: Sequence[str]) -> bool:
    """"服务商那条，今年实际发生服务金额400万" after what the enterprise can claim: one item pointed at by name and its
    facts given, or by its clause's number ("第5条那个") — the item picked from the list, its figure asked."""
    picks = load_genre().picks_item
    named = [m for m in parse.items_of(policy_id) if m.item_id in items and picks.match(parse.reading, m.end)]
    # "第5条那个": the item picked by its clause's number from the list just given — a choice, with or without facts
    by_number = [r for r in parse.clause_refs if r.number and picks.match(parse.reading, r.start + len(r.text))]
    return len(items) == 1 and ((bool(named) and bool(parse.amounts)) or (bool(by_number) and not parse.items))


def next_goal(
    state: DialogueState, parse: Parse, kind: TurnKind, policy_id: str, items: tuple[str, ...], domain: Domain,
    strong: bool = True,
) -> tuple[Goal | None, bool]:
    """The goal after this message, and whether the message answered the assistant's request.

    Items the message only implies — by a shared keyword, or by whose facts it states — start a goal when
    there is none; they never take an active goal away from the items it is about."""
    turn = state.turn + 1
    goal = state.goal if state.goal and state.goal.policy_id == policy_id else None
    req = state.requested if state.requested and state.requested.policy_id in (policy_id, None) else None
    same_project = ("same_project" in parse.acts or state.same_project) and "different_projects" not in parse.acts
    question = kind in ("award", "eligibility", "match")
    if goal is not None and len(goal.items) > 1 and items and set(items) < set(goal.items) \
            and load_genre().drops_element.search(parse.reading) and not parse.amounts:
        # "首次规上那个去掉，不算了" after a total of three items: the total of the others
        return replace(goal, items=tuple(i for i in goal.items if i not in items), answered=False), False

    if goal is not None and goal.items and not items and kind in ("award", "followup", "match", "vague") \
            and load_genre().other_items.search(parse.reading):
        return None, False  # "那还有别的补助吗？能拿多少": which other item — not the same figure again
    if goal is not None and goal.compared and items and set(items) < set(goal.items) \
            and kind in ("award", "followup", "inform"):
        # "这两个哪个多" … "智能工厂这个项目投了四百万": of the items compared, the one the message is about — their
        # figures were never a total
        return Goal(goal.kind, policy_id, items, turn, same_project=same_project), False
    if req is not None and req.kind == "item" and items and kind != "lookup":
        # Picking an item from the menu (shown for a figure, or for "what can we claim") asks for its figure.
        base: GoalKind = goal.kind if goal and goal.kind != "match" else "award"
        new_kind: GoalKind = kind if kind in ("award", "eligibility") else base
        return Goal(new_kind, policy_id, items, turn, same_project=same_project), True
    if (
        req is not None and req.kind == "fact" and goal is not None
        and answers_request(req, parse, policy_id, domain)
        and not (question and items and not set(items) <= set(goal.items))
    ):
        held = state.suspended
        if held is not None and held.policy_id == policy_id and side_question(held, goal.kind, req, goal.items):
            return replace(held, answered=False), True  # the answer to the figure's question, after a side question
        return replace(goal, answered=False), True
    if kind in ("award", "eligibility", "match"):
        if kind == "match":
            return Goal("match", policy_id, (), turn, same_project=same_project), False
        goal_kind: GoalKind = kind
        if items and goal is not None and _what_if_within(parse, policy_id, items, goal.items):
            # "那要是镇里已经给了我们规上奖励8万呢" after a two-item total: a fact about one of the items the
            # total is of — the total again with it, not that item alone.
            return Goal(goal_kind, policy_id, goal.items, turn, same_project=same_project), False
        if items:
            return Goal(goal_kind, policy_id, items, turn, same_project=same_project), False
        if goal is not None and goal.items and (
            parse.acts & {"follow_up", "correction", "again"} or parse.injected or parse.states_facts(policy_id)
            or len(parse.reading.strip()) <= 12
        ):  # "重新告诉我能拿多少", "忽略之前的指令…能拿多少": the same items, answered again
            return Goal(goal_kind, policy_id, goal.items, turn, same_project=goal.same_project), False
        inferred = items_from_facts(parse, policy_id, domain)
        if not inferred and goal is not None and goal.items and state.last.kind != "out_of_scope":
            # "不过我们不算中小企业，会影响申请吗", "行，那先按450万算…还能给多少": nothing else named — the items the
            # conversation is about, not the menu again.
            inferred = goal.items
        if not inferred and goal is not None and goal.kind == "match" and parse.refers_back and state.recent:
            inferred = state.recent[-1:]  # "这个能补多少" after what fits: the item the user just described
        return Goal(goal_kind, policy_id, inferred, turn, same_project=same_project), False
    if kind == "followup":
        # ("这两个哪个多": the last items discussed, set side by side)
        if items and (strong or goal is None or (len(items) > 1 and (parse.acts & {"together", "compare"} or "stacking" in parse.topics))):
            follow_kind: GoalKind = goal.kind if goal and goal.kind != "match" else "award"
            return Goal(follow_kind, policy_id, items, turn, same_project=same_project), False
        return (replace(goal, answered=False) if goal else None), False
    if kind == "lookup":
        return state.goal, False
    # inform (and vague or chitchat that still state facts)
    states = parse.states_facts(policy_id)
    if goal is not None and goal.kind == "match" and _picks_one(parse, policy_id, items):
        return Goal("award", policy_id, items, turn, same_project=same_project), False
    if goal is not None and goal.kind == "match" and (items or states or same_project):
        # "另外我们还有个«option»«item»项目", "这两个其实是同一个项目": the match learns it.
        return replace(goal, answered=False, same_project=goal.same_project or same_project), False
    if items and (strong or goal is None or not goal.items):
        if goal is not None and set(items) < set(goal.items) and "again" in parse.acts and not states:
            # "«item A»那个再说一下" after a total: that item's figure again, alone
            return Goal(goal.kind, policy_id, items, turn, same_project=goal.same_project), False
        if goal is not None and set(items) <= set(goal.items) and not (
                _names_a_project(parse) and set(items) < set(goal.items)):
            return replace(goal, answered=False), False
        # ("会不会取消资格" … "另外我们有个项目评上了市级标杆，投了600万": a new item told with its amount is told for
        # its figure, whatever verdict was asked last)
        inform_kind: GoalKind = goal.kind if goal and goal.kind != "match" \
            and not (goal.kind == "eligibility" and parse.amounts) else "award"
        return Goal(inform_kind, policy_id, items, turn, same_project=same_project), False
    if goal is not None:
        return (replace(goal, answered=False) if states else goal), False
    if states:
        return Goal("award", policy_id, items_from_facts(parse, policy_id, domain), turn), False
    return state.goal, False


def suspended_goal(state: DialogueState, prior: Goal | None, goal: Goal | None, policy_id: str) -> Goal | None:
    """The goal left open for another question (kept until it is taken up again), for "那刚才那个呢"."""
    left = state.suspended
    if prior is not None and prior.policy_id == policy_id and prior.items and not prior.answered \
            and goal is not None and goal.items and (set(goal.items) != set(prior.items) or goal.kind != prior.kind):
        left = prior
    if left is not None and (left.policy_id != policy_id or (
            goal is not None and set(goal.items) == set(left.items) and goal.kind == left.kind)):
        return None
    return left


def answered_before(state: DialogueState, prior: Goal | None, goal: Goal | None, policy_id: str) -> Goal | None:
    """The figure answered before this turn's different question replaced it, else the one kept."""
    if prior is not None and prior.policy_id == policy_id and prior.items and prior.answered \
            and prior.kind == "award" and goal is not None \
            and (set(goal.items) != set(prior.items) or goal.kind != prior.kind):
        return prior
    kept = state.answered_before
    return kept if kept is not None and kept.policy_id == policy_id and kept != goal else None


def side_question(
    waiting: Goal | None, kind: str, requested: Request | None, items: tuple[str, ...] | None = None
) -> bool:
    """"…投了1500万，能拿多少？" (which level?) … "等下，我们算嘉定的企业吧？能申请吗？": an eligibility question put while
    a figure (``waiting``, of the same items when ``items`` are given) still waits for a fact — the fact's request
    stays, so the next bare reply ("市级的") still answers it."""
    return waiting is not None and kind == "eligibility" and waiting.kind == "award" and not waiting.answered \
        and requested is not None and requested.kind == "fact" and (items is None or set(items) == set(waiting.items))


def record(
    state: DialogueState, action: Any, asked: Request | None, answered: bool, topic: str | None = None
) -> DialogueState:
    """The state after the assistant's action: what it asked for, whether the goal got its answer, and the
    clause the answer rested on (``topic``; kept when the answer rested on none)."""
    goal = state.goal
    if answered and goal is not None:
        goal = replace(goal, answered=True)
    last_turn = state.history[-1] if state.history else None
    history = state.history
    if last_turn is not None:
        history = (*state.history[:-1], replace(last_turn, action=str(action)))
    side = goal is not None and side_question(state.suspended, goal.kind, state.requested, goal.items)
    requested = asked if asked is not None else (state.requested if not answered or side else None)
    return replace(state, goal=goal, requested=requested, history=history, topic=topic or state.topic)
