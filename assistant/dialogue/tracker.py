"""``apply(state, observation, domain) -> state``: update the conversation state with one message's reading.

Rules, after Rasa's forms and rules:
- While the assistant waits for a fact (or for the item, or the policy), the next message is read first as
  its answer ("市级", "花了七百来万", "第5条那个"), unless it is a new explicit question about something else.
- A goal (a figure, a verdict, what fits) stays until answered or replaced by a new explicit question; facts
  given after the answer update the profile and the goal is answered again (recomputed).
- "那…呢" keeps the previous question's kind and changes its subject; a look-up is answered without dropping
  the goal; an out-of-scope message is refused without dropping it either.
- Corrections overwrite the slot they name, or (a bare "搞错了，是4000万") the amount the user gave last.
No side effects: the same state and observation always give the same new state.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.dialogue import labels
from assistant.dialogue.applicants import turn_applicant
from assistant.dialogue.bare_replies import answers_fact_request, item_by_its_clause, item_by_words
from assistant.dialogue.base_parts import total_from_parts
from assistant.dialogue.claimed_clause import misnumbered
from assistant.dialogue.context_kind import reconsider
from assistant.dialogue.derived_slots import share_project_amounts
from assistant.dialogue.domain import Domain
from assistant.dialogue.givers import giver_named, said_received_without_amount
from assistant.dialogue.goals import answered_before, next_goal, side_question, suspended_goal
from assistant.dialogue.implied import (
    asked_here_instead,
    earlier_goal,
    facts_point_elsewhere,
    implied_items,
    item_of_mentioned_facts,
    item_of_said_facts,
    nth_discussed,
    nth_named,
    own_condition_item,
    picked_from_menu,
    with_items_of_facts,
    with_recent,
)
from assistant.dialogue.kind_fallback import RULE_TOPICS, disputes_last_lookup
from assistant.dialogue.list_elements import drop_failing_elements, element_words, item_aliases, view_kept
from assistant.dialogue.marginal import new_element_alone
from assistant.dialogue.named_items import (
    ITEM_NAMED,
    goal_in_question,
    named_items,
    strongly_named,
    weak_item_overruled,
)
from assistant.dialogue.policy_choice import answers_policy_request, choose_policy
from assistant.dialogue.projects import (
    label_projects,
    links_items,
    moved_elsewhere,
    other_projects_support,
    placed_ref,
    set_aside,
    split_projects,
    turn_to_label,
)
from assistant.dialogue.region_amounts import in_region_only
from assistant.dialogue.scope import out_of_scope, place_is_a_fact, scheme_pressed, set_aside_questions
from assistant.dialogue.slots import fill_slots
from assistant.dialogue.state import DialogueState, Goal, Observation, Request, Turn, TurnNotes
from assistant.dialogue.subjects import turn_subject
from assistant.dialogue.turn_kind import read_kind, started_afresh
from assistant.dialogue.years import another_year, received_in_a_past_year, said_of_dropped, split_by_year
from assistant.nlu.genre import load_genre
from assistant.nlu.money_parts import part_words


def apply(state: DialogueState, obs: Observation, domain: Domain) -> DialogueState:
    """The state after one user message."""
    parse = obs.parse
    state = turn_subject(state, parse)  # "另一个客户…", "回到第一家…": whose facts this message is about
    state = turn_applicant(state, parse, domain)  # "那用母公司报呢": which of a group's companies applies
    turn = state.turn + 1
    state, kind = started_afresh(state, parse, read_kind(parse, state))
    history = (*state.history, Turn(turn, parse.text, kind))
    req = state.requested
    if req is not None and req.kind == "policy" and state.waiting is not None:
        picked = answers_policy_request(state, parse)
        by_content = None
        if picked is None:
            guess = choose_policy(parse, obs.hits, obs.answerable, None, state.as_of, domain)
            by_content = guess.policy_id if guess.policy_id in req.options else None
        if picked or by_content:
            # The answer to "which policy?": read the question that waited, now about that policy; a reply
            # that says more than the policy's name (an item's name) is then read on top of it.
            chosen = replace(state, policy_id=picked or by_content, requested=None, waiting=None, history=history)
            resumed = apply(replace(chosen, turn=turn - 1), state.waiting, domain)
            if picked:
                return replace(resumed, last=replace(resumed.last, resumed=True))
            return apply(replace(resumed, history=state.history), obs, domain)
    oos, elsewhere = out_of_scope(parse, kind, domain, obs.answerable)
    if oos == "other_scheme" and answers_fact_request(state, parse, domain):
        oos = None  # "市经信委发的文" to "哪一级？": who awarded it gives the level, not another scheme's question
    if oos == "other_scheme" and scheme_pressed(state, parse):
        oos = None
    if oos == "other_scheme" and state.policy_id and giver_named(state, parse, state.policy_id, domain, turn):
        oos = None  # "哦不对，是市经信委给的": who gave the support already told of, not that body's scheme
    if oos is not None:
        notes = TurnNotes("out_of_scope", parse.intent, oos, elsewhere, injection=parse.injected,
                          attributed=parse.attributed,
                          refused_items=tuple(dict.fromkeys((m.policy_id, m.item_id) for m in parse.items
                                                            if m.score >= ITEM_NAMED and not m.negated)))
        return replace(state, turn=turn, last=notes, history=history)

    choice = choose_policy(parse, obs.hits, obs.answerable, state.policy_id, state.as_of, domain)
    if choice.policy_id is None:
        # Two policies fit equally: ask which one; the question waits and is read again with the answer.
        notes = TurnNotes(kind, parse.intent, None, elsewhere, injection=parse.injected, attributed=parse.attributed,
                          policy_tie=choice.tie)
        return replace(state, turn=turn, requested=Request("policy", None, None, choice.tie), last=notes,
                       history=history, waiting=obs)
    policy_id = choice.policy_id
    refs = domain.clause_refs(policy_id, parse.clause_refs)
    wrong = None
    if (right := misnumbered(obs, policy_id, refs, domain, state.recent[-1:])) is not None:
        wrong, refs, kind = refs[0], (right,), "lookup"  # "他说«item»补助在第9条，帮我核一下": its clause, not 第9条
    items = weak_item_overruled(obs, policy_id, named_items(parse, policy_id, refs, domain), refs, domain)
    lab = labels.read(state.labels.get(policy_id, {}), parse, policy_id, items, domain)
    items, by_label, here = lab.items, lab.by_label, lab.here
    if by_label and kind in ("vague", "chitchat", "inform") and not parse.states_facts(policy_id):
        kind = "followup"  # "再说A": the question asked before, of that project
    kind = reconsider(state, parse, kind, items, policy_id, domain)
    if kind == "lookup" and refs:
        items = ()  # "第5条讲的是什么": the clause is the topic, not its item's figure
    # of what this message names itself, or by a label it gives
    # "一是«A»…二是«B»…第一个能拿多少": A, the others discussed too; "回到第一个项目": as if named again
    nth, listed = nth_named(parse, policy_id, items)
    items, nth = nth or items, nth or (() if items else nth_discussed(state, parse, policy_id))
    if not items and (from_menu := picked_from_menu(state, parse, policy_id)):
        items, nth, kind = from_menu, from_menu, "award"  # "第二个" to "which item?": the item listed second
    back = None if items else earlier_goal(state, parse, policy_id)
    if back is not None:
        items, kind = back.items, back.kind  # "那刚才那个呢": the question left open, asked again
    elif not items and kind not in ("eligibility", "lookup") and (refused := asked_here_instead(state, parse, policy_id)):
        items, kind = refused  # "«other region»那边«item»补多少" (refused) … "«our region»呢": that question, of ours
    strong = strongly_named(parse, policy_id, items, refs, domain) or bool(by_label) or bool(nth) or back is not None \
        or facts_point_elsewhere(state, parse, policy_id, items, domain)
    read = domain.item_by_clause(policy_id, state.topic) if state.topic and state.last.kind == "lookup" else None
    if items and not strong and not parse.asks and read is not None and read not in items:
        # "«item»" (its clause read) … "给区内厂做«a shared word»": a word many items share, said of the item just read
        items, kind = (read,), ("inform" if kind == "lookup" else kind)
    # (after a look-up, a condition only another item has — "那通过«its assessment»以后最多能拿多少" — names it)
    after_look_up = own_condition_item(parse, policy_id, domain, state.last.named_items) \
        if state.last.kind == "lookup" else ()
    items = with_recent(state, parse, with_items_of_facts(parse, policy_id, items, domain), kind,
                        item_aliases(domain, policy_id, items)) \
        or nth or after_look_up or implied_items(state, parse, kind, policy_id) or item_of_said_facts(state, parse, policy_id, domain)
    # ("«item»那个资助需要什么条件" … "我们注册和纳税都在«region»，今年5月授的牌": the case, told against that item)
    after_lookup = kind in ("award", "eligibility") or (kind == "inform" and parse.states_facts(policy_id)
                                                        and state.goal is None)
    if not items and after_lookup and state.last.kind == "lookup" and state.policy_id == policy_id:
        # "核对一下第9条，事前备案是什么意思" … "没备案直接办了，还能申请吗": the item of the clause just looked up.
        # "«item»这块是怎么支持的" … "建成运营了，能拿多少"; one project under several items: all of them
        # ("两个能一起拿吗" … "那这个项目区里最多能拿多少").
        project = state.goal.items if state.same_project and state.goal is not None \
            and state.goal.policy_id == policy_id else ()
        # "我们做工业防火墙，这算哪条？" … "能补多少": the item of the clause the look-up's answer rested on
        topic = domain.item_by_clause(policy_id, state.topic) if state.topic else None
        items = tuple(i for c in state.last.clause_refs if (i := domain.item_by_clause(policy_id, c))) \
            or state.last.named_items or project or (() if topic is None else (topic,)) or state.recent[-1:]
    prior = state.goal
    if "compare" in parse.acts and len(items) == 1 and prior is not None and prior.kind == "award" \
            and prior.policy_id == policy_id and prior.items and items[0] not in prior.items:
        items = (*items, *prior.items)  # "和«item B»比哪个多" after «item A»'s figure: both, side by side
    if not items and kind == "lookup" and not refs and not obs.answerable and not parse.topics and not state.topic:
        items = item_of_mentioned_facts(parse, policy_id, domain)  # "每年要服务多少家才能报": that item's condition
    if not items and kind == "lookup" and not refs and (req := state.requested) is not None and req.kind == "fact" \
            and req.fact in parse.facts_of(policy_id).mentioned and state.goal is not None:
        items = state.goal.items  # "投资额含不含税？" asked back while the item's amount is asked for: that item's text
    if not items and kind == "lookup" and not refs:
        items = goal_in_question(state, obs, policy_id, domain)
    if not items and kind not in ("lookup", "out_of_scope"):
        # Forms: the reply to "which item?" is read first as its answer, by the one clause its words match.
        items = item_by_words(state, obs, policy_id, domain)
        kind = "inform" if items and kind in ("vague", "chitchat") else kind
    if not items and kind == "award":
        items = item_by_its_clause(state, obs, policy_id, domain)
    base = state
    if state.policy_id not in (None, policy_id):  # another policy: its own profile, no pending request
        base = replace(state, requested=None, pending_money=(), goal=None, recent=(), same_project=False, projects=())
    goal, answered = next_goal(base, parse, kind, policy_id, items, domain, strong)
    if goal is not None and "same_project" in parse.acts and "different_projects" not in parse.acts \
            and not goal.same_project:
        goal = replace(goal, same_project=True, answered=False)  # "这两个其实是同一个项目"
    if goal is not None and len(goal.items) > 1 and "compare" in parse.acts:
        goal = replace(goal, compared=True)  # "跟«item»比哪个钱多": each figure on its own
    if goal is not None and "different_projects" in parse.acts and goal.same_project:
        goal = replace(goal, same_project=False, answered=False)  # "跟«item»不是一个项目"
    base, dropped_from = another_year(base, parse, policy_id, goal, domain), base
    parse = said_of_dropped(dropped_from, base, parse, policy_id)  # ("那50万是去年拿的": that amount, not a new one)
    if len(here) < 2:
        said = labels.refs(parse) or placed_ref(base, parse)  # "乙厂呢", "第二个呢": that project's facts
        base = turn_to_label(base, said, policy_id, domain, turn)
    aside = set_aside(base, parse, policy_id, domain)
    # the facts of every item the message lists, whichever of them it asks about
    # ("B项目镇里给过30万扶持": the facts of the project named by its label, among several items)
    of = listed or (by_label if goal is not None and set(by_label) < set(goal.items) else ())
    filled = fill_slots(aside, parse, policy_id, replace(goal, items=of) if goal and of else goal, turn, domain)
    if (moved := giver_named(filled.state, parse, policy_id, domain, turn)) is not None:
        filled = replace(filled, state=moved)  # "…拿过50万补助了" … "是镇里给的": that giver's support
    if aside is base and (elsewhere_facts := moved_elsewhere(base, parse, policy_id, domain)):
        filled = replace(filled, state=filled.state.with_slots(policy_id, elsewhere_facts, turn))
    if goal is not None and (parts := total_from_parts(parse, policy_id, goal.items, domain)):
        # "土建800万 设备1200万": the base's total, its parts kept so that one of them can be corrected
        given = [m.mention for m in parse.facts_of(policy_id).money if not m.denied]
        base_name = list(parts)[:1]
        pieces = {n: tuple(y for m in given for y in m.pieces) for n in base_name}
        words = {n: tuple(w for m in given for w in part_words(parse.reading, m, load_genre())) for n in base_name}
        filled = replace(filled, state=filled.state.with_slots(policy_id, parts, turn, parts=pieces, part_words=words))
    # "其中给昆山客户做的140万": another place's amount is no part of a fact the clause limits to its region
    region = in_region_only(base.profile(policy_id), filled.state.profile(policy_id), parse, policy_id,
                            goal.items if goal else (), domain)
    if region.values:
        filled = replace(filled, state=filled.state.with_slots(policy_id, region.values, turn))
    filled = replace(filled, state=split_by_year(filled.state, parse, policy_id, goal, turn, domain))
    filled = replace(filled, state=received_in_a_past_year(base, filled.state, parse, policy_id, goal, domain))
    if len(here) > 1 and len(set(here.values())) == 1:  # "甲厂…400万，乙厂…900万": a project per label, same items
        filled = replace(filled, state=label_projects(filled.state, parse, policy_id, goal, turn, domain,
                                                      labels.stretches(parse), labels.asked_label(parse)))
    else:
        filled = replace(filled, state=split_projects(filled.state, parse, policy_id, goal, turn, domain))
    drop = drop_failing_elements(base.profile(policy_id), parse, policy_id, goal.items if goal else (), domain,
                                 after=filled.state.profile(policy_id), named=element_words(base, policy_id))
    # "还要办一个…140万，那这个能拿多少": the element just added, alone, with what the year's others use counted
    alone = new_element_alone(base.profile(policy_id), filled.state.profile(policy_id), parse, policy_id,
                              goal.items, domain, state.as_of, tuple(t.text for t in state.history)) \
        if goal and not drop.values else None
    if drop.element_only or (drop.values and not drop.view):  # said of one element: its fate
        kept = filled.state.forget(policy_id, drop.element_only, base).with_slots(policy_id, drop.values, turn)
        filled = replace(filled, state=kept)
    drop = alone or drop
    filled = replace(filled, state=share_project_amounts(replace(filled.state, policy_id=policy_id), goal, turn, domain))
    if goal is not None and (focused := lab.focused) and set(focused) < set(goal.items):
        # Every item's facts were read above; the figure asked is of the items the question is about.
        goal, items = replace(goal, items=focused), focused
    if goal is not None and goal.kind == "match":
        # What can we claim, across policies: another policy's profile learns what the message says when the
        # message is about it (names it or one of its items) — a level word ("市级") is not a fact of every policy.
        for other in domain.policy_ids:
            about = other in parse.policy_names or any(m.score >= ITEM_NAMED for m in parse.items_of(other))
            if other != policy_id and domain.has_rules(other) and about:
                more = fill_slots(filled.state, parse, other, Goal("match", other, (), turn), turn, domain)
                filled = replace(filled, state=more.state)
    # "先申报后补助吗" … "那«item»那条也一样吗": the rule asked about, of that item
    same_question = state.last.kind == "lookup" and kind == "lookup" and bool(items) \
        and bool(load_genre().same_question.search(parse.reading))
    notes = TurnNotes(
        kind=kind,
        asked=parse.intent,
        other_places=elsewhere,
        compared_places=elsewhere if parse.policy_names and not oos and not place_is_a_fact(parse, domain) else (),
        set_aside=set_aside_questions(parse),
        received_unsaid=said_received_without_amount(parse, policy_id, domain),
        injection=parse.injected,
        attributed=parse.attributed,
        hoped_amounts=filled.hoped,
        filled=filled.filled,
        corrected=filled.corrected,
        goal_changed=goal is not None and goal.turn == turn,
        answered_request=answered,
        clause_refs=refs,
        misnumbered=wrong,
        named_items=items,
        dropped=drop.notes,
        left_out=(*region.left_out, *other_projects_support(parse, policy_id, domain)),
        view=tuple(drop.values.items()) if drop.view else view_kept(state, parse, policy_id, goal, prior),
        # "第1到4条属于哪一块" … "那第5条呢": the same question of the text, of another clause
        topics=frozenset(parse.topics) or (state.last.topics & {"category", "original"}
                                           if "follow_up" in parse.acts and state.last.kind == "lookup" and refs
                                           else state.last.topics & RULE_TOPICS if same_question
                                           else state.last.topics if kind == "lookup"
                                           and disputes_last_lookup(state, parse, items, policy_id) else frozenset()),
    )
    keep_request = (kind in ("lookup", "vague", "chitchat") or side_question(prior, kind, base.requested)) \
        and not answered
    touched = [*(goal.items if goal else ()), *items]
    recent = tuple(i for i in base.recent if i not in touched) + tuple(dict.fromkeys([*(i for i in listed if i not in items), *touched]))
    return replace(
        filled.state,
        turn=turn,
        policy_id=policy_id,
        goal=goal,
        requested=base.requested if keep_request else None,
        last=notes,
        history=history,
        waiting=None,
        recent=recent[-6:],
        suspended=suspended_goal(state, prior, goal, policy_id),
        answered_before=answered_before(state, prior, goal, policy_id),
        discussed=(*base.discussed, *(i for i in dict.fromkeys([*listed, *touched]) if i not in base.discussed)),
        same_project=(base.same_project or links_items(parse, policy_id, goal)) and "different_projects" not in parse.acts,
        labels={**state.labels, policy_id: lab.known} if lab.known else state.labels,
    )

