"""Questions about a part of a policy (a section or subsection over items) rather than one item: which part a
question names, places, lists or groups, and the words that say so.

The lexical and dense halves score clauses one by one, and an item's own words usually outscore the heading of the
part it sits in; these rules, applied to the first hits of a hybrid search, put the part first when the question
asks about the part: named by its heading (:func:`prefer_named_part`), pointed at by its number
(:func:`prefer_placed_part`), by several of its items (:func:`prefer_common_part`, :func:`whole_part`), or by a
word for a group of items (:func:`group_of_first`). The words are the genre's data (``genre.yaml``:
:class:`PartWords`), not code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from assistant.retrieval.hits import Hit

#: The genre file's sections of part-question words, in :class:`PartWords`' field order.
PART_SECTIONS = ("list_words", "which_part", "group_words", "item_words")


@dataclass(frozen=True)
class PartWords:
    """The genre's words of questions about parts."""

    list_words: tuple[str, ...] = ()
    """Words that ask for a list of things ("哪些", "哪几类", "讲了些什么"): with the items of one part each matching a
    piece of the question, the part is what is asked (:func:`whole_part`)."""
    which_part: tuple[str, ...] = ()
    """Words that ask which part holds the things a question names ("这三条归哪一节"): the part, however unevenly
    the things match."""
    group_words: tuple[str, ...] = ()
    """Words for a group of items ("那一大类", "这一小节", "几项", "总表"): the question is about the group the best
    matching item belongs to (:func:`group_of_first`)."""
    item_words: tuple[str, ...] = ()
    """Words that point at one item ("那一条"): the question is about that item, whatever group it names."""

    def merged(self, other: PartWords) -> PartWords:
        return PartWords(*(tuple(dict.fromkeys((*getattr(self, f.name), *getattr(other, f.name)))) for f in fields(self)))

    def normalised(self, normalise: Callable[[str], str]) -> PartWords:
        return PartWords(*(tuple(normalise(w) for w in getattr(self, f.name)) for f in fields(self)))


def _title_terms(hit: Hit) -> int:
    return sum(1 for term in hit.matched_terms if term in hit.clause.title)


def _own_title_terms(hit: Hit, other: Hit) -> list[str]:
    """The question's words that ``hit``'s title holds and ``other``'s does not."""
    return [t for t in hit.matched_terms if t in hit.clause.title and t not in other.clause.title]


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


def prefer_placed_part(
    hits: list[Hit], places: set[str], parent_of: Callable[[str, str], str | None] = lambda p, c: None, within: int = 3
) -> list[Hit]:
    """A part the question points at by its number ("第二个大类是不是讲服务能力的") wins over an item that matches
    only words the part matches too: among the first ``within`` hits, the part carrying one of the question's
    ``places`` (phrasings) comes first when no hit above it sits inside it (``parent_of``: policy id, clause id →
    the parent's clause id), or when its matched words hold every word of the hits above it. A part placed inside
    another placed part comes before it."""
    if not places:
        return hits
    placed = [h for h in hits[:within] if h.clause.kind in PARTS and places & set(h.matched_terms)]
    hits = _placed_first(hits, places, parent_of, within)
    for child in placed:
        # "第二章的第二节", "第二部分底下的第一小块": a part placed inside another placed part is the one asked about
        parent = [p for p in placed if (p.policy_id, p.clause.clause_id) == (child.policy_id, child.clause.parent_id)]
        if parent and hits.index(parent[0]) < hits.index(child):
            rest = [h for h in hits if h is not child]
            at = rest.index(parent[0])
            return [*rest[:at], child, *rest[at:]]
    return hits


def _placed_first(
    hits: list[Hit], places: set[str], parent_of: Callable[[str, str], str | None], within: int
) -> list[Hit]:
    for i, part in enumerate(hits[:within]):
        if i == 0 or part.clause.kind not in PARTS or not places & set(part.matched_terms):
            continue
        own = set(part.matched_terms)
        # An item of another part above it matched the question's other words in another sense ("最后那一小类讲产业
        # 氛围和配套的": 配套 of 资金配套); only an item inside the placed part is asked about through it ("第二大类里的
        # 服务商补多少").
        inside = any(_inside(h, part, parent_of) for h in hits[:i])
        # a part placed too ranks above it ("第三部分的第二节", no such part): the words decide, as below
        placed_above = any(h.clause.kind in PARTS and places & set(h.matched_terms) for h in hits[:i])
        if not (inside or placed_above) or all(set(h.matched_terms) <= own for h in hits[:i]):
            return [part, *hits[:i], *hits[i + 1 :]]
    return hits


def _inside(hit: Hit, part: Hit, parent_of: Callable[[str, str], str | None]) -> bool:
    """Whether ``hit`` sits under ``part`` (its child, or a child of one of its parts, …)."""
    if hit.policy_id != part.policy_id:
        return False
    parent = hit.clause.parent_id
    while parent is not None:
        if parent == part.clause.clause_id:
            return True
        parent = parent_of(hit.policy_id, parent)
    return False


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
    # Two of its own parts first, each named by a word of its own title ("企业建设、服务能力、生态三块都在哪章"):
    # the part above them is asked about.
    first, second = top[0], top[1]
    if first.clause.kind in PARTS and second.clause.kind in PARTS and first.policy_id == second.policy_id \
            and first.clause.parent_id is not None and first.clause.parent_id == second.clause.parent_id \
            and _own_title_terms(first, second) and _own_title_terms(second, first):
        return first.policy_id, first.clause.parent_id
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


def group_of_first(hits: list[Hit], words: PartWords, norm: str) -> tuple[str, str] | None:
    """The part a question about a group of items asks about ("提升服务水平那一大类里都有哪些可以申请",
    "企业建设类奖补", "跟院所合作、办大赛、搞培训是不是都归在同一大类里"): when the (normalised) question holds a
    word for a group and none pointing at one item, and the first hit is an item, the part it sits in —
    (policy id, its clause id). The item's own words are the question's best evidence of which group it means."""
    if not hits or hits[0].clause.kind in PARTS or hits[0].clause.parent_id is None:
        return None
    if not any(w in norm for w in words.group_words) or any(w in norm for w in words.item_words):
        return None
    return hits[0].policy_id, hits[0].clause.parent_id


def asked_part(hits: list[Hit], words: PartWords, norm: str, places: set[str]) -> tuple[str, str] | None:
    """The part a question asks about as a whole, if any — (policy id, its clause id): the part holding the several
    items it names (:func:`whole_part`; "这三条归哪一节": however unevenly they match), else the group of the best
    matching item (:func:`group_of_first`) unless the question places a part by its number (already first)."""
    which = any(w in norm for w in words.which_part)
    asks_list = which or any(w in norm for w in words.list_words)
    part = whole_part(hits, asks_list, 0.0 if which else WHOLE_PART_SPREAD)
    if part is None and not places:
        part = group_of_first(hits, words, norm)
    return part
