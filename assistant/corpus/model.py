"""Data types of the corpus: a policy's metadata, and its clauses with stable ids.

A clause id is stable across re-ingestion: ``preamble``; sections by their numeral (``一``);
subsections by section + numeral (``二（一）``); numbered items by their number (``5``), which is how the
policy itself refers to them ("第5条"). Deeper levels append their own marker (``5（1）``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

ClauseKind = Literal["preamble", "chapter", "section", "subsection", "article", "item", "subitem"]

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Clause:
    """One structural unit of a policy text, with its exact text and offsets in the clean text."""

    policy_id: str
    clause_id: str
    """Stable id: 'preamble', '一', '二（一）', '5', …"""
    kind: ClauseKind
    number: str
    """The marker's number as written: '二', '（一）' → '一', '5', '第三条' → '三'."""
    title: str
    """Short title: a heading's text, or an item's first sentence ('推广工业互联网创新应用及标杆建设')."""
    label: str
    """Display label: '第5条' for items/articles, '一、支持对象' for sections, '（二）…' for subsections."""
    heading: str
    """The heading as written at the start of the clause ('5、推广工业互联网创新应用及标杆建设')."""
    path: tuple[str, ...]
    """Parent chain of headings, ending with this clause's own heading."""
    parent_id: str | None
    text: str
    """Exact text of the clause in the clean text: clean_text[start:end]. For a section or subsection
    this is the heading line plus any lead text before its first child; children have their own."""
    start: int
    end: int

    @property
    def path_str(self) -> str:
        return PATH_SEPARATOR.join(self.path)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = list(self.path)
        d["path_str"] = self.path_str
        return d


@dataclass(frozen=True)
class PolicyMeta:
    """Metadata of one policy, stored as ``meta.yaml`` in its corpus folder."""

    policy_id: str
    title: str
    issuer: str
    region: str
    source: str
    published: date
    effective_from: date
    effective_from_text: str
    """As the text says it ('自发布之日起')."""
    valid_until: date | None
    valid_until_clause: str | None
    """Clause id that sets the validity ('16')."""
    upstream: tuple[str, ...] = ()
    """Upstream documents named in the preamble, with their 《》."""
    interpreter: str | None = None
    """Who interprets the policy (from its own text)."""
    region_parent: str | None = None
    """The region that contains ``region`` ('上海市' for '嘉定区'), as the page names it."""
    short_title: str | None = None
    """How answers name the policy; the title when not set."""

    @property
    def name(self) -> str:
        """The short title, for answers and notices."""
        return self.short_title or self.title

    @property
    def validity_clause(self) -> str | None:
        """The clause that states the policy's dates."""
        return self.valid_until_clause

    def in_force(self, as_of: date) -> bool:
        """Whether the policy is in force on ``as_of`` (valid_until inclusive)."""
        if as_of < self.effective_from:
            return False
        return self.valid_until is None or as_of <= self.valid_until

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("published", "effective_from", "valid_until"):
            d[key] = d[key].isoformat() if d[key] else None
        d["upstream"] = list(self.upstream)
        return d


@dataclass(frozen=True)
class Policy:
    """A policy: metadata, clean text and its clauses in document order."""

    meta: PolicyMeta
    text: str
    clauses: tuple[Clause, ...]
    folder: Path | None = None
    """The policy's folder (``corpus/<id>/``): rules.yaml, lexicon.yaml and the rest live there."""
    _by_id: dict[str, Clause] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({c.clause_id: c for c in self.clauses})

    @property
    def policy_id(self) -> str:
        return self.meta.policy_id

    def clause(self, clause_id: str) -> Clause:
        from assistant.errors import ClauseNotFound

        try:
            return self._by_id[clause_id]
        except KeyError:
            raise ClauseNotFound(f"《{self.meta.title}》没有编号为“{clause_id}”的条款。") from None

    def resolve_clause(self, text: str) -> Clause | None:
        """The clause people mean by ``text``: an id ("5", "二（一）"), a label in any numbering
        ("第三条", "第3条", "3", "三", "第5项"), a heading ("一、支持对象") or a section title ("附则");
        None when nothing or more than one clause fits."""
        from assistant.corpus.labels import resolve_clause

        return resolve_clause(self.clauses, text)

    def has_clause(self, clause_id: str) -> bool:
        return clause_id in self._by_id

    def children(self, clause_id: str | None) -> list[Clause]:
        return [c for c in self.clauses if c.parent_id == clause_id]

    def ancestors(self, clause_id: str) -> list[Clause]:
        """Ancestors from the top down, not including the clause itself."""
        chain: list[Clause] = []
        parent = self.clause(clause_id).parent_id
        while parent is not None:
            chain.append(self._by_id[parent])
            parent = self._by_id[parent].parent_id
        return list(reversed(chain))
