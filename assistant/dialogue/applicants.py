"""Which of a group's companies applies: "嘉定子公司能申请吗" … "那我们浦东的母公司呢" … "那要是直接用母公司报呢".

The facts about who may apply (registration, tax, operation, credit: the policy's general conditions) belong to one
company. When a message asks of another company of the group than the one whose facts were given, those facts are
parked under their company and the one asked about starts from its own: the facts parked for it earlier, else what
the conversation said of its place ("浦东的母公司": registered in 浦东). Item facts (a certificate, an investment) stay:
they are the project's, said again when they differ. Roles come from the NLU (:mod:`assistant.nlu.applicants`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.dialogue.domain import Domain
from assistant.dialogue.state import DialogueState, Slot
from assistant.nlu import Parse


@dataclass(frozen=True)
class Applicants:
    """The company now asked about and what is known of the others."""

    role: str = ""
    """The role of the company whose facts the profile holds ("": the user's own, not named by a role)."""
    turned: int = 0
    """The turn in which the talk turned to this company (0: never turned)."""
    places: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    """Role → policy id → the facts its place gives, from any turn ("浦东母公司")."""
    parked: Mapping[str, Mapping[str, Mapping[str, Slot]]] = field(default_factory=dict)
    """Role → policy id → the facts about who may apply, set aside while another company is asked about."""
    unnamed: tuple[str, ...] = ()
    """Roles named while the profile was the user's own company's ("我们嘉定的子公司…"): going back to one of them
    ("回到子公司") goes back to those facts."""


def current(state: DialogueState) -> Applicants:
    return state.applicants if isinstance(state.applicants, Applicants) else Applicants()


def turned_now(state: DialogueState) -> bool:
    """The message being read turned the talk to another of the group's companies."""
    return current(state).turned == state.turn + 1


def turn_applicant(state: DialogueState, parse: Parse, domain: Domain) -> DialogueState:
    """The state after a message that asks of another company of the group (else with its places noted)."""
    now = current(state)
    places = dict(now.places)
    for m in parse.applicants:
        if m.facts:
            places[m.role] = m.facts
    asked = next((m for m in parse.applicants if m.asked), None)
    unnamed = now.unnamed
    if now.role == "":
        unnamed = tuple(dict.fromkeys((*unnamed, *(m.role for m in parse.applicants if not m.asked))))
    if asked is None or asked.role == now.role:
        return replace(state, applicants=replace(now, places=places, unnamed=unnamed))
    general = {pid: domain.applicant_facts(pid) for pid in state.slots}
    own = {pid: {k: s for k, s in slots.items() if k in general[pid]} for pid, slots in state.slots.items()}
    if now.role == "" and not ("follow_up" in parse.acts or any(own.values())):
        # "我们是子公司，子公司能报吗" as the first word of who applies: the facts so far are that company's
        return replace(state, applicants=replace(now, role=asked.role, places=places, unnamed=unnamed))
    parked = {**now.parked, now.role: {pid: slots for pid, slots in own.items() if slots}}
    turn = state.turn + 1
    restored = parked.pop(asked.role, None)
    if restored is None and now.unnamed == (asked.role,) and "" in parked:
        restored = parked.pop("")  # "回到子公司": the company whose facts were given before it was named
    if restored is None:
        restored = {pid: {k: Slot(v, turn) for k, v in facts.items()} for pid, facts in places.get(asked.role, {}).items()}
    slots: dict[str, Mapping[str, Slot]] = {}
    for pid in {*state.slots, *restored}:
        kept = {k: s for k, s in state.slots.get(pid, {}).items() if k not in general.get(pid, set())}
        slots[pid] = {**kept, **restored.get(pid, {})}
    return replace(state, slots=slots, applicants=Applicants(asked.role, turn, places, parked, unnamed))
