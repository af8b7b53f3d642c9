"""The companies of a group a message names as who applies ("那要是直接用母公司报呢", "我们浦东的母公司能申请吗").

A group's companies are separate applicants: each is judged on its own registration, tax and operation. The NLU
only reads what one message says — each role named (the genre's ``applicant_role``), whether it is asked about as
the applicant, the place said right before it ("浦东的母公司") and the facts that place gives, read as the genre's
``applicant_place_says`` with the policy's own fact words. Which company the conversation is about is the
tracker's (:mod:`assistant.dialogue.applicants`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.nlu.facts import read_facts
from assistant.nlu.genre import Genre
from assistant.nlu.vocabulary import Catalog


@dataclass(frozen=True)
class ApplicantMention:
    """One of a group's companies named in a message."""

    role: str
    """The role's name in the genre ("parent", "subsidiary", "branch")."""
    start: int
    asked: bool
    """Asked about as the one that applies ("用母公司报", "母公司能申请吗", "那母公司呢")."""
    place: str | None = None
    facts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Policy id → the facts its place gives ("浦东的母公司": not registered in the policy's region)."""


def find_applicants(text: str, genre: Genre, catalog: Catalog, covered: Iterable[str]) -> tuple[ApplicantMention, ...]:
    """The group's companies ``text`` names, in order (``covered``: the places the loaded policies cover)."""
    places = sorted({*genre.places, *covered}, key=len, reverse=True)
    before = re.compile("(?P<place>" + "|".join(map(re.escape, places)) + ")" + genre.applicant_place_before.pattern
                        + "$") if places else None
    out: list[ApplicantMention] = []
    for m in genre.applicant_role.finditer(text):
        role = m.lastgroup or ""
        head = text[: m.start()]
        asked = bool(genre.applicant_asked_before.search(head) or genre.applicant_asked_after.search(text[m.end():]))
        said = before.search(head) if before is not None else None
        place = said.group("place") if said else None
        out.append(ApplicantMention(role, m.start(), asked, place, _place_facts(place, genre, catalog, covered)))
    return tuple(out)


def _place_facts(place: str | None, genre: Genre, catalog: Catalog, covered: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The facts each policy's words read from what the place means ("注册在浦东")."""
    if place is None:
        return {}
    said = genre.applicant_place_says.format(place=place)
    elsewhere = [] if any(place in c or c in place for c in covered) else [place]
    out: dict[str, dict[str, Any]] = {}
    for vocab in catalog:
        if vocab.has_rules:
            values = read_facts(said, (), vocab, genre, other_places=elsewhere).values
            if values:
                out[vocab.policy_id] = dict(values)
    return out
