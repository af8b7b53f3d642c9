"""Tokens for the lexical half: jieba words (with the policies' own terms) plus character bigrams.

Enterprises and hotline staff write "规上奖励", "贯标给多少", "二级节点", "办峰会能补吗", sometimes in traditional
characters or English. So the analyser

* normalises the text (NFKC: full-width → half-width, lower case; traditional → simplified when OpenCC is
  installed),
* cuts it with a private jieba tokenizer that knows the policies' terms (their ``retrieval.yaml``, their region and
  every phrase a policy itself puts in quotation marks, e.g. “两化”, “一事一议”: see
  :mod:`assistant.retrieval.vocabulary`),
* keeps character bigrams of every CJK run, so a rare term still matches when jieba cuts it differently,
* keeps pinyin syllable bigrams (when pypinyin is installed), so a homophone typo from a pinyin input method
  ("惯标", "二级结点", "智能工场") still matches the policy's word,
* and, for queries only, adds the policy words behind common abbreviations and English terms (``规上`` →
  ``规模以上``, ``listing`` → ``上市``; the ``synonyms`` of ``retrieval.yaml``). These are domain vocabulary, not
  per-question rules.

The genre's words (stop words, idioms, the words for "money from the government" — "补贴", "资助", "奖励" say nothing
about which clause answers —, English words, the senses every policy has) are data in ``genre.yaml``; what a policy
says is data in its folder. What is generic to Chinese (normalisation, readings, general-language word weights,
bigrams) lives in :mod:`assistant.retrieval.chinese_text`, the matching of synonyms and senses on a question's word
boundaries in :mod:`assistant.retrieval.query_matches`; this module holds the analyser and re-exports their names.

Abbreviations, English words and senses are matched on word boundaries of the question (jieba's cut, or whole
English words), never inside a word: "项目的补贴" does not contain the word "目的". A sense phrasing found in a
question adds the sense's token (see :class:`~assistant.retrieval.vocabulary.Sense`), carried only by the clauses
of that sense.

A query token also gets a weight (:meth:`Analyzer.weighted_query_tokens`): a single character ("于", "办") is
carried by its bigrams and weighs nothing by itself; a word weighs by how specific it is in general Chinese (the
inverse document frequencies jieba ships for keyword extraction: "情况", "适用", "开始" are everyday words,
"封顶", "歇业" are not); a term of the policy (its vocabulary's terms) weighs TERM_WEIGHT. The lexical index then
scales every weight by the token's specificity *in the clauses* (see :mod:`assistant.retrieval.bm25`), so a
word most clauses share ("工业互联网", "项目") cannot outweigh the one decisive word of a question.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

import jieba

from assistant.retrieval.chinese_text import (
    _CJK,
    MIN_WEIGHT,
    _is_content,
    arabic_amounts,
    bigrams,
    general_weight,
    normalise,
    pinyin_bigrams,
)
from assistant.retrieval.chinese_text import GENERAL_IDF_HIGH as GENERAL_IDF_HIGH
from assistant.retrieval.chinese_text import GENERAL_IDF_LOW as GENERAL_IDF_LOW
from assistant.retrieval.chinese_text import general_idf as general_idf
from assistant.retrieval.chinese_text import is_word as is_word
from assistant.retrieval.negation import negated_pattern, without_negated
from assistant.retrieval.query_matches import KeyIndex, QueryMatches, _expanded
from assistant.retrieval.vocabulary import Vocabulary

#: The concept token every funding word of the genre (genre.yaml ``funding_words``) also yields.
FUNDING_CONCEPT = "<资助>"

#: Query-token weights. A sense a question asks about weighs SENSE_WEIGHT; a policy term (one of the vocabulary's
#: terms) weighs TERM_WEIGHT; any other word or bigram weighs by its general-language IDF, from MIN_WEIGHT for
#: everyday words to 1 for specific ones (see :func:`~assistant.retrieval.chinese_text.general_weight`).
TERM_WEIGHT = 1.5
SENSE_WEIGHT = 2.0
#: jieba frequency of a synonym's key: high enough to be cut whole, below the policy's own terms.
SYNONYM_FREQ = 20_000
#: A span with a homophone in the vocabulary counts as a typo of it only below this jieba frequency
#: (a common word — 北京 34 488 — was meant; a typo is rarely a word — 结点 59, 归上 none).
TYPO_MAX_FREQ = 100
_lock = threading.Lock()


def _inside(key: str, other: str) -> bool:
    """Whether ``key`` is part of ``other``: an English key as whole words, a Chinese key as characters."""
    if key.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", other) is not None
    return key in other


@lru_cache(maxsize=8)
def analyzer_for(vocabulary: Vocabulary) -> Analyzer:
    """The analyser of a vocabulary, built once per process (loading jieba's dictionary takes a while)."""
    return Analyzer(vocabulary)


class Analyzer:
    """jieba with the vocabulary's terms, plus character bigrams. One private jieba instance per analyser:
    build it through :func:`analyzer_for`, so each vocabulary initialises jieba once."""

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        if vocabulary is None:
            from assistant.retrieval.vocabulary import genre_vocabulary

            vocabulary = genre_vocabulary()
        self.vocabulary = vocabulary
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self.stopwords = frozenset(normalise(w) for w in vocabulary.stopwords)
        idioms = sorted({normalise(w) for w in vocabulary.idioms}, key=len, reverse=True)
        self._idioms = re.compile("|".join(map(re.escape, idioms))) if idioms else None
        self._negated = negated_pattern([normalise(w) for w in vocabulary.negators],
                                        [normalise(w) for w in vocabulary.negation_ends])
        self.funding_words = frozenset(normalise(w) for w in vocabulary.funding_words)
        self.parts = vocabulary.parts.normalised(normalise)
        self.terms = tuple(dict.fromkeys(normalise(t) for t in vocabulary.terms if t.strip()))
        self._term_set = frozenset(self.terms)
        synonyms: dict[str, list[str]] = {}
        for source, target in vocabulary.synonyms:
            targets = synonyms.setdefault(normalise(source), [])
            if target not in targets:
                targets.append(target)
        #: what a user writes (normalised) → the policy words it stands for, in vocabulary order
        self.synonyms: dict[str, str] = {source: " ".join(targets) for source, targets in synonyms.items()}
        #: a sense's phrasing (normalised) → the tokens of the senses it asks about
        self.sense_phrasings: dict[str, list[str]] = {}
        for sense in vocabulary.senses:
            for phrasing in sense.phrasings:
                tokens = self.sense_phrasings.setdefault(normalise(phrasing), [])
                if sense.token not in tokens:
                    tokens.append(sense.token)
        # what to look for in a question, indexed so a question costs a few dict look-ups, not one per key
        self._keys = KeyIndex([*self.synonyms, *self.sense_phrasings])
        self._match_cache: dict[str, QueryMatches] = {}
        with _lock:
            self._jieba.initialize()
            for term in self.terms:
                self._jieba.add_word(term, freq=200_000)
            # what callers write for the policy's words is a word too ("科创板", "小升规"), so a question is cut
            # around it and the synonym is found on a word boundary
            for source in self.synonyms:
                if _CJK.fullmatch(source) and source not in self._term_set:
                    self._jieba.add_word(source, freq=SYNONYM_FREQ)

    def words(self, text: str) -> list[str]:
        """jieba words (search mode: long words and their parts), without punctuation and stop words."""
        with _lock:  # jieba's lazy state is not thread-safe
            pieces = list(self._jieba.cut_for_search(text))
        words = [w for w in (p.strip() for p in pieces) if w and w not in self.stopwords and _is_content(w)]
        # search mode yields only a long word's 2- and 3-character parts: a policy term of 4 or more characters
        # inside a longer word (智能工厂 in the quoted “上海市智能工厂”) is added as well
        words += [t for w in words if len(w) > 4 for t in self._inner_terms(w)]
        return words + [FUNDING_CONCEPT for w in words if w in self.funding_words]

    def _inner_terms(self, word: str) -> list[str]:
        """The policy terms of 4 or more characters inside ``word`` (not ``word`` itself)."""
        n = len(word)
        return [
            word[i : i + size]
            for size in range(4, n)
            for i in range(n - size + 1)
            if word[i : i + size] in self._term_set
        ]

    def content_runs(self, text: str) -> list[str]:
        """The text cut at punctuation and stop words: the runs that bigrams are taken from."""
        with _lock:
            pieces = list(self._jieba.cut(text))
        runs: list[str] = []
        current = ""
        for piece in pieces:
            if piece.strip() and piece not in self.stopwords and _CJK.fullmatch(piece):
                current += piece
            else:
                if current:
                    runs.append(current)
                current = ""
        if current:
            runs.append(current)
        return runs

    def tokens(self, text: str) -> list[str]:
        """Tokens of a document: words, ``#``-prefixed character bigrams, ``@``-prefixed pinyin bigrams."""
        norm = normalise(text)
        runs = " ".join(self.content_runs(norm))
        return self.words(norm) + bigrams(runs) + pinyin_bigrams(runs)

    def query_tokens(self, query: str) -> list[str]:
        """Tokens of a query: like :meth:`tokens`, plus the policy words behind abbreviations/English terms."""
        return [t for t, _ in self.weighted_query_tokens(query)]

    def weighted_query_tokens(self, query: str) -> list[tuple[str, float]]:
        """The query's tokens with their weights (see the module docstring), its senses' tokens included."""
        norm = normalise(query)
        norm = self._idioms.sub("，", norm) if self._idioms is not None else norm
        norm = without_negated(norm, self._negated)  # "（不是贯标那条）": not the clause asked about
        matches = self.matches(norm)
        # the question itself, then each synonym's policy words: a key standing for several words shares one
        # word's weight among them ("certification" → 认证 贯标 weighs as one word, not two)
        parts = [(norm, 1.0)] + [(target, 1.0 / max(1, len(target.split()))) for _, target in matches.synonyms]
        parts += [(amount, 1.0) for amount in arabic_amounts(norm)]  # "一千万" meets the clause's "1000万"
        words: list[tuple[str, float]] = []
        grams: list[tuple[str, float]] = []
        pinyin: list[tuple[str, float]] = []
        for text, share in parts:
            words += [(w, share * self.word_weight(w)) for w in self.words(text)]
            runs = " ".join(self.content_runs(text))
            part_grams = bigrams(runs)
            gram_weights = [share * self.word_weight(g[1:]) for g in part_grams]
            grams += zip(part_grams, gram_weights, strict=True)
            syllables = pinyin_bigrams(runs)
            # a pinyin bigram stands for the character bigram at the same place (both skip the same run breaks)
            if len(syllables) == len(part_grams):
                pinyin += zip(syllables, gram_weights, strict=True)
        senses = [(token, SENSE_WEIGHT) for token in dict.fromkeys(t for m in matches.senses for t in m[1])]
        return words + grams + pinyin + senses

    def word_weight(self, word: str) -> float:
        if word == FUNDING_CONCEPT:
            return 1.0
        if word in self.funding_words:
            return MIN_WEIGHT  # mostly carried by FUNDING_CONCEPT: "补贴" must not pick the one clause saying "补贴"
        if word in self._term_set:
            return TERM_WEIGHT
        if len(word) == 1 and _CJK.fullmatch(word):
            return 0.0
        return general_weight(word)

    def expand_query(self, norm_query: str) -> str:
        """The (normalised) query followed by the policy words its abbreviations and English terms stand for. A
        Chinese abbreviation also matches when typed as a homophone ("归上" for "规上")."""
        return _expanded(norm_query, self.matches(norm_query))

    def matches(self, norm_query: str) -> QueryMatches:
        """The synonyms and sense phrasings found in a normalised query, on its word boundaries (cached)."""
        cached = self._match_cache.get(norm_query)
        if cached is not None:
            return cached
        found = self._found_keys(norm_query)
        synonyms = [(source, target) for source, target in self.synonyms.items() if source in found]
        # a key inside a longer key that also matched does not count ("industrial" inside "industrial internet")
        synonyms = [(s, t) for s, t in synonyms if not any(s != o and _inside(s, o) for o, _ in synonyms)]
        hits = [(p, tokens) for p, tokens in self.sense_phrasings.items() if p in found]
        # a phrasing inside a longer phrasing that also matched does not count ("还能" inside "还能申请")
        senses = [(p, t) for p, t in hits if not any(p != q and p in q for q, _ in hits)]
        result = QueryMatches(tuple(synonyms), tuple(senses))
        with _lock:
            if len(self._match_cache) > 4096:
                self._match_cache.clear()
            self._match_cache[norm_query] = result
        return result

    def _found_keys(self, text: str) -> set[str]:
        """Every synonym key and sense phrasing the text holds on word boundaries (a Chinese key also as a
        homophone; an English key as whole words)."""
        return self._keys.found(text, self._boundaries(text), self._may_be_typo)

    def _may_be_typo(self, span: str) -> bool:
        """A homophone is taken for a typo only when what was typed is not itself a common word: "归上" (no word)
        is "规上" mistyped, "北京" is not "背景"."""
        return int(self._jieba.FREQ.get(span, 0) or 0) < TYPO_MAX_FREQ

    def _boundaries(self, text: str) -> frozenset[int]:
        """Where jieba's dictionary words start and end. Without its HMM: the HMM glues unknown characters to
        their neighbours ("刚入统" as one new word), and a caller's slang is exactly what it does not know."""
        with _lock:
            pieces = list(self._jieba.cut(text, HMM=False))
        bounds = {0}
        at = 0
        for piece in pieces:
            at += len(piece)
            bounds.add(at)
        return frozenset(bounds)
