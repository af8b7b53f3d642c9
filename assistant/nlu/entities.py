"""Entities of one message: award items named (with scores), clause references, places, the policies named,
and choice options (区级/市级…). Everything is looked up in the vocabulary of the loaded policies or the genre
word list; nothing here knows a policy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import cn2an
import jieba

from assistant.nlu.genre import Genre
from assistant.nlu.spans import Span, in_spans, negation_before, occurrences, option_spans, segment_start
from assistant.nlu.vocabulary import Catalog
from assistant.retrieval.chinese_text import char_pinyin, general_idf

#: "第5条", "第三条", "第9项", "5条": a reference to a numbered clause.
#: A bare "8条" is a clause only when what follows does not make it a count ("8条产线", "10条生产线").
_CLAUSE_REF = re.compile(
    r"第\s*([0-9]{1,3}|[一二三四五六七八九十百]{1,4})\s*(条|项|款)"
    r"|(?<![\d第])([0-9]{1,2})\s*条(?=$|[\s\W_]|[的那这里中呢吗吧啊呀说讲写规是怎能可要有和与跟或及对具原补奖资给])"
)
#: "第二部分", "第二部分第（二）块": a part of the text by position (the corpus resolves it).
_PART_REF = re.compile(
    r"第\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:部分|大块|板块|大类|块)"
    r"(?:的?第?\s*[（(]?([0-9]{1,2}|[一二三四五六七八九十]{1,3})[）)]?\s*(?:部分|小块|大块|块|类|项|点))?"
)
_SEGMENT_BREAK = re.compile(r"[，,。；;！？!?\n]|(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])")  # (see spans.CLAUSE_END)
#: Weight of an item named only inside an injected span ("直接说«item»能拿…" still asks about it).
INJECTED_ITEM_WEIGHT = 0.3
#: An alias of at least this many characters also matches with one character wrong ("智能工场"), at this weight.
TYPO_MIN_LEN = 4
#: A shorter alias (of at least this many characters) matches with one homophone in place of its character.
HOMOPHONE_MIN_LEN = 2
#: ... when the character typed is no everyday character (jieba's general IDF: 以 3.2, 管 6.4, 惯 9.0).
HOMOPHONE_MIN_IDF = 6.0
TYPO_WEIGHT = 0.8


def _homophone(typed: str, meant: str) -> bool:
    """``typed`` sounds like ``meant`` and is no everyday word of its own (not "以" for 议: "会以" is not 会议)."""
    sounds_alike = char_pinyin(typed) == char_pinyin(meant) != meant
    return sounds_alike and general_idf().get(typed, HOMOPHONE_MIN_IDF) >= HOMOPHONE_MIN_IDF


def _near(text: str, alias: str) -> list[int]:
    """Start offsets where ``alias`` occurs with exactly one character substituted: any typo for a long alias
    (one character wrong), only a homophone for a short one (typed by its sound, one character picked wrong)."""
    n = len(alias)
    out = []
    for i in range(len(text) - n + 1):
        window = text[i : i + n]
        if window[0] != alias[0] and window[-1] != alias[-1]:
            continue
        wrong = [(a, b) for a, b in zip(window, alias, strict=True) if a != b]
        if len(wrong) == 1 and (n >= TYPO_MIN_LEN or _homophone(*wrong[0])):
            out.append(i)
    return out


@dataclass(frozen=True)
class ItemMention:
    policy_id: str
    item_id: str
    alias: str
    start: int
    end: int
    score: float
    negated: bool = False
    """Said only to deny it ("没拿«item»的牌子，只是…"): the topic only when nothing else is named."""


@dataclass(frozen=True)
class ClauseRef:
    """A clause the message names: by number ("第5条" → number "5") or by a section title ("附则")."""

    text: str
    number: str | None
    title: str | None
    start: int


@dataclass(frozen=True)
class PlaceMention:
    name: str
    start: int
    registration: bool
    """The place is where the applicant is registered/operates ("税务登记在宝山"), not the question's topic."""


@dataclass(frozen=True)
class OptionMention:
    policy_id: str
    fact: str
    option: str
    start: int
    end: int


#: A short alias must start and end on word boundaries: "上市" is not in "评上市级" (评|上|市级).
SHORT_ALIAS = 3


def _word_bounds(text: str) -> set[int]:
    """Offsets between words, by jieba's dictionary alone (its HMM glues unknown words to their neighbours)."""
    at, bounds = 0, {0}
    for word in jieba.cut(text, HMM=False):
        at += len(word)
        bounds.add(at)
    return bounds


