"""What is generic to written Chinese, for the lexical half: normalisation, character readings, the
general-language word weights, and the character and pinyin bigrams of a text.

Split out of :mod:`assistant.retrieval.lexicon` (which re-exports every name here); nothing in this module knows
the genre or a policy.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

import jieba

from assistant.errors import AmountError
from assistant.rules.money import parse_amount

#: A word weighs by its general-language IDF (jieba's table), rising linearly from MIN_WEIGHT at GENERAL_IDF_LOW
#: (everyday words: 情况 4.0, 开始 3.8, 没有 3.1) to 1 at GENERAL_IDF_HIGH (specific words: 封顶 10.3, 歇业 11.2);
#: a word missing from the table is rare and weighs 1 (see :func:`general_weight`).
GENERAL_IDF_LOW = 3.0
GENERAL_IDF_HIGH = 7.0
MIN_WEIGHT = 0.2
_CJK = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"[a-z0-9][a-z0-9+.%]*")


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


@lru_cache(maxsize=65536)
def char_pinyin(char: str) -> str:
    """The reading of one character (its most common one; a homophone typo is typed by a single reading), or
    the character itself when it is not CJK or pypinyin is missing."""
    lazy_pinyin = _pinyin()
    if lazy_pinyin is None or not _CJK.fullmatch(char):
        return char
    return str(lazy_pinyin(char)[0])


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


_UNIT_YUAN = {"万": 10_000, "亿": 100_000_000}
#: An amount in Chinese numerals before 万/亿 ("一千万", "两百万"), not inside a longer numeral.
_CN_AMOUNT = re.compile(r"(?<![零〇一二两三四五六七八九十百千])([一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*)(?=[万亿])(.)")


def arabic_amounts(norm_text: str) -> list[str]:
    """The amounts a question writes in Chinese numerals, as policies write them ("最多给一千万的" → "1000万"): a
    caller says the figure, the clause prints it in digits, and the two must meet as one word. Read by the
    calculator's own amount reader (:func:`assistant.rules.money.parse_amount`)."""
    found: list[str] = []
    for m in _CN_AMOUNT.finditer(norm_text):
        try:
            yuan = parse_amount(m.group(0))
        except AmountError:
            continue
        unit = _UNIT_YUAN[m.group(2)]
        if yuan % unit == 0:
            found.append(f"{yuan // unit}{m.group(2)}")
    return found


def pinyin_bigrams(norm_text: str) -> list[str]:
    """Pinyin syllable bigrams within each CJK run (``@gui_shang``); empty without pypinyin. Each character is
    read alone (its most common reading), as a pinyin input method's homophone typo is."""
    if _pinyin() is None:
        return []
    grams: list[str] = []
    for run in _CJK.findall(norm_text):
        syllables = [char_pinyin(c) for c in run]
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
