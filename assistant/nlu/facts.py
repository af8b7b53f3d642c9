"""Reading an enterprise's facts out of one message, driven by the facts a policy's rules declare.

Each fact has a type (money / money_list / bool / choice / count / ratio); the policy's ``lexicon.yaml`` gives its
``cues``, ``negative_cues`` and ``option_aliases``. Nothing here knows a policy.

Money is not assigned here: each amount comes out with the facts whose cues claim it and how strongly (a cue
close before it, or right after: "300万补助"). Which fact it fills depends on the conversation — the item being
discussed, the slot the assistant asked for — and is decided by the tracker. A bool is true when a cue appears
without a negation before it; a choice is the option the message names; a count is a number next to its cue; a ratio ("1:1", "1比0.5") stands in its cue's clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.nlu.fact_values import read_choice, read_count, read_ratio
from assistant.nlu.genre import Genre, load_genre
from assistant.nlu.lexicon import FactCues
from assistant.nlu.spans import (
    A_NOT_A,
    Span,
    gapped_occurrences,
    in_spans,
    negation_before,
    occurrences,
    option_spans,
    segment_end,
    segment_start,
)
from assistant.nlu.vocabulary import PolicyVocab
from assistant.rules.money import AmountMention

_AFTER_WINDOW = 12
_BEFORE_WINDOW = 24
#: After an option ("市级补助", "国家已补助"), the word is about the money, not the option.
_NO_CUES = FactCues()
PLANNED_PENALTY = 30.0


@dataclass(frozen=True)
class MoneyReading:
    """One amount in the message and the facts (of one policy) whose cues claim it, with their scores."""

    mention: AmountMention
    claims: Mapping[str, float]
    expected_award: bool = False
    """A figure the user hopes for ("能拿800万吧"), claimed by no cue: never a fact."""
    denied: bool = False
    """A figure the user says is not the value ("上级补助是200万，不是150万"): never a fact."""
    adds: bool = False
    """An amount added to the one given before ("如果明年再投500万呢")."""
    what_if: bool = False
    """An amount said as a what-if ("要是按1400万报"): it may replace the amount a figure was computed with."""

    @property
    def yuan(self) -> int:
        return self.mention.yuan

    def best_claims(self, among: Iterable[str]) -> list[str]:
        """The facts among ``among`` that claim this amount most strongly (several when tied)."""
        scored = {f: s for f, s in self.claims.items() if f in set(among) and s > 0}
        if not scored:
            return []
        top = max(scored.values())
        return [f for f, s in scored.items() if s == top]


@dataclass(frozen=True)
class PolicyFacts:
    """Facts of one policy read from one message."""

    money: tuple[MoneyReading, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)
    """Bool, choice and count facts (money is in ``money``)."""
    mentioned: tuple[str, ...] = ()
    """Facts whose cue words appear, with or without a value ("镇里扶持过" speaks of other support)."""




def _cue_score(cues: Sequence[str], before: str, after: str) -> float:
    """How strongly a fact with ``cues`` claims an amount with ``before``/``after`` as its context (0 = not at all)."""
    best = 0.0
    for cue in cues:
        at = before.rfind(cue)
        if at >= 0 and load_genre().excluded_part.search(before[max(0, at - 4) : at + 1]):
            continue
        if at >= 0:
            distance = len(before) - (at + len(cue))
            best = max(best, 100.0 - distance + len(cue) / 10)
        at = after.find(cue)
        if 0 <= at <= 2:
            best = max(best, 50.0 - at + len(cue) / 10)
        elif at > 2 and load_genre().says_what.match(after):
            best = max(best, 40.0 - at + len(cue) / 10)  # "200万是«what it is»": what the amount is, said after it
    return best


def _negated(text: str, cue_start: int, others: Sequence[tuple[int, int]] = ()) -> bool:
    """A negation shortly before the cue, in its clause — unless another fact's cue stands between them and
    takes it ("没备案直接办了": 没 denies 备案, not 办了)."""
    window_start = max(segment_start(text, cue_start), cue_start - 8)
    m = negation_before(text, window_start, cue_start, load_genre().negation)
    if not m:
        return False
    neg_end = m.start() + len(m.group(1))
    return not any(neg_end <= s and e <= cue_start for s, e in others)


def _asked_either_way(text: str, cue_start: int) -> bool:
    """An A-not-A question shortly before the cue, in its clause ("能不能«cue»", "有没有«cue»")."""
    window_start = max(segment_start(text, cue_start), cue_start - 8)
    return A_NOT_A.search(text, window_start, cue_start) is not None


def _asked_if_needed(text: str, cue_start: int, genre: Genre | None) -> bool:
    """A question whether the cue is needed ("这个活动要提前备案吗", "是否需要授牌？"): nothing said of the enterprise."""
    if genre is None:
        return False
    before = text[max(segment_start(text, cue_start), cue_start - 6) : cue_start]
    after = text[cue_start : segment_end(text, cue_start) + 1]
    needed = genre.needed_before.search(before)
    if needed is None:
        return False
    return (genre.needed_after_either if needed.group("either") else genre.needed_after).search(after) is not None


#: An amount said as given to the enterprise scores this much lower for a fact of money it spent or earned.
GIVEN_PENALTY = 20.0
#: An amount claimed from the clause before it scores lower than one its cue stands next to.
AFTERTHOUGHT_PENALTY = 20.0


def _alone_in_segment(text: str, mention: AmountMention, start: int) -> bool:
    rest = text[start : mention.start] + text[mention.end : segment_end(text, mention.end)]
    return sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff" or ch.isalnum()) <= 2


def read_money(
    text: str, mentions: Sequence[AmountMention], policy: PolicyVocab, genre: Genre
) -> tuple[MoneyReading, ...]:
    money_facts = [n for n, s in policy.facts.items() if s.type in ("money", "money_list")]
    out: list[MoneyReading] = []
    for mention in mentions:
        start = segment_start(text, mention.start)
        before = text[max(start, mention.start - _BEFORE_WINDOW) : mention.start]
        after = text[mention.end : min(segment_end(text, mention.end), mention.end + _AFTER_WINDOW)]
        # Cues may have little words in between ("市里已经补了" for "市里补了"): read the context without them too.
        bare = genre.cue_fillers.sub("", before)
        claims: dict[str, float] = {}
        # "计划投资1000万": a planned amount is a weaker claim than one already spent.
        planned = PLANNED_PENALTY if genre.planned.search(before[-8:]) else 0.0
        # "补过"/"给过" read as "补了"/"给了": the aspect a cue was written with does not change the fact.
        perfect = genre.past_aspect.sub("了", bare)
        given_to_us = bool(genre.given_to_us.search(before))
        for f in money_facts:
            cues = policy.cues(f).cues
            score = max(
                _cue_score(cues, before, after),
                _cue_score(cues, bare, after) - 0.05,
                _cue_score(tuple(genre.past_aspect.sub("了", c) for c in cues), perfect, after) - 0.1,
            ) - planned
            if given_to_us and not policy.cues(f).given:
                score -= GIVEN_PENALTY  # "…给过我们25万": money received, not a sum spent or earned
            if score > 0:
                claims[f] = score
        if not claims and start > 0 and _alone_in_segment(text, mention, start):
            # "镇里给过一笔产业扶持，40万": an amount said on its own right after the words that say what it is.
            prev = text[max(segment_start(text, start - 1), start - 1 - _BEFORE_WINDOW) : start - 1]
            for f in money_facts:
                score = _cue_score(policy.cues(f).cues, genre.cue_fillers.sub("", prev), "") - AFTERTHOUGHT_PENALTY
                if score > 0:
                    claims[f] = score
        near = text[max(start, mention.start - 5) : mention.start]
        said_back = genre.said_back.search(near) and genre.confirm_tag.match(text, mention.end)
        hoped = not claims and bool(
            genre.expected_award.search(near) or said_back
            or (genre.result_words.search(near) and genre.rate_award.search(text))
        ) or bool(genre.third_party.search(text, start, segment_end(text, mention.end) + 1))  # someone else's
        denied = bool(genre.denied_amount.search(text, max(start, mention.start - 4), mention.start))
        adds = bool(genre.increment.search(text, max(start, mention.start - 6), mention.start))
        sentence = max((m.end() for m in _SENTENCE_END.finditer(text, 0, mention.start)), default=0)
        what_if = bool(genre.hypothetical.search(text, max(0, mention.start - 8), mention.start)
                       or genre.what_if_sentence.match(text[sentence : mention.start]))
        out.append(MoneyReading(mention, claims, hoped, denied, adds, what_if))
    return tuple(out)


def read_facts(
    text: str,
    mentions: Sequence[AmountMention],
    policy: PolicyVocab,
    genre: Genre,
    *,
    spans: Sequence[Span] = (),
    other_places: Iterable[str] = (),
) -> PolicyFacts:
    """Read the facts of ``policy`` from ``text`` (spans already blanked out; ``mentions`` outside them)."""
    money = read_money(_without_awarders(text, policy, genre), [m for m in mentions if not in_spans(m.start, spans)],
                       policy, genre)
    values: dict[str, Any] = {}
    places = tuple(other_places)
    names = _name_spans(text, policy)
    cue_spans = {n: [span for c in fc.cues for span in occurrences(text, c)] for n, fc in policy.lexicon.items()}
    for name, spec in policy.facts.items():
        value: bool | str | int | None = None
        cues = policy.cues(name)
        if spec.type == "bool":
            value = _read_bool(
                text, spec, cues, policy.region, places, genre.in_progress, names, genre.question,
                [span for n, spans in cue_spans.items() if n != name for span in spans], genre,
            )
        elif spec.type == "choice":
            value = read_choice(text, spec, cues)
        elif spec.type == "count":
            value = read_count(text, cues)
        elif spec.type == "ratio":
            value = read_ratio(text, spec, cues)
        elif spec.type == "money" and spec.default == 0 and not any(name in m.claims for m in money):
            longer = [span for n, spans in cue_spans.items() if n != name for span in spans]
            value = _none_given(text, cues, genre, longer)
        if value is not None:
            values[name] = value
    mentioned = tuple(
        n for n, fc in policy.lexicon.items() if any(c in text for c in (*fc.cues, *fc.negative_cues, *fc.open_cues))
    )
    return PolicyFacts(money, values, mentioned)


def _without_awarders(text: str, policy: PolicyVocab, genre: Genre) -> str:
    """``text`` with every option said as who awarded it ("工信部评的", "市经信委认定") blanked: that names a level, so
    its body is no cue of an amount given ("工信部" of a subsidy from the ministry)."""
    chars = list(text)
    for name, spec in policy.facts.items():
        if spec.type != "choice":
            continue
        aliases = policy.cues(name).option_aliases
        for option in spec.options or ():
            for start, end in option_spans(text, option, aliases.get(option, ()), genre.awarded_by):
                if genre.awarded_by.search(text, start, end):
                    chars[start:end] = " " * (end - start)
    return "".join(chars)


#: Words that make an item's name a statement about the enterprise ("拿了«item»授牌", "我们是«item»企业").
_STATED = re.compile(r"了|已|过|是|有|获|评上|通过|成为|达到|进入")


def _name_spans(text: str, policy: PolicyVocab) -> list[tuple[int, int]]:
    """Where the policy's item names occur in ``text``."""
    return [span for item in policy.items for a in item.aliases for span in occurrences(text, a.text)]


