"""Several enterprises in one conversation: a consultant or a hotline operator asks for one client, then another
("另一个客户是区级标杆示范项目，已投入500万呢？"), then goes back ("回到第一家，他们项目实际投资其实是800万").

Each enterprise has its own profile (slots), goal, projects and recent items. A message that turns to another
enterprise parks the current one and starts afresh; one that turns back parks the current one and restores the one
named (by its place, "第一家", as the one before, "刚才那家", or by the letter it was named by, "回到客户A"). A letter
not yet heard while the current enterprise has another ("客户B是服务商…") is another enterprise too. The words are
the genre's (``another_subject``, ``back_to_subject``, ``subject_label``); what is parked is the state's own data.
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
    label: str = ""


def _parked(state: DialogueState) -> Subject:
    return Subject(state.slots, state.goal, state.projects, state.recent, state.same_project, state.subject_label)


def _with(state: DialogueState, subjects: list[Subject | None], index: int, subject: Subject | None) -> DialogueState:
    """The state now about the enterprise at ``index``: its parked part restored (or a fresh start)."""
    fresh = subject or Subject({}, None, (), (), False)
    return replace(
        state, subjects=tuple(subjects), subject=index, slots=fresh.slots, goal=fresh.goal, projects=fresh.projects,
        recent=fresh.recent, same_project=fresh.same_project, requested=None, pending_money=(), subject_label=fresh.label,
        applicants=None,
    )


def _labels(parse: Parse) -> list[str]:
    """The letters the message names enterprises by ("客户A", "B子公司"), in order."""
    return [m.group("a") or m.group("b") for m in load_genre().subject_label.finditer(parse.reading)]


def _by_label(state: DialogueState, subjects: list[Subject | None], label: str) -> int | None:
    """The place of the enterprise named by ``label`` (None when no enterprise was)."""
    if label == state.subject_label:
        return state.subject
    return next((i for i, s in enumerate(subjects) if s is not None and s.label == label and i != state.subject), None)


def turn_subject(state: DialogueState, parse: Parse) -> DialogueState:
    """The state after a message that turns to another enterprise or back to an earlier one (else unchanged)."""
    genre = load_genre()
    subjects: list[Subject | None] = list(state.subjects) or [None]
    back = genre.back_to_subject.search(parse.reading)
    named = _labels(parse)
    if named:
        index = _by_label(state, subjects, named[0])
        if index is not None and index != state.subject:  # "回到客户A，…": the enterprise of that letter
            subjects[state.subject] = _parked(state)
            return _with(state, subjects, index, subjects[index])
        if index is None and not state.subject_label and genre.another_subject.search(parse.reading) is None:
            return replace(state, subject_label=named[0])  # "帮客户A问：…": the enterprise now asked about is A
        if index is None and state.subject_label and (state.goal is not None or state.slots):
            subjects[state.subject] = _parked(state)  # "客户B是服务商…": a letter not heard yet, another enterprise
            subjects.append(None)
            return replace(_with(state, subjects, len(subjects) - 1, _asked_next(state)), subject_label=named[0])
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
        asked = replace(_asked_next(state), label=named[0] if named else "")
        return _with(state, subjects, len(subjects) - 1, asked)
    return state


def _asked_next(state: DialogueState) -> Subject:
    """The same question for the next one ("第二个客户是区级标杆…，这个呢？"): the goal's kind, none of its items."""
    kind = state.goal.kind if state.goal is not None else None
    return Subject({}, Goal(kind, state.goal.policy_id, (), state.goal.turn) if state.goal and kind else None,
                   (), (), False)


def _before(state: DialogueState) -> int:
    """"刚才那家": the enterprise asked about before the current one (the first, when the current one is new)."""
    return state.subject - 1 if state.subject > 0 else 0
