"""Carrying out the chosen action: one answerer per action kind, each returning an :class:`Answer`.

The mapping is exhaustive: an action kind without an answerer is an error at import time.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.dialogue.answer import Answer
from assistant.dialogue.answers.award import answer_award, ask_fact, ask_item
from assistant.dialogue.answers.common import Context
from assistant.dialogue.answers.document import validity_aside
from assistant.dialogue.answers.eligibility import answer_eligibility
from assistant.dialogue.answers.lookup import answer_lookup, not_in_text
from assistant.dialogue.answers.match import answer_match
from assistant.dialogue.answers.simple import ask_policy, clarify, greet, no_rules, refuse
from assistant.dialogue.next_action import Action, ActionKind, Reason

Answerer = Callable[[Context], Answer | None]

ANSWERERS: dict[ActionKind, Answerer] = {
    ActionKind.REFUSE: refuse,
    ActionKind.ASK_POLICY: ask_policy,
    ActionKind.ASK_ITEM: ask_item,
    ActionKind.ASK_FACT: ask_fact,
    ActionKind.ANSWER_AWARD: answer_award,
    ActionKind.ANSWER_ELIGIBILITY: answer_eligibility,
    ActionKind.ANSWER_LOOKUP: answer_lookup,
    ActionKind.ANSWER_MATCH: answer_match,
    ActionKind.NO_RULES: no_rules,
    ActionKind.CLARIFY: clarify,
    ActionKind.GREET: greet,
}
if set(ANSWERERS) != set(ActionKind):  # pragma: no cover - a programming error, caught by any test run
    raise RuntimeError(f"action kinds without an answerer: {set(ActionKind) - set(ANSWERERS)}")


def carry_out(ctx: Context) -> tuple[Answer, Action]:
    """The answer to the chosen action; a look-up that finds nothing becomes a clarification or a refusal."""
    answer = ANSWERERS[ctx.action.kind](ctx)
    if answer is not None:
        aside = validity_aside(ctx) if answer.intent in ("award", "eligibility", "lookup") else None
        if aside is not None and aside[1] not in answer.citations:
            answer.details.insert(0, aside[0])  # the message's second question, answered beside the first
            answer.citations.append(aside[1])
        return answer, ctx.action
    parse = ctx.obs.parse
    domain_words = parse.money_words or parse.items or parse.policy_names or parse.clause_refs
    if ctx.action.kind is ActionKind.ANSWER_LOOKUP and (domain_words or re.search("申报|申请|补贴|政策", parse.reading)):
        from assistant.nlu.genre import load_genre

        unsettled = not_in_text(ctx, load_genre().delegation)
        if unsettled is not None:
            return unsettled, ctx.action
    kind = ActionKind.CLARIFY if domain_words else ActionKind.REFUSE
    action = Action(kind, Reason.VAGUE if domain_words else Reason.OFF_TOPIC, ctx.action.policy_id)
    fallback = ANSWERERS[kind](Context(ctx.domain, ctx.state, ctx.obs, action))
    assert fallback is not None
    return fallback, action