def _only_a_name(
    text: str, at: int, cue: str, names: Sequence[tuple[int, int]], question: re.Pattern[str]
) -> bool:
    """The cue is part of an item's name in a question that states nothing ("«item»企业奖励多少"): a topic, not a
    fact. A statement ("«item»还在做", "做«item»的平台") still speaks of the fact."""
    if not any(s <= at and at + len(cue) <= e for s, e in names):
        return False
    end = segment_end(text, at + 1)
    segment = text[segment_start(text, at) : end + 1]
    # "那«item»呢？我们去年也通过了": the next clause, naming nothing of its own, states it of this item.
    following = text[end + 1 : segment_end(text, end + 1)] if end + 1 < len(text) else ""
    stated_next = bool(_DONE_ALONE.match(following)) and not any(end < s < end + 1 + len(following) for s, _ in names)
    return bool(question.search(segment)) and not _STATED.search(segment) and not stated_next


_SENTENCE_END = re.compile(r"[。！？!?\n]")
#: A clause that only says something was done, with no object of its own ("我们去年也通过了", "早就拿到了").
_DONE_ALONE = re.compile(r"^\s*(我们|我司|公司|咱们|去年|今年|前年|上个月|已经|早就|也|都|刚|刚刚|已)*\s*[\u4e00-\u9fff]{1,3}了[。！!]?\s*$")


