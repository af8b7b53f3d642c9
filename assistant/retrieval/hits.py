"""What a search returns: one :class:`Hit` per retrieved clause, with its score, whether its policy is in force
on the search's date, its lexical evidence, and its rank and raw score in each ranking.

Part of :mod:`assistant.retrieval.retriever`, which re-exports :class:`Hit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.corpus import Clause


@dataclass(frozen=True)
class Hit:
    """One retrieved clause."""

    clause: Clause
    score: float
    """The ranking score of the method (hybrid: the fused score)."""
    in_force: bool
    """Whether the clause's policy is in force on the search's as-of date."""
    valid_until: date | None
    matched_terms: tuple[str, ...]
    """The lexical evidence, longest first: query words found in the clause (a synonym's policy word counts), and
    then the question's phrasings of a sense the clause carries ("作废" for the validity clause)."""
    ranks: dict[str, int | None] = field(default_factory=dict)
    """1-based rank of the clause in each ranking ('bm25', 'dense'); None where it was not ranked."""
    scores: dict[str, float] = field(default_factory=dict)
    """Raw scores: 'bm25' (BM25), 'bm25_words' (BM25 of whole words only), 'dense' (cosine of best chunk),
    'learned' (hybrid: the learned reranker's share of the score)."""

    @property
    def clause_id(self) -> str:
        return self.clause.clause_id

    @property
    def policy_id(self) -> str:
        return self.clause.policy_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.clause.policy_id,
            "clause_id": self.clause.clause_id,
            "label": self.clause.label,
            "title": self.clause.title,
            "path": self.clause.path_str,
            "score": round(self.score, 6),
            "in_force": self.in_force,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "matched_terms": list(self.matched_terms),
            "ranks": dict(self.ranks),
            "scores": {key: round(value, 4) for key, value in self.scores.items()},
        }


def _title_terms(hit: Hit) -> int:
    return sum(1 for term in hit.matched_terms if term in hit.clause.title)


#: Clause kinds that are parts of a policy (headings over items), not items.
PARTS = ("section", "subsection", "chapter")


def prefer_named_part(hits: list[Hit], within: int = 3) -> list[Hit]:
    """A part named by its own heading wins over the section it belongs to ("创新生态体系建设的支持范围有哪些":
    （三）支持工业互联网创新生态体系建设, not 二、支持范围及标准, whose context merely repeats its parts' headings).

    When the first hit has a child among the first ``within`` whose title holds at least two of the question's
    matched words, and more of them than the first hit's own title, the child comes first."""
    if len(hits) < 2:
        return hits
    top = hits[0]
    for i, hit in enumerate(hits[1:within], start=1):
        child = hit.clause.parent_id == top.clause.clause_id and hit.policy_id == top.policy_id
        if child and hit.clause.kind in PARTS and _title_terms(hit) >= 2 and _title_terms(hit) > _title_terms(top):
            return [hit, *hits[:i], *hits[i + 1 :]]
    return hits


def prefer_placed_part(hits: list[Hit], places: set[str], within: int = 3) -> list[Hit]:
    """A part the question points at by its number ("第二个大类是不是讲服务能力的") wins over an item that matches
    only words the part matches too: among the first ``within`` hits, the part carrying one of the question's
    ``places`` (phrasings) comes first when its matched words hold every word of the hits above it. A part placed
    inside another placed part comes before it."""
    if not places:
        return hits
    placed = [h for h in hits[:within] if h.clause.kind in PARTS and places & set(h.matched_terms)]
    for child in placed:
        # "第二章的第二节", "第二部分底下的第一小块": a part placed inside another placed part is the one asked about
        parent = [p for p in placed if (p.policy_id, p.clause.clause_id) == (child.policy_id, child.clause.parent_id)]
        if parent and hits.index(parent[0]) < hits.index(child):
            rest = [h for h in hits if h is not child]
            at = rest.index(parent[0])
            return [*rest[:at], child, *rest[at:]]
    for i, part in enumerate(hits[:within]):
        if i == 0 or part.clause.kind not in PARTS or not places & set(part.matched_terms):
            continue
        own = set(part.matched_terms)
        if all(set(h.matched_terms) <= own for h in hits[:i]):
            return [part, *hits[:i], *hits[i + 1 :]]
    return hits


def prefer_common_part(hits: list[Hit], within: int = 4) -> list[Hit]:
    """A part asked about by naming several of its items ("标杆项目、标识解析、服务商这几项归在哪一大类") wins over
    each item: a heading-only part among the first ``within`` hits comes first when every hit above it is one of its
    own parts, at least two of them share a matched word with it, and it matches a word none of them does (the
    question's word for a part: "几项", "有哪几条")."""
    for i, part in enumerate(hits[:within]):
        if i < 2 or part.clause.kind not in PARTS:
            continue
        above = hits[:i]
        own = [h for h in above if h.policy_id == part.policy_id and h.clause.parent_id == part.clause.clause_id]
        carried = [h for h in own if set(h.matched_terms) & set(part.matched_terms)]
        theirs = {t for h in above for t in h.matched_terms}
        extra = [t for t in part.matched_terms if not any(t in u for u in theirs)]  # not '规模' of '规模以上'
        if len(own) == len(above) and len(carried) >= 2 and extra:
            return [part, *above, *hits[i + 1 :]]
    return hits


#: The second item's score must be this close to the first's for the question to be about their part as a whole.
WHOLE_PART_SPREAD = 0.5


def whole_part(hits: list[Hit], asks_list: bool, spread: float = WHOLE_PART_SPREAD) -> tuple[str, str] | None:
    """The heading-only part a list question asks about ("围绕产业氛围，比如科研机构落地、办会、搞培训，总共给哪些支持"):
    when the first three hits are items of one part, each matching a piece of the question (the first not far ahead: the
    second scores at least ``spread`` of it), the part is asked about as a whole — (policy id, its clause id). So too
    when the part itself is among the first three and the other two are its items."""
    if not asks_list or len(hits) < 3:
        return None
    top = hits[:3]
    # The part itself among them ("7, 二（二）, 5"): the other two, its items, are weighed as above.
    parts = [h for h in top if h.clause.kind in PARTS]
    if len(parts) == 1 and all(h.clause.parent_id == parts[0].clause.clause_id for h in top if h is not parts[0]):
        top = [h for h in top if h is not parts[0]]
    parents = {(h.policy_id, h.clause.parent_id) for h in top}
    if len(parents) != 1 or any(h.clause.kind in PARTS for h in top):
        return None
    (policy_id, parent_id), = parents
    if parent_id is None or top[0].score <= 0 or top[1].score < spread * top[0].score:
        return None
    return policy_id, parent_id
