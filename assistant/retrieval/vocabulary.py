"""The corpus's retrieval vocabulary: the words jieba must keep whole, the query words that stand for them, and the
*senses* a caller's everyday words point to.

A policy's own vocabulary is data, not code. It comes from four places, merged:

* ``corpus/<policy-id>/retrieval.yaml`` for every policy (its sections are documented at the top of that file):
  ``terms`` the tokenizer keeps whole, ``synonyms`` that expand a query ("规上" → "规模以上"), and ``senses``: the
  ways callers ask about one thing the policy says, tied to the clauses that say it (a sense, not a shared word,
  so "市里已经补过" points to the clause on 上级补助 and not to every clause saying 补助). A policy without the
  file contributes nothing from it; a malformed file raises :class:`~assistant.errors.DataError`.
* the policy's region from ``meta.yaml`` ("嘉定区"),
* every phrase the policy itself puts in quotation marks (“两化”, “一事一议”),
* ``assistant/retrieval/genre.yaml``: the words of the genre (any support policy has a validity clause, a purpose,
  supplementary provisions, …; English words of the genre), whose senses find their clause by anchor words in
  the clause text ("有效期") rather than by clause id.

The vocabulary shapes only the in-memory lexical index and the query; the Chroma index holds the clause texts'
vectors, which no word list changes, so the vocabulary is not part of its content hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from assistant.corpus import Corpus, Policy
from assistant.retrieval.parts import PART_SECTIONS, PartWords
from assistant.retrieval.places import KINDS
from assistant.retrieval.sense import PLACE, Sense
from assistant.retrieval.vocabulary_file import (
    load_sections,
    place_senses,
    read_senses,
    read_synonyms,
    strings,
)

RETRIEVAL_FILE = "retrieval.yaml"
GENRE_FILE = Path(__file__).with_name("genre.yaml")
_SECTIONS = ("terms", "synonyms", "senses")
_GENRE_SECTIONS = ("stopwords", "idioms", "negators", "negation_ends", "funding_words", "own_area", *PART_SECTIONS, "synonyms", "senses", "places", "place_positions")
_BRACKETED = re.compile(r"[（(][^（()）]+[）)]")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,20})[”\"」』]")


@dataclass(frozen=True)
class Vocabulary:
    """Terms, query synonyms and senses, in file order (hashable, so an analyser can be cached per vocabulary)."""

    terms: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()
    """(what a user writes, the policy's words it stands for), the words separated by spaces."""
    senses: tuple[Sense, ...] = ()
    stopwords: tuple[str, ...] = ()
    """Words that say nothing about which clause answers (the genre file's)."""
    idioms: tuple[str, ...] = ()
    """Everyday phrases that share a word with the documents in another sense ("有没有办法": is there a way, not
    本办法, this document): taken out of a question before it is cut."""
    negators: tuple[str, ...] = ()
    negation_ends: tuple[str, ...] = ()
    """Words that set a mention aside ("不是贯标那条") and close it (:mod:`assistant.retrieval.negation`)."""
    funding_words: tuple[str, ...] = ()
    """The genre's words for "money from the government" (补贴, 资助, 奖励…), interchangeable in questions."""
    own_area: tuple[str, ...] = ()
    """The genre's words for a policy's own area ("本区"), which a caller says by the region's name."""
    parts: PartWords = PartWords()
    """The words of questions about a part of a policy rather than one item (:mod:`assistant.retrieval.parts`)."""

    def merged(self, other: Vocabulary) -> Vocabulary:
        """Both vocabularies: terms once each; a synonym both define expands to both targets, each word once (the
        genre's "certification: 认证" and a policy's "certification: 认证 贯标" give "认证 贯标", not 认证 twice)."""
        targets: dict[str, list[str]] = {}
        for source, target in (*self.synonyms, *other.synonyms):
            seen = targets.setdefault(source, [])
            seen.extend(word for word in target.split() if word not in seen)
        return Vocabulary(
            terms=tuple(dict.fromkeys((*self.terms, *other.terms))),
            synonyms=tuple((source, " ".join(words)) for source, words in targets.items()),
            senses=tuple(dict.fromkeys((*self.senses, *other.senses))),
            stopwords=tuple(dict.fromkeys((*self.stopwords, *other.stopwords))),
            idioms=tuple(dict.fromkeys((*self.idioms, *other.idioms))),
            negators=tuple(dict.fromkeys((*self.negators, *other.negators))),
            negation_ends=tuple(dict.fromkeys((*self.negation_ends, *other.negation_ends))),
            funding_words=tuple(dict.fromkeys((*self.funding_words, *other.funding_words))),
            own_area=tuple(dict.fromkeys((*self.own_area, *other.own_area))),
            parts=self.parts.merged(other.parts),
        )


def quoted_terms(text: str) -> list[str]:
    """Phrases a policy puts in quotation marks (“两化”, “一事一议”), split at 、."""
    terms: list[str] = []
    for match in _QUOTED.finditer(text):
        terms.extend(part.strip() for part in re.split(r"[、，,]", match.group(1)) if len(part.strip()) >= 2)
    return terms


def _outline(policy: Policy) -> tuple[Sense, ...]:
    """Parts named by their own outline number ("二（一）这一小节", "二(三)下面几条"): a place carried by that part
    alone. Only numbers with a bracketed level — a bare "二" is any 二 of a question."""
    out = []
    for clause in policy.clauses:
        cid = clause.clause_id
        if clause.kind in KINDS and _BRACKETED.search(cid):
            plain = cid.replace("（", "(").replace("）", ")")
            said = tuple(dict.fromkeys((cid, plain, cid.replace("（", "、（", 1), plain.replace("(", "、(", 1))))
            out.append(Sense(f"{PLACE}outline {cid}", said, policy.policy_id, (cid,), number="outline"))
    return tuple(out)


def policy_vocabulary(policy: Policy, folder: Path) -> Vocabulary:
    """One policy's vocabulary: its ``retrieval.yaml`` (if any), its region, its quoted phrases and its parts'
    outline numbers."""
    region = policy.meta.region
    from_text = Vocabulary(terms=tuple(t for t in (region, *quoted_terms(policy.text)) if t),
                           synonyms=_own_area(region, genre_vocabulary().own_area), senses=_outline(policy))
    return read_vocabulary(folder / RETRIEVAL_FILE, policy_id=policy.policy_id).merged(from_text)


def _own_area(region: str | None, words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """A district's policy calls its own area by the genre's ``words`` ("工商注册和税务登记均在本区"); a caller names it
    ("执照在嘉定"): the region's name, with and without 区 (浦东新区: 浦东), also stands for them."""
    short = region.removesuffix("新区").removesuffix("区") if region else ""
    if not region or short == region or len(short) < 2 or not words:
        return ()
    return ((region, " ".join(words)), (short, " ".join(words)))


def corpus_vocabulary(corpus: Corpus | Iterable[Policy], root: Path | None = None) -> Vocabulary:
    """The genre's vocabulary merged with every policy's (in the corpus's order)."""
    vocabulary = genre_vocabulary()
    base = corpus.root if isinstance(corpus, Corpus) else root
    for policy in corpus:
        folder = (base / policy.policy_id) if base is not None else Path("/nonexistent")
        vocabulary = vocabulary.merged(policy_vocabulary(policy, folder))
    return vocabulary


@lru_cache(maxsize=1)
def genre_vocabulary(path: Path = GENRE_FILE) -> Vocabulary:
    """The genre's words (``assistant/retrieval/genre.yaml``): stop words, funding words, synonyms, senses."""
    data = load_sections(path, _GENRE_SECTIONS)
    return Vocabulary(
        synonyms=tuple(read_synonyms(data.get("synonyms"), path)),
        senses=(*read_senses(data.get("senses"), path, policy_id=None), *place_senses(data.get("places"), data.get("place_positions"), path)),
        stopwords=tuple(strings(data.get("stopwords"), path, "stopwords")),
        idioms=tuple(strings(data.get("idioms"), path, "idioms")),
        negators=tuple(strings(data.get("negators"), path, "negators")),
        negation_ends=tuple(strings(data.get("negation_ends"), path, "negation_ends")),
        funding_words=tuple(strings(data.get("funding_words"), path, "funding_words")),
        own_area=tuple(strings(data.get("own_area"), path, "own_area")),
        parts=PartWords(*(tuple(strings(data.get(name), path, name)) for name in PART_SECTIONS)),
    )


def read_vocabulary(path: Path, policy_id: str | None = None) -> Vocabulary:
    """Read one ``retrieval.yaml``; a missing file is an empty vocabulary, a malformed one a DataError."""
    if not path.is_file():
        return Vocabulary()
    data = load_sections(path, _SECTIONS)
    return Vocabulary(
        terms=tuple(strings(data.get("terms"), path)),
        synonyms=tuple(read_synonyms(data.get("synonyms"), path)),
        senses=tuple(read_senses(data.get("senses"), path, policy_id=policy_id or path.parent.name)),
    )


@cache
def place_tokens(vocabulary: Vocabulary) -> frozenset[str]:
    """The tokens of the vocabulary's place senses ("第二大类", "第3部分")."""
    return frozenset(s.token for s in vocabulary.senses if s.is_place)
