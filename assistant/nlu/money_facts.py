"""Amounts in one message and the facts whose cues claim them, with how strongly.

Money is not assigned here: each amount comes out with the facts (of one policy) whose cues claim it and how
strongly — a cue close before it, or right after ("300万补助"). Which fact it fills depends on the conversation
(the item being discussed, the slot the assistant asked for) and is decided by the tracker. Nothing here knows
a policy: the cues come from its ``lexicon.yaml``, the genre words from ``genre.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.nlu.genre import Genre, load_genre
from assistant.nlu.spans import SENTENCE_END, gloss_start, segment_end, segment_start
from assistant.nlu.vocabulary import PolicyVocab
from assistant.rules.money import AmountMention

#: How far (characters) after and before an amount its cues are looked for, within its clause.
_AFTER_WINDOW = 12
_BEFORE_WINDOW = 24
#: Two English words in a row: the windows are twice as wide.
_LATIN_WORDS = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")
#: "计划投资1000万": a planned amount scores this much lower than one already spent.
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
    other: bool = False
    """An amount named as something no fact is ("预算300万", "门票收入50万", "贷了1000万"): never put silently into the
    one amount a figure still needs."""

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


def cue_score(cues: Sequence[str], before: str, after: str) -> float:
    """How strongly a fact with ``cues`` claims an amount with ``before``/``after`` as its context (0 = not at all)."""
    best = 0.0
    before, after = before.lower(), after.lower()  # an English cue matches whatever its case ("Platform investment")
    for cue in (c.lower() for c in cues):
        at = before.rfind(cue)
        if at >= 0 and load_genre().excluded_part.search(before[max(0, at - 4) : at + 1]):
            continue
        if at >= 0:
            distance = len(before) - (at + len(cue))
            best = max(best, 100.0 - distance + len(cue) / 10)
        at = after.find(cue)
        if 0 <= at <= 2 and "、" not in after[:at]:  # (not "800万、镇里50万": the next amount's word)
            best = max(best, 50.0 - at + len(cue) / 10)
        elif at > 2 and load_genre().says_what.match(after):
            best = max(best, 40.0 - at + len(cue) / 10)  # "200万是«what it is»": what the amount is, said after it
    return best


def _bare_verb_score(cues: Sequence[str], before: str) -> float:
    """A cue said without its aspect right before the amount ("还是按市里给200万算" for "市里给了"): as strong as the cue
    a little further away — only when nothing stands between the verb and the amount."""
    stems = [c[:-1] for c in cues if c.endswith("了") and len(c) > 2]
    return max((100.0 - 0.2 + len(s) / 10 for s in stems if before.rstrip().endswith(s)), default=0.0)


#: An amount said as given to the enterprise scores this much lower for a fact of money it spent or earned.
GIVEN_PENALTY = 20.0
#: An amount said to be part of a whole and then named ("总投入里有1800万是土建"): its part's word outranks the whole's.
PART_BONUS = 70.0
#: An amount claimed from the clause before it scores lower than one its cue stands next to.
AFTERTHOUGHT_PENALTY = 20.0


#: Words that only say "it is" before an amount said on its own ("«part»算错了，其实是200万").
_IT_IS = re.compile(r"^\s*(其实|实际上?|应该|准确地?说)?(是|为|只有|有)")


def _alone_in_segment(text: str, mention: AmountMention, start: int) -> bool:
    rest = _IT_IS.sub("", text[start : mention.start]) + text[mention.end : segment_end(text, mention.end)]
    return sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff" or ch.isalnum()) <= 2


#: A fact's own word this close below a score that several facts share wins ("土建花了四百万": 土建, not 花了).
SPECIFIC_MARGIN = 3.0


def specific_first(claims: dict[str, float]) -> dict[str, float]:
    """When the best score is shared by several facts (a word they all use: "花了", "投了") and one fact alone scores
    just below it (its own word, a little further from the amount), that fact claims the amount."""
    if len(claims) < 3:
        return claims
    top = max(claims.values())
    shared = [f for f, v in claims.items() if v == top]
    below = sorted(((v, f) for f, v in claims.items() if v < top), reverse=True)
    if len(shared) < 2 or not below or top - below[0][0] > SPECIFIC_MARGIN:
        return claims
    if len(below) > 1 and below[1][0] == below[0][0]:
        return claims  # two facts' words just below: neither is the specific one
    return {**claims, below[0][1]: top + 0.01}


def read_amounts(
    text: str, mentions: Sequence[AmountMention], policy: PolicyVocab, genre: Genre
) -> list[MoneyReading]:
    """Each amount with the facts whose cues claim it, read from its own context only (the passes of
    :mod:`assistant.nlu.money_passes` then read the amounts of the message together)."""
    money_facts = [n for n, s in policy.facts.items() if s.type in ("money", "money_list")]
    out: list[MoneyReading] = []
    for mention in mentions:
        start = gloss_start(text, mention.start)
        # (English words are several letters each: "The town (镇) already supported this same project with RMB 500,000")
        wide = 2 if _LATIN_WORDS.search(text, max(start, mention.start - _BEFORE_WINDOW), mention.start) else 1
        before = text[max(start, mention.start - wide * _BEFORE_WINDOW) : mention.start]
        after = text[mention.end : min(segment_end(text, mention.end), mention.end + wide * _AFTER_WINDOW)]
        # Cues may have little words in between ("市里已经补了" for "市里补了"): read the context without them too.
        bare = genre.cue_fillers.sub("", before)
        claims: dict[str, float] = {}
        # "计划投资1000万": a planned amount is a weaker claim than one already spent.
        planned = PLANNED_PENALTY if genre.planned.search(before[-8:]) else 0.0
        # "补过"/"给过" read as "补了"/"给了": the aspect a cue was written with does not change the fact.
        perfect = genre.past_aspect.sub("了", bare)
        given_to_us = bool(genre.given_to_us.search(before))
        # ("区里补200万吗": a figure asked about, not support said without its aspect)
        asked_back = bool(genre.confirm_tag.match(text, mention.end) or genre.asked_back.match(text, mention.end))
        # ("那不就能拿满1000万了": what could be had, not "拿满了" said of support received)
        potential = bool(genre.pays_verb.search(text, max(0, mention.start - 6), mention.start))
        for f in money_facts:
            cues = policy.cues(f).cues
            score = max(
                cue_score(cues, before, after),
                cue_score(cues, bare, after) - 0.05,
                cue_score(tuple(genre.past_aspect.sub("了", c) for c in cues), perfect, after) - 0.1,
                0.0 if asked_back or potential else _bare_verb_score(cues, bare),
            ) - planned
            if given_to_us and not policy.cues(f).given:
                score -= GIVEN_PENALTY  # "…给过我们25万": money received, not a sum spent or earned
            if score > 0:
                claims[f] = score
        if genre.part_said_next.search(before) and genre.says_what.match(after):
            # "总投入里有1800万是盖楼的土建": a part of the whole named before it — what it is, said after, claims it
            part = {f: s + PART_BONUS for f in money_facts if (s := cue_score(policy.cues(f).cues, "", after)) > 0}
            claims = {**claims, **part} if part else claims
        if not claims and start > 0 and _alone_in_segment(text, mention, start):
            # "镇里给过一笔产业扶持，40万": an amount said on its own right after the words that say what it is.
            prev = text[max(segment_start(text, start - 1), start - 1 - _BEFORE_WINDOW) : start - 1]
            for f in money_facts:
                score = cue_score(policy.cues(f).cues, genre.cue_fillers.sub("", prev), "") - AFTERTHOUGHT_PENALTY
                if score > 0:
                    claims[f] = score
        claims = specific_first(claims)
        near = text[max(start, mention.start - 5) : mention.start]
        # "最高就是200万对吧", "那就是55万？": a result said back for us to confirm, not a fact of the case
        said_back = (genre.said_back.search(near) or genre.result_words.search(near)) and (
            genre.confirm_tag.match(text, mention.end) or genre.asked_back.match(text, mention.end))
        # ("那补助还是360万吗": said back to confirm, even right after a word a fact's cue shares)
        hoped = bool(said_back and genre.result_words.search(near)) or not claims and bool(
            genre.expected_award.search(near) or said_back or genre.you_miscounted.search(text, 0, mention.start)
            or genre.expected_award_after.match(text, mention.end) or genre.why_difference.search(before)
            or (genre.report_as.search(near) is not None and genre.report_as_after.match(text, mention.end) is not None)
            or (genre.result_words.search(near) and genre.rate_award.search(text))
        ) or bool(genre.third_party.search(text, start, segment_end(text, mention.end) + 1))  # someone else's
        denied = bool(genre.denied_amount.search(text, max(start, mention.start - 4), mention.start)
                      or genre.denied_after.match(text, mention.end))
        sentence = max((m.end() for m in SENTENCE_END.finditer(text, 0, mention.start)), default=0)
        adds = bool(genre.increment.search(text, max(start, mention.start - 6), mention.start)
                    or genre.increment_lead.match(text, sentence) or genre.increment_after.match(text, mention.end))
        what_if = bool(genre.hypothetical.search(text, max(0, mention.start - 8), mention.start)
                       or genre.what_if_sentence.match(text[sentence : mention.start]))
        wide = bool(genre.company_wide.search(text[start : mention.start]))
        claims = {} if wide else claims  # "公司整体一年研发投入是三千多万": the company's, not the project's
        other = wide or not claims and bool(genre.other_figure.search(text, max(start, mention.start - 8), mention.start)
                                            or genre.cap_figure_after.match(text, mention.end))
        if other and not wide and (genre.by_this_amount.match(text, mention.end) or (
                (what_if or genre.plan_message.search(text))
                and genre.budget.search(text, max(start, mention.start - 8), mention.start))):
            # "改造预算600万，区里按这个能补多少": the amount the figure is asked on; "如果«element»预算压到80万呢",
            # "老板想搞«item»改造，预算450万，要是评上…": a planned spend in a plan, the amount the figure is asked on
            other, what_if = False, True
        out.append(MoneyReading(mention, claims, hoped, denied, adds, what_if, other))
    return out
