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

This module holds only what is generic to Chinese and to the genre of a funding policy: normalisation, stop words,
the general-language word weights, and the words for "money from the government" (any such policy pays "补贴",
"资助" or "奖励", and a question's choice among them says nothing about which clause answers it). Everything a
particular policy says is data.

A query token also gets a weight (:meth:`Analyzer.weighted_query_tokens`): a single character ("于", "办") is
carried by its bigrams and weighs nothing by itself; a word weighs by how specific it is in general Chinese (the
inverse document frequencies jieba ships for keyword extraction: "情况", "适用", "开始" are everyday words,
"封顶", "歇业" are not); a term of the policy (its vocabulary's terms) weighs double, so "一事一议"
outweighs whatever generic words surround it.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from functools import lru_cache

import jieba

from assistant.retrieval.vocabulary import Vocabulary

_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "么",
        "嘛",
        "是",
        "有",
        "在",
        "和",
        "与",
        "及",
        "或",
        "等",
        "对",
        "给",
        "把",
        "被",
        "就",
        "都",
        "也",
        "还",
        "又",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "她",
        "它",
        "这",
        "那",
        "哪",
        "什么",
        "怎么",
        "怎样",
        "如何",
        "多少",
        "几",
        "吗",
        "能",
        "能不能",
        "可以",
        "可不可以",
        "会",
        "要",
        "想",
        "请问",
        "一下",
        "一个",
        "个",
        "这个",
        "那个",
        "哪些",
        "有没有",
        "是不是",
        "the",
        "a",
        "an",
        "of",
        "for",
        "to",
        "in",
        "on",
        "and",
        "or",
        "is",
        "are",
        "be",
        "can",
        "do",
        "does",
        "how",
        "what",
        "which",
        "who",
        "when",
        "much",
        "many",
        "my",
        "our",
        "we",
        "i",
    ]
    # every question here is about "this policy": these words say nothing about which clause answers it
    + ["政策", "这个政策", "本政策", "该政策", "文件", "规定"]
)
#: Words for "money from the government" (the genre's, not one policy's) are interchangeable in questions ("补贴") and clauses ("资助", "奖励"):
#: each of them also yields one shared concept token, so a question's wording does not pick the clause.
FUNDING_WORDS = frozenset(
    ["补贴", "补助", "资助", "奖励", "奖补", "扶持", "补助资金", "资金补助", "奖金", "资金", "支持资金", "钱"]
)
FUNDING_CONCEPT = "<资助>"

#: Query-token weights. A policy term (one of the vocabulary's terms) weighs TERM_WEIGHT; any other
#: word or bigram weighs by its general-language IDF (jieba's table), rising linearly from MIN_WEIGHT at
#: GENERAL_IDF_LOW (everyday words: 情况 4.0, 开始 3.8, 没有 3.1) to 1 at GENERAL_IDF_HIGH (specific words: 封顶
#: 10.3, 歇业 11.2); a word missing from the table is rare and weighs 1.
TERM_WEIGHT = 2.0
GENERAL_IDF_LOW = 3.0
GENERAL_IDF_HIGH = 7.0
MIN_WEIGHT = 0.2
_CJK = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"[a-z0-9][a-z0-9+.%]*")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _t2s():
    """OpenCC's traditional → simplified converter when the optional ``opencc`` package is installed."""
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:
        return None


@lru_cache(maxsize=1)
def _pinyin():
    """pypinyin's ``lazy_pinyin`` when the optional ``pypinyin`` package is installed."""
    try:
        from pypinyin import lazy_pinyin

        return lazy_pinyin
    except Exception:
        return None


@lru_cache(maxsize=1)
def general_idf() -> dict[str, float]:
    """jieba's general-language IDF table (``jieba/analyse/idf.txt``, ~270 000 words); empty if missing."""
    path = os.path.join(os.path.dirname(jieba.__file__), "analyse", "idf.txt")
    table: dict[str, float] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                word, _, value = line.rstrip().partition(" ")
                if value:
                    table[word] = float(value)
    except OSError:
        pass
    return table


