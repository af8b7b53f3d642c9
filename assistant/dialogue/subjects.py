"""Several enterprises in one conversation: a consultant or a hotline operator asks for one client, then another
("另一个客户是区级标杆示范项目，已投入500万呢？"), then goes back ("回到第一家，他们项目实际投资其实是800万").

Each enterprise has its own profile (slots), goal, projects and recent items. A message that turns to another
enterprise parks the current one and starts afresh; one that turns back parks the current one and restores the one
named (by its place, "第一家", or as the one before, "刚才那家"). The words are the genre's (``another_subject``,
``back_to_subject``); what is parked is the state's own data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from assistant.dialogue.state import DialogueState, Goal
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.numerals import small_int


@dataclass(frozen=True)
class Subject:
    """One enterprise's part of the state, parked while another is asked about."""

    slots: Mapping[str, Mapping[str, Any]]
    goal: Goal | None
    projects: tuple[Any, ...]
    recent: tuple[str, ...]
    same_project: bool


def _parked(state: DialogueState) -> Subject:
    return Subject(state.slots, state.goal, state.projects, state.recent, state.same_project)


def _with(state: DialogueState, subjects: list[Subject | None], index: int, subject: Subject | None) -> DialogueState:
    """The state now about the enterprise at ``index``: its parked part restored (or a fresh start)."""
    fresh = subject or Subject({}, None, (), (), False)
    return replace(
        state, subjects=tuple(subjects), subject=index, slots=fresh.slots, goal=fresh.goal, projects=fresh.projects,
        recent=fresh.recent, same_project=fresh.same_project, requested=None, pending_money=(),
    )


def turn_subject(state: DialogueState, parse: Parse) -> DialogueState:
    """The state after a message that turns to another enterprise or back to an earlier one (else unchanged)."""
    genre = load_genre()
    subjects: list[Subject | None] = list(state.subjects) or [None]
    back = genre.back_to_subject.search(parse.reading)
    if back is not None and len(subjects) > 1:
        n = back.group("n")
        index = (small_int(n) or 0) - 1 if n else _before(state)
        if 0 <= index < len(subjects) and index != state.subject:
            subjects[state.subject] = _parked(state)
            return _with(state, subjects, index, subjects[index])
        return state
    if back is None and genre.another_subject.search(parse.reading) and (state.goal is not None or state.slots):
        subjects[state.subject] = _parked(state)
        subjects.append(None)
        # The same question for the next one ("第二个客户是区级标杆…，这个呢？"): the goal's kind, none of its items.
        kind = state.goal.kind if state.goal is not None else None
        asked = Subject({}, Goal(kind, state.goal.policy_id, (), state.goal.turn) if state.goal and kind else None,
                        (), (), False)
        return _with(state, subjects, len(subjects) - 1, asked)
    return state


def _before(state: DialogueState) -> int:
    """"刚才那家": the enterprise asked about before the current one (the first, when the current one is new)."""
    return state.subject - 1 if state.subject > 0 else 0
