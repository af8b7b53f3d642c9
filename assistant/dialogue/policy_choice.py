"""Which loaded policy a message is about, scored — never by folder order.

Signals: the policy named (its region, issuer or title), its items named, where retrieval found the best
clauses, the policy the conversation is already about, and whether it is in force on the as-of date. When two
policies score within :data:`TIE_MARGIN` of each other and neither is named, the assistant asks which one — and
the reply naming one (``answers_policy_request``) picks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.dialogue.domain import Domain
from assistant.dialogue.state import DialogueState
from assistant.nlu import Parse

NAMED = 3.0
ITEM = 2.0
RETRIEVAL = (1.0, 0.5, 0.25)
CURRENT = 1.5
IN_FORCE = 0.5
TIE_MARGIN = 1.0


@dataclass(frozen=True)
class PolicyChoice:
    policy_id: str | None
    tie: tuple[str, ...] = ()
    scores: tuple[tuple[str, float], ...] = ()


def choose_policy(
    parse: Parse, hits: Sequence[Any], answerable: bool, current: str | None, as_of: date, domain: Domain
) -> PolicyChoice:
    ids = domain.policy_ids
    if len(ids) == 1:
        return PolicyChoice(ids[0])
    score = dict.fromkeys(ids, 0.0)
    for pid, s in parse.policy_names.items():
        score[pid] += NAMED * s
    for pid in ids:
        items = parse.items_of(pid)
        if items:
            score[pid] += ITEM * max(m.score for m in items)
    if answerable:
        for rank, hit in enumerate(hits[: len(RETRIEVAL)]):
            pid = getattr(hit, "policy_id", None) or hit.clause.policy_id
            score[pid] = score.get(pid, 0.0) + RETRIEVAL[rank]
    if current in score:
        score[current] += CURRENT
    for pid in ids:
        if domain.in_force(pid, as_of):
            score[pid] += IN_FORCE
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    named = [pid for pid, s in parse.policy_names.items() if s >= 1.0]
    if top - second < TIE_MARGIN and best not in named and current is None:
        tie = tuple(pid for pid, s in ranked if top - s < TIE_MARGIN)
        return PolicyChoice(None, tie, tuple(ranked))
    return PolicyChoice(best, (), tuple(ranked))


def answers_policy_request(state: DialogueState, parse: Parse) -> str | None:
    """The policy the user picked when asked "which policy?" (by its region, issuer or title)."""
    req = state.requested
    if req is None or req.kind != "policy":
        return None
    named = [pid for pid in req.options if parse.policy_names.get(pid, 0) >= 0.8]
    return named[0] if len(named) == 1 else None