def general_weight(word: str) -> float:
    """How much a word says in general Chinese: MIN_WEIGHT for everyday words … 1 for specific ones."""
    idf = general_idf().get(word)
    if idf is None:
        return 1.0
    ramp = (idf - GENERAL_IDF_LOW) / (GENERAL_IDF_HIGH - GENERAL_IDF_LOW)
    return float(min(1.0, max(MIN_WEIGHT, ramp)))


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, traditional → simplified when OpenCC is available."""
    text = unicodedata.normalize("NFKC", text).lower()
    converter = _t2s()
    return converter.convert(text) if converter is not None else text


@lru_cache(maxsize=8)
def analyzer_for(vocabulary: Vocabulary) -> Analyzer:
    """The analyser of a vocabulary, built once per process (loading jieba's dictionary takes a while)."""
    return Analyzer(vocabulary)


class Analyzer:
    """jieba with the vocabulary's terms, plus character bigrams. One private jieba instance per analyser:
    build it through :func:`analyzer_for`, so each vocabulary initialises jieba once."""

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        vocabulary = vocabulary or Vocabulary()
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self.terms = tuple(dict.fromkeys(normalise(t) for t in vocabulary.terms if t.strip()))
        self._term_set = frozenset(self.terms)
        synonyms: dict[str, list[str]] = {}
        for source, target in vocabulary.synonyms:
            targets = synonyms.setdefault(normalise(source), [])
            if target not in targets:
                targets.append(target)
        #: what a user writes (normalised) → the policy words it stands for, in vocabulary order
        self.synonyms: dict[str, str] = {source: " ".join(targets) for source, targets in synonyms.items()}
        with _lock:
            self._jieba.initialize()
            for term in self.terms:
                self._jieba.add_word(term, freq=200_000)

    def words(self, text: str) -> list[str]:
        """jieba words (search mode: long words and their parts), without punctuation and stop words."""
        with _lock:  # jieba's lazy state is not thread-safe
            pieces = list(self._jieba.cut_for_search(text))
        words = [w for w in (p.strip() for p in pieces) if w and w not in _STOPWORDS and _is_content(w)]
        return words + [FUNDING_CONCEPT for w in words if w in FUNDING_WORDS]

    def content_runs(self, text: str) -> list[str]:
        """The text cut at punctuation and stop words: the runs that bigrams are taken from."""
        with _lock:
            pieces = list(self._jieba.cut(text))
        runs: list[str] = []
        current = ""
        for piece in pieces:
            if piece.strip() and piece not in _STOPWORDS and _CJK.fullmatch(piece):
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
        """The query's tokens with their weights (see the module docstring)."""
        norm = self.expand_query(normalise(query))
        words = [(w, self.word_weight(w)) for w in self.words(norm)]
        runs = " ".join(self.content_runs(norm))
        grams = bigrams(runs)
        gram_weights = [self.word_weight(g[1:]) for g in grams]
        syllables = pinyin_bigrams(runs)
        # a pinyin bigram stands for the character bigram at the same place (both skip the same run breaks)
        pinyin = list(zip(syllables, gram_weights, strict=True)) if len(syllables) == len(grams) else []
        return words + list(zip(grams, gram_weights, strict=True)) + pinyin

    def word_weight(self, word: str) -> float:
        if word == FUNDING_CONCEPT:
            return 1.0
        if word in FUNDING_WORDS:
            return MIN_WEIGHT  # mostly carried by FUNDING_CONCEPT: "补贴" must not pick the one clause saying "补贴"
        if word in self._term_set:
            return TERM_WEIGHT
        if len(word) == 1 and _CJK.fullmatch(word):
            return 0.0
        return general_weight(word)

    def expand_query(self, norm_query: str) -> str:
        """The (normalised) query followed by the policy words its abbreviations and English terms stand for. A
        Chinese abbreviation also matches when typed as a homophone ("归上" for "规上")."""
        query_pinyin = _pinyin_string(norm_query)
        extra = [
            target for source, target in self.synonyms.items() if _contains(norm_query, query_pinyin, source)
        ]
        return f"{norm_query} {' '.join(extra)}" if extra else norm_query


def _contains(text: str, text_pinyin: str | None, source: str) -> bool:
    if source.isascii():
        return re.search(rf"(?<![a-z]){re.escape(source)}(?![a-z])", text) is not None
    if source in text:
        return True
    if not text_pinyin:
        return False
    key = _pinyin_string(source)
    return key is not None and key.removesuffix("| ") in text_pinyin


@lru_cache(maxsize=4096)
def _pinyin_string(text: str) -> str | None:
    """' gui shang ' for '规上' (space-delimited syllables of the CJK characters), None without pypinyin."""
    lazy_pinyin = _pinyin()
    if lazy_pinyin is None:
        return None
    syllables = [s for run in _CJK.findall(text) for s in (*lazy_pinyin(run), "|")]
    return " " + " ".join(syllables) + " "


def pinyin_bigrams(norm_text: str) -> list[str]:
    """Pinyin syllable bigrams within each CJK run (``@gui_shang``); empty without pypinyin."""
    lazy_pinyin = _pinyin()
    if lazy_pinyin is None:
        return []
    grams: list[str] = []
    for run in _CJK.findall(norm_text):
        syllables = lazy_pinyin(run)
        grams.extend(f"@{syllables[i]}_{syllables[i + 1]}" for i in range(len(syllables) - 1))
    return grams


def is_word(token: str) -> bool:
    """A word token (not a character/pinyin bigram or a concept token)."""
    return not token.startswith(("#", "@", "<"))


def _is_content(word: str) -> bool:
    return bool(_CJK.search(word) or _LATIN.fullmatch(word))


def bigrams(norm_text: str) -> list[str]:
    """Character bigrams within each CJK run, prefixed with ``#`` so they never collide with words."""
    grams: list[str] = []
    for run in _CJK.findall(norm_text):
        grams.extend(f"#{run[i : i + 2]}" for i in range(len(run) - 1))
    return grams
