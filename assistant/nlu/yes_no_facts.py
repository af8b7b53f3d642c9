"""Yes/no facts in one message: a cue said, denied, asked about, or said to be under way or undone.

A bool is true when a cue appears without a negation before it; a negative cue ("分公司", "经营异常") makes it
false unless it is itself denied or said to be undone. A place fact is true when the cue's clause names the
policy's region and false for another place. Nothing here knows a policy: the cues come from its
``lexicon.yaml``, the genre words from ``genre.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.nlu.genre import Genre, load_genre
from assistant.nlu.lexicon import FactCues
from assistant.nlu.spans import (
    A_NOT_A,
    CLAUSE_END,
    SENTENCE_END,
    gapped_occurrences,
    negation_before,
    occurrences,
    segment_end,
    segment_start,
)
from assistant.nlu.vocabulary import PolicyVocab


def negated(text: str, cue_start: int, others: Sequence[tuple[int, int]] = ()) -> bool:
    """A negation shortly before the cue, in its clause — unless another fact's cue stands between them and
    takes it ("没备案直接办了": 没 denies 备案, not 办了)."""
    window_start = max(segment_start(text, cue_start), cue_start - 8)
    m = negation_before(text, window_start, cue_start, load_genre().negation)
    if not m:
        return _negated_list(text, cue_start)
    neg_end = m.start() + len(m.group(1))
    return not any(neg_end <= s and e <= cue_start for s, e in others)


def _negated_list(text: str, cue_start: int) -> bool:
    """A negation before a list covers each of its members ("没有任何违法违纪或者失信记录"): read without the words
    that join the list, the negation stands shortly before the cue."""
    genre = load_genre()
    before = text[max(segment_start(text, cue_start), cue_start - 24) : cue_start]
    if not genre.negated_list.search(before):
        return False
    compact = genre.negated_list.sub("", before)
    return negation_before(compact, max(0, len(compact) - 8), len(compact), genre.negation) is not None


def _asked_either_way(text: str, cue_start: int) -> bool:
    """An A-not-A question shortly before the cue, in its clause ("能不能«cue»", "有没有«cue»")."""
    window_start = max(segment_start(text, cue_start), cue_start - 8)
    return A_NOT_A.search(text, window_start, cue_start) is not None


def _asked_meaning(text: str, cue_start: int, genre: Genre | None) -> bool:
    """The cue is a term asked about ("“一事一议”是怎么回事", "授牌指的是什么"): nothing said of the enterprise."""
    if genre is None:
        return False
    return genre.asks_meaning.search(text, cue_start, min(segment_end(text, cue_start) + 1, cue_start + 14)) is not None


def _asked_if_needed(text: str, cue_start: int, genre: Genre | None) -> bool:
    """A question whether the cue is needed ("这个活动要提前备案吗", "是否需要授牌？"): nothing said of the enterprise."""
    if genre is None:
        return False
    before = text[max(segment_start(text, cue_start), cue_start - 6) : cue_start]
    end = segment_end(text, cue_start)
    after = text[cue_start : end + 1]
    # "需要先备案还是直接报", "是要先去备案，还是办完了再去报？": the first of two alternatives, asked, not done
    alternative = genre.alternatives.search(after) or genre.alternatives.match(text[end + 1 : end + 4].lstrip())
    needed = genre.needed_before.search(before)
    if needed is None:
        return False
    if alternative:
        return True
    return (genre.needed_after_either if needed.group("either") else genre.needed_after).search(after) is not None


#: Words that make an item's name a statement about the enterprise ("拿了«item»授牌", "我们是«item»企业").
_STATED = re.compile(r"了|已|过|是|有|获|评上|通过|成为|达到|进入")


def name_spans(text: str, policy: PolicyVocab) -> list[tuple[int, int]]:
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


#: A clause that only says something was done, with no object of its own ("我们去年也通过了", "早就拿到了").
_DONE_ALONE = re.compile(r"^\s*(我们|我司|公司|咱们|去年|今年|前年|上个月|已经|早就|也|都|刚|刚刚|已)*\s*[\u4e00-\u9fff]{1,3}了[。！!]?\s*$")


def _denied(text: str, at: int) -> bool:
    """A negative cue denied. One that is itself a negation ("没运营") is denied only right before it ("不是没运营"):
    an earlier negation in its clause denies something else ("没建好也没运营")."""
    if _OPENS_NEGATED.match(text, at):
        return _DOUBLE.search(text, max(0, at - 4), at) is not None
    return negated(text, at)


#: A cue opening with a negation, and the words right before one that deny it in turn.
_OPENS_NEGATED = re.compile(r"没|未|尚未|还没|不")
_DOUBLE = re.compile(r"(不是|并非|并不是|并没有)\s*$")


def _inside_another(at: int, size: int, others: Sequence[tuple[int, int]]) -> bool:
    """The cue at ``at`` is part of a longer cue of another fact."""
    return any(s <= at and at + size <= e and e - s > size for s, e in others)


def _still(text: str, at: int, genre: Genre) -> bool:
    """The undoing right before a bad state has not happened ("还没移出异常名录"): the state holds, whatever the
    negation word before it says."""
    before = genre.undone.search(text, max(0, at - 4), at)
    return before is not None and bool(genre.not_yet.search(text, max(0, before.start() - 3), before.start()))


def _undone(text: str, at: int, genre: Genre) -> bool:
    """The sentence goes on to say the state was undone ("经营异常名录，今年已经移出了"; not "还没移出"), or says so
    right before it ("如果下个月移出异常名录了")."""
    before = genre.undone.search(text, max(0, at - 4), at)
    if before is not None and not _still(text, at, genre):
        return True
    end = SENTENCE_END.search(text, at)
    m = genre.undone.search(text, at, min(end.start() if end else len(text), at + 24))
    return m is not None and not genre.not_yet.search(text, max(at, m.start() - 3), m.start())


def read_bool(
    text: str, spec: Any, fc: FactCues, region: str, places: tuple[str, ...], in_progress: re.Pattern[str],
    names: Sequence[tuple[int, int]] = (), question: re.Pattern[str] | None = None,
    others: Sequence[tuple[int, int]] = (),
    genre: Genre | None = None,
    options: Sequence[tuple[int, int]] = (),
) -> bool | None:
    # A negative cue ("分公司", "早就是«item»") outweighs the positive words next to it — unless it is itself
    # denied ("没有任何违法失信记录", "不是分公司"), which speaks for the fact when nothing else decides it.
    negative = [at for cue in fc.negative_cues for at, _ in occurrences(text, cue)] or [
        at for cue in fc.negative_cues for at, _ in gapped_occurrences(text, cue)]
    # "去年被列入经营异常名录，今年已经移出了": a negative cue the message says was undone decides nothing (the
    # reader raises it, to confirm: see facts.read_facts).
    negative = [at for at in negative if not (genre is not None and _undone(text, at, genre))]
    if any(not _denied(text, at) or (genre is not None and _still(text, at, genre)) for at in negative):
        return False
    denied_negative = bool(negative)
    place_fact = bool(region) and region in spec.label
    if not place_fact:
        # (not a cue straddling an option's word: "评上«option»了" may hold a cue across 评上 and the option)
        hits = [at for cue in fc.cues for at, _ in occurrences(text, cue)
                if (question is None or not _only_a_name(text, at, cue, names, question))
                and not any(s < at + len(cue) and at < e and not (s <= at and at + len(cue) <= e)
                            and not (at <= s and e <= at + len(cue)) for s, e in options)]
        hits = hits or [at for cue in fc.cues for at, _ in gapped_occurrences(text, cue)]
        if hits:
            segments = [text[segment_start(text, at) : segment_end(text, at + 1)] for at in hits]
            # "«item»还在做", "准备明年上市": under way is not yet done.
            if not fc.describes and any(in_progress.search(seg) for seg in segments):
                return False
            if all(_asked_either_way(text, at) or _asked_if_needed(text, at, genre) or _asked_meaning(text, at, genre)
                   for at in hits):
                # "能不能一事一议", "有没有授牌", "这个活动要提前备案吗", "一事一议是怎么回事": asked, not said or denied
                return None
            return not any(negated(text, at, others) for at in hits)
        # "有过一次«milder thing»" leaves the fact to confirm; "没有任何«milder thing»" denies the fact too.
        weak = [at for cue in fc.weak_cues for at, _ in occurrences(text, cue)]
        if weak and all(negated(text, at, others) for at in weak):
            return False
        if any(_intensified(text, at, fc.intensifiers) for at in weak if not negated(text, at, others)):
            return True  # "«intensifier»…«milder thing»": the weak cue's sentence says it was the serious kind
        return True if denied_negative else None
    # A place fact ("税务登记在«our region»"): true when the cue's clause names this region, false for another place.
    short = region[:-1] if len(region) > 2 else region
    # In English the places are spelt out ("tax registration is in Minhang", "registered in Jiading").
    spelt = genre.english_places if genre is not None else {}
    english = {zh: [en for en, z in spelt.items() if z == zh] for zh in (*places, short)}
    said = [(at, cue) for cue in sorted(fc.cues, key=len, reverse=True) for at, _ in occurrences(text, cue)]
    if genre is not None:
        # A move said first, the latest one ("原来工商税务都在«our region»，今年都迁到«other region»了": where it is now)
        moved = [x for x in said if genre.moved_to.search(_clause_of(text, x[0], len(x[1])))]
        said = sorted(moved, key=lambda x: -x[0]) + [x for x in said if x not in moved]
    for at, cue in said:
        if _inside_another(at, len(cue), others):
            continue  # "没有被列入经营异常名录": another fact's words, not this one's
        if negated(text, at, others):
            return False
        # its clause — a space between words ends one too ("税务在«other region» 工商在«our region»") — or, when that names no
        # place, its segment ("在«a venue»办的 那是«other region»")
        clause = _clause_of(text, at, len(cue))
        segment = text[segment_start(text, at) : segment_end(text, at + len(cue))]
        for seg in (clause, segment):
            lower = seg.lower()
            if any(p in seg or any(en in lower for en in english[p]) for p in places if p not in region):
                return False
            if re.search(r"(不|没|并不|并没)(是)?(在|属于)" + re.escape(short), seg):
                return False  # "实际经营不在«our region»"
            if short in seg or "本区" in seg or "区内" in seg or any(en in lower for en in english[short]):
                return True
    return None


def _clause_of(text: str, at: int, size: int) -> str:
    """The clause of the cue at ``at`` (``size`` characters long)."""
    begin = max((m.end() for m in CLAUSE_END.finditer(text) if m.end() <= at), default=0)
    stop = CLAUSE_END.search(text, at + size)
    return text[begin : stop.start() if stop else len(text)]


def _intensified(text: str, at: int, intensifiers: Sequence[str]) -> bool:
    """An intensifier, not itself denied or asked about, in the sentence of the cue at ``at`` ("出过一起重大安全生产事故，
    被处罚了")."""
    start = max((m.end() for m in SENTENCE_END.finditer(text, 0, at)), default=0)
    stop = SENTENCE_END.search(text, at)
    end = stop.start() if stop else len(text)
    return any(not negated(text, i) and not _asked_either_way(text, i)
               for word in intensifiers for i, _ in occurrences(text[:end], word) if i >= start)


def none_given(text: str, fc: FactCues, genre: Genre, others: Sequence[tuple[int, int]]) -> int | None:
    """0 for an optional amount the message says was never given ("要是镇里没给呢", "没有拿过其他补贴"), by a cue of
    its own (not a shorter word inside another fact's cue: "补贴" in "其他补贴")."""
    every = [(at, end) for cue in fc.cues for at, end in occurrences(text, cue)]
    if not genre.question.search(text) and any(genre.excluded_part.search(text, max(0, at - 3), at) for at, _ in every):
        # "不含土建" (said, not asked): the amount said leaves this part out — none to deduct (also inside another
        # fact's cue)
        return 0
    said = [(at, end) for at, end in every if not _inside_another(at, end - at, others)]
    for at, end in said:
        if genre.none_given.match(text, end):
            return 0
        # "不是镇里，是区里另一个产业政策给的": the giver corrected, the support still given — not none
        if negated(text, at) and not any(a > end and not negated(text, a) for a, _ in said):
            return 0
    return None