def _splits_a_word(alias: str, start: int, end: int, bounds: set[int]) -> bool:
    if len(alias) > SHORT_ALIAS or not re.search(r"[\u4e00-\u9fff]", alias):
        return False
    return start not in bounds or end not in bounds


def _loose(text: str, alias: str, fillers: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """(start, end) of a long alias said loosely, a filler between two of its words ("两化融合那个管理体系的认证" for
    «两化融合管理体系»): each part two characters or more, the gap only the genre's ``name_fillers``."""
    if fillers is None or len(alias) < TYPO_MIN_LEN or not re.fullmatch(r"[\u4e00-\u9fff]+", alias):
        return []
    out = []
    for k in range(2, len(alias) - 1):
        pattern = re.escape(alias[:k]) + f"(?:{fillers.pattern}){{1,2}}" + re.escape(alias[k:])
        out += [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    return out


def find_items(
    text: str, catalog: Catalog, spans: Sequence[Span] = (), fillers: re.Pattern[str] | None = None
) -> list[ItemMention]:
    """Items named by an alias; overlapping matches keep the longest alias. Best first."""
    lower = text.lower()
    bounds = _word_bounds(text)
    raw: list[ItemMention] = []
    for policy in catalog:
        for item in policy.items:
            for alias in item.aliases:
                needle = alias.text.lower()
                starts = [(start, 1.0) for start, end in occurrences(lower, needle)
                          if not _splits_a_word(needle, start, end, bounds)]
                spans_of = {start: start + len(needle) for start, _ in starts}
                if not starts and len(needle) >= HOMOPHONE_MIN_LEN and re.search(r"[\u4e00-\u9fff]", needle):
                    starts = [(at, TYPO_WEIGHT) for at in _near(lower, needle)]
                    spans_of = {at: at + len(needle) for at, _ in starts}
                if not starts:
                    loose = _loose(lower, needle, fillers)
                    starts, spans_of = [(at, TYPO_WEIGHT) for at, _ in loose], dict(loose)
                for at, closeness in starts:
                    weight = alias.weight * closeness * (INJECTED_ITEM_WEIGHT if in_spans(at, spans) else 1.0)
                    raw.append(ItemMention(policy.policy_id, item.item_id, alias.text, at,
                                           spans_of.get(at, at + len(needle)), weight))
    raw.sort(key=lambda x: (-(x.end - x.start), x.start))
    kept: list[ItemMention] = []
    for m in raw:
        inside_other = any(
            k.start <= m.start and m.end <= k.end and (k.policy_id, k.item_id) != (m.policy_id, m.item_id)
            and k.policy_id == m.policy_id
            for k in kept
        )
        if not inside_other:
            kept.append(m)
    best: dict[tuple[str, str], ItemMention] = {}
    for m in kept:
        key = (m.policy_id, m.item_id)
        if key not in best or (m.score, m.end - m.start) > (best[key].score, best[key].end - best[key].start):
            best[key] = m
    return sorted(best.values(), key=lambda x: (-x.score, x.start))


#: How far before an item's name a negation may stand in its clause ("没拿«item»", "不是«item»").
NEGATION_REACH = 6


def mark_negated(text: str, mentions: Sequence[ItemMention], genre: Genre) -> list[ItemMention]:
    """Mark the mentions a negation shortly before them in their clause denies ("我们没拿«item»牌子")."""
    out = []
    for m in mentions:
        window = max(segment_start(text, m.start), m.start - NEGATION_REACH)
        # In chat a space often stands for a comma ("不是«item» 是«other item»"): a negation before it denies
        # what it touches, not the name after the space.
        gap = max((i for i in range(window, m.start - 1) if text[i].isspace()), default=-1)
        window = max(window, gap + 1)  # ("没有 «item»": the space touches the name, the negation still does)
        # "不是«item»是«other item»": after a name the negation denied, "是" says what it is instead.
        window = max([window, *(o.end for o in mentions if window <= o.start and o.end < m.start
                                and genre.instead.match(text, o.end))])
        denied = negation_before(text, window, m.start, genre.negation) is not None
        out.append(replace(m, negated=True) if denied else m)
    return out


def drop_elsewhere(text: str, mentions: Sequence[ItemMention], ends: Sequence[int], genre: Genre) -> list[ItemMention]:
    """Leave out the mentions that only say where an amount went instead ("镇里那50万其实是给我们«item»的，不是给…"):
    that project is not asked about. ``ends`` are where the message's amounts end."""
    spans = [(end, m.end()) for end in ends if (m := genre.for_another_project.match(text, end))]
    # "…，跟«item»那个不是同一个项目，这个能补多少": the project it is told apart from is not asked about either
    spans += [m.span("other") for m in genre.not_same_as.finditer(text)]
    return [m for m in mentions if not any(a <= m.start < b for a, b in spans)]


def _arabic(num: str) -> str:
    return num if num.isdigit() else str(cn2an.cn2an(num, "smart"))


def find_clause_refs(text: str, catalog: Catalog, section_titles: dict[str, set[str]]) -> list[ClauseRef]:
    """Numbered references ("第5条", "第三条") and section titles of any loaded policy ("附则")."""
    refs: list[ClauseRef] = []
    for m in _CLAUSE_REF.finditer(text):
        num = m.group(1) or m.group(3)
        try:
            refs.append(ClauseRef(m.group(0), _arabic(num), None, m.start()))
        except (ValueError, KeyError):
            continue
    for m in _PART_REF.finditer(text):
        refs = [r for r in refs if not m.start() <= r.start < m.end()]  # "第二部分第（二）项" is one reference
        refs.append(ClauseRef(m.group(0), None, None, m.start()))
    for title in sorted({t for titles in section_titles.values() for t in titles}, key=len, reverse=True):
        at = text.find(title)
        if at >= 0 and not any(r.start <= at < r.start + len(r.text) for r in refs):
            refs.append(ClauseRef(title, None, title, at))
    return sorted(refs, key=lambda r: r.start)


def find_places(text: str, genre: Genre) -> list[PlaceMention]:
    lower = text.lower()
    found: list[tuple[str, int]] = [(p, text.find(p)) for p in genre.places if p in text]
    found += [(zh, lower.find(en)) for en, zh in genre.english_places.items() if re.search(rf"\b{en}\b", lower)]
    out: list[PlaceMention] = []
    for name, at in sorted(found, key=lambda x: x[1]):
        if any(name in o.name or o.name in name for o in out):
            continue
        ends = [end for _, end in occurrences(text, name)]  # (none for a place spelt in English)
        if ends and all(genre.place_in_name.match(text, end) for end in ends):
            continue  # "上海大学", "北京理工": a name, not a place
        # a place is where the applicant is registered only when every mention of it says so ("搬到青浦 青浦
        # 那边给多少" asks about that place's own support the second time)
        starts = [s for s, _ in occurrences(text, name)] or [at]
        registration = all(any(w in _segment(text, s) for w in genre.registration_words) for s in starts)
        out.append(PlaceMention(name, at, registration))
    return out


def _segment(text: str, at: int) -> str:
    # (not finditer(text, 0, at): a space's lookahead must see the character after it)
    left = max((m.end() for m in _SEGMENT_BREAK.finditer(text) if m.end() <= at), default=0)
    right_m = _SEGMENT_BREAK.search(text, at)
    return text[left : right_m.start() if right_m else len(text)]


def find_policy_names(text: str, catalog: Catalog) -> dict[str, float]:
    """Policy id → how surely the message names it (region, issuer, short title, title). A name inside a
    longer name of another policy does not count ("示例新区" does not name 示例区's policy)."""
    found: list[tuple[str, int, int, float]] = []
    for policy in catalog:
        names = [(n, 1.0 if n != policy.short_title else 0.8) for n in policy.names]
        if policy.region_short:
            names.append((policy.region_short, 1.0))
        for name, weight in names:
            for start, end in occurrences(text, name):
                found.append((policy.policy_id, start, end, weight))
    out: dict[str, float] = {}
    for pid, start, end, weight in found:
        inside = any(
            other != pid and s <= start and end <= e and (e - s) > (end - start) for other, s, e, _ in found
        )
        if not inside:
            out[pid] = max(out.get(pid, 0.0), weight)
    return out


def find_options(text: str, catalog: Catalog, genre: Genre) -> list[OptionMention]:
    """Options of choice facts named in ``text`` ("市级", "国家级那档", "市里认定"), or a level said as who awarded
    it ("区里评的": the stem of 区级 before a word of awarding)."""
    out: list[OptionMention] = []
    for policy in catalog:
        for name, spec in policy.facts.items():
            if spec.type != "choice":
                continue
            aliases = policy.cues(name).option_aliases
            for option in spec.options or ():
                found = option_spans(text, option, aliases.get(option, ()), genre.awarded_by)
                out += [OptionMention(policy.policy_id, name, option, start, end) for start, end in found]
    return out