def _undone(text: str, at: int, genre: Genre) -> bool:
    """The sentence goes on to say the state was undone ("经营异常名录，今年已经移出了"; not "还没移出")."""
    end = _SENTENCE_END.search(text, at)
    m = genre.undone.search(text, at, min(end.start() if end else len(text), at + 24))
    return m is not None and not genre.not_yet.search(text, max(at, m.start() - 3), m.start())


def _read_bool(
    text: str, spec: Any, fc: FactCues, region: str, places: tuple[str, ...], in_progress: re.Pattern[str],
    names: Sequence[tuple[int, int]] = (), question: re.Pattern[str] | None = None,
    others: Sequence[tuple[int, int]] = (),
    genre: Genre | None = None,
) -> bool | None:
    # A negative cue ("分公司", "早就是«item»") outweighs the positive words next to it — unless it is itself
    # denied ("没有任何违法失信记录", "不是分公司"), which speaks for the fact when nothing else decides it.
    negative = [at for cue in fc.negative_cues for at, _ in occurrences(text, cue)] or [
        at for cue in fc.negative_cues for at, _ in gapped_occurrences(text, cue)]
    # "去年被列入经营异常名录，今年已经移出了": a negative cue the message says was undone decides nothing.
    negative = [at for at in negative if not (genre is not None and _undone(text, at, genre))]
    if any(not _negated(text, at) for at in negative):
        return False
    denied_negative = bool(negative)
    place_fact = bool(region) and region in spec.label
    if not place_fact:
        hits = [at for cue in fc.cues for at, _ in occurrences(text, cue)
                if question is None or not _only_a_name(text, at, cue, names, question)]
        hits = hits or [at for cue in fc.cues for at, _ in gapped_occurrences(text, cue)]
        if hits:
            segments = [text[segment_start(text, at) : segment_end(text, at + 1)] for at in hits]
            # "«item»还在做", "准备明年上市": under way is not yet done.
            if not fc.describes and any(in_progress.search(seg) for seg in segments):
                return False
            if all(_asked_either_way(text, at) or _asked_if_needed(text, at, genre) for at in hits):
                return None  # "能不能一事一议", "有没有授牌", "这个活动要提前备案吗": asked, neither said nor denied
            return not any(_negated(text, at, others) for at in hits)
        return True if denied_negative else None
    # A place fact ("税务登记在«our region»"): true when the cue's clause names this region, false for another place.
    short = region[:-1] if len(region) > 2 else region
    # In English the places are spelt out ("tax registration is in Minhang", "registered in Jiading").
    spelt = genre.english_places if genre is not None else {}
    english = {zh: [en for en, z in spelt.items() if z == zh] for zh in (*places, short)}
    for cue in sorted(fc.cues, key=len, reverse=True):
        for at, _ in occurrences(text, cue):
            if _negated(text, at, others):
                return False
            seg = text[segment_start(text, at) : segment_end(text, at + len(cue))]
            lower = seg.lower()
            if any(p in seg or any(en in lower for en in english[p]) for p in places if p not in region):
                return False
            if short in seg or "本区" in seg or "区内" in seg or any(en in lower for en in english[short]):
                return True
    return None


def _none_given(text: str, fc: FactCues, genre: Genre, others: Sequence[tuple[int, int]]) -> int | None:
    """0 for an optional amount the message says was never given ("要是镇里没给呢", "没有拿过其他补贴"), by a cue of
    its own (not a shorter word inside another fact's cue: "补贴" in "其他补贴")."""
    for cue in fc.cues:
        for at, end in occurrences(text, cue):
            if any(s <= at and end <= e and e - s > end - at for s, e in others):
                continue
            if genre.none_given.match(text, end) or _negated(text, at):
                return 0
    return None


def all_cues(policies: Iterable[PolicyVocab]) -> list[str]:
    """Every fact cue of every policy (for masking facts before intent classification)."""
    return sorted({c for p in policies for fc in p.lexicon.values() for c in fc.cues if len(c) >= 2}, key=len)

