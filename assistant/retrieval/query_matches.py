"""Where a question says a synonym's key or a sense's phrasing: the matches found, the finder that looks for a
key on the question's word boundaries (typed as is, or as a homophone), and the index of every key
(:class:`KeyIndex`).

Split out of :mod:`assistant.retrieval.lexicon` (which re-exports :class:`QueryMatches`); the
:class:`~assistant.retrieval.lexicon.Analyzer` decides which keys to look for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from assistant.retrieval.chinese_text import _CJK, _pinyin, char_pinyin


@dataclass(frozen=True)
class QueryMatches:
    synonyms: tuple[tuple[str, str], ...]
    """(what the user wrote, the words it stands for)."""
    senses: tuple[tuple[str, list[str]], ...]
    """(the phrasing found, the tokens of its senses)."""


def _expanded(norm_query: str, matches: QueryMatches) -> str:
    extra = [target for _, target in matches.synonyms]
    return f"{norm_query} {' '.join(extra)}" if extra else norm_query


@lru_cache(maxsize=4096)
def _english_pattern(key: str) -> str:
    """An English key as whole words; between two of its words one other word may stand ("new national policy"
    says "new policy", "which one applies" says "which applies")."""
    words = key.split()
    gap = r"\s+(?:[a-z0-9'-]+\s+)?"
    # (a key's last word also in the plural: "events" says "event", "subsidies" says "subsidy")
    *head, last = words
    tail = re.escape(last[:-1]) + "(?:y|ies)" if last.endswith("y") else re.escape(last) + "(?:s|es)?"
    return rf"(?<![a-z0-9]){gap.join([*(re.escape(w) for w in head), tail])}(?![a-z0-9])"


def singulars(word: str) -> tuple[str, ...]:
    """An English word and the singular forms it may be the plural of ("events": event; "subsidies": subsidy)."""
    out = [word]
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        out.append(word[:-2])
    if word.endswith("s") and len(word) > 2:
        out.append(word[:-1])
    return tuple(out)


class _Finder:
    """Finds a key in a query on word boundaries: an English key as a whole word or phrase; a Chinese key where
    both its ends fall on jieba's word boundaries, typed as is or as a homophone (same reading per character)."""

    def __init__(self, text: str, bounds: frozenset[int]) -> None:
        self.text = text
        self.bounds = bounds
        self._readings: list[str] | None = None

    def find(self, key: str) -> bool:
        if not key:
            return False
        if key.isascii():
            return re.search(_english_pattern(key), self.text) is not None
        if self._aligned(self.text, key):
            return True
        if len(key) < 2 or not _CJK.fullmatch(key) or _pinyin() is None:
            return False
        if self._readings is None:
            self._readings = [char_pinyin(c) for c in self.text]
        readings = [char_pinyin(c) for c in key]
        n = len(key)
        first = readings[0]
        for i, reading in enumerate(self._readings[: len(self._readings) - n + 1]):
            if reading == first and self._readings[i : i + n] == readings and self._is_span(i, i + n):
                return True
        return False

    def _aligned(self, text: str, key: str) -> bool:
        start = text.find(key)
        while start >= 0:
            if self._is_span(start, start + len(key)):
                return True
            start = text.find(key, start + 1)
        return False

    def _is_span(self, start: int, end: int) -> bool:
        return start in self.bounds and end in self.bounds


#: How a phrasing marks a gap (NFKC turns "…" into "..."): "突破…上限" is "突破" and, a little later in the same
#: clause, "上限" — "突破补助上限", "突破这个上限" — so a verb and its object need not be written side by side.
GAP = "..."
#: The most characters that may stand in a gap.
GAP_MAX = 4


def gapped_patterns(keys: list[str]) -> list[tuple[str, re.Pattern[str]]]:
    """The keys with a gap, each with the pattern that finds it (its parts in order, in one clause)."""
    out = []
    for key in keys:
        parts = [p for p in key.split(GAP) if p]
        if GAP in key and len(parts) >= 2:
            gap = rf"[^，,。；;？?！!\s]{{0,{GAP_MAX}}}"
            out.append((key, re.compile(gap.join(map(re.escape, parts)))))
    return out


_ASCII_WORD = re.compile(r"[a-z0-9]+")
#: Particles a homophone never stands for: "哪些机构建的«thing»" is 建的 (built), not 兼得 (both had).
_PARTICLES = frozenset("的地得了着过吗呢吧啊")


def _typo_of(span: str, key: str) -> bool:
    """Whether ``span``, read the same as ``key``, may be ``key`` mistyped: no particle where they differ."""
    return not any(a != b and (a in _PARTICLES or b in _PARTICLES) for a, b in zip(span, key, strict=False))


class KeyIndex:
    """Every synonym key and sense phrasing (normalised), indexed so a question costs a few dict look-ups, not one
    per key: Chinese keys by themselves and by their reading, English keys by their first word, keys with a gap by
    their pattern."""

    def __init__(self, keys: list[str]) -> None:
        self._gapped = gapped_patterns(keys)  # "突破…上限": parts a few characters apart
        keys = [k for k in keys if GAP not in k]
        self._cjk_keys = frozenset(k for k in keys if _CJK.fullmatch(k))
        self._by_reading: dict[tuple[str, ...], list[str]] = {}
        self._longest_key = max((len(k) for k in self._cjk_keys), default=0)
        self._ascii_by_word: dict[str, list[str]] = {}
        self._other_keys = [k for k in keys if not k.isascii() and k not in self._cjk_keys]
        for key in keys:
            if key.isascii() and (words := _ASCII_WORD.findall(key)):
                self._ascii_by_word.setdefault(words[0], []).append(key)

    def found(self, text: str, bounds: frozenset[int], may_be_typo: Callable[[str], bool]) -> set[str]:
        """The keys ``text`` holds on its word boundaries ``bounds``: a Chinese key as typed or, where
        ``may_be_typo`` allows, as a homophone; an English key as whole words (its last word also plural)."""
        finder = _Finder(text, bounds)
        found: set[str] = set()
        ordered = sorted(bounds)
        readings = [char_pinyin(c) for c in text] if self._by_reading_ready() else None
        for i, start in enumerate(ordered):
            for end in ordered[i + 1 :]:
                if end - start > self._longest_key:
                    break
                span = text[start:end]
                if span in self._cjk_keys:
                    found.add(span)
                if readings is not None and end - start >= 2 and may_be_typo(span):
                    found.update(k for k in self._by_reading.get(tuple(readings[start:end]), ()) if _typo_of(span, k))
        for word in {w for t in _ASCII_WORD.findall(text) for w in singulars(t)}:
            found.update(key for key in self._ascii_by_word.get(word, ()) if finder.find(key))
        found.update(key for key in self._other_keys if finder.find(key))
        found.update(key for key, pattern in self._gapped if pattern.search(text))
        return found

    def _by_reading_ready(self) -> bool:
        """Index the Chinese keys by their reading (once; False without pypinyin)."""
        if _pinyin() is None:
            return False
        if not self._by_reading and self._cjk_keys:
            for key in self._cjk_keys:
                if len(key) >= 2:
                    self._by_reading.setdefault(tuple(char_pinyin(c) for c in key), []).append(key)
        return True
