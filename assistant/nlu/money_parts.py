"""The parts of an amount said in pieces ("设备300万、软件200万"): whether a message gives one amount as its parts,
and the word that names each part; and a rough amount made precise right after ("大概七八百万吧，财务说七百五"). Genre
words only (``breakdown_parts``, ``in_pieces``, ``whole_amount``, ``rough_amount``, ``made_precise``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.nlu.genre import Genre
from assistant.nlu.money_facts import MoneyReading
from assistant.nlu.spans import SENTENCE_END, segment_start
from assistant.rules.money import AmountMention


def said_in_parts(text: str, money: Sequence[MoneyReading], genre: Genre) -> bool:
    """An amount given as its parts ("投资是设备300万、软件200万", "设备花了二百八十万，软件和实施花了九十万"): said to
    be in pieces, or two or more amounts of one sentence, each after a word for a part in its own clause — not one
    amount within another ("其中土建300万")."""
    if genre.in_pieces.search(text):
        return True
    if genre.part_of_total.search(text):
        return False
    by_sentence: dict[int, list[bool]] = {}
    previous = 0
    for m in sorted(money, key=lambda r: r.mention.start):
        at = m.mention.start
        sentence = max((s.end() for s in SENTENCE_END.finditer(text, 0, at)), default=0)
        named = text[max(sentence, segment_start(text, at), previous) : at]  # the words naming this amount
        previous = m.mention.end
        part = any(w in named for w in genre.breakdown_parts) and not genre.whole_amount.search(named)
        if part or not m.claims:  # (an amount a fact's own word names — "土建另外400万" — neither adds nor breaks)
            by_sentence.setdefault(sentence, []).append(part)
    return any(len(parts) >= 2 and all(parts) for parts in by_sentence.values())


def part_words(text: str, mention: AmountMention, genre: Genre, whole_sentence: bool = False) -> tuple[str, ...]:
    """The word for a part naming each piece of an amount ("硬件480万" → ("硬件",)), the longest one of the
    genre's ``breakdown_parts`` nearest before it in its own segment — or anywhere before it in its sentence
    (``whole_sentence``: "软件那块说错了，实际是260万"); "" where none (and for the pieces of a sum said at once)."""
    if mention.addends:
        return ("",) * len(mention.addends)
    sentence = max((s.end() for s in SENTENCE_END.finditer(text, 0, mention.start)), default=0)
    named = text[sentence if whole_sentence else max(sentence, segment_start(text, mention.start)) : mention.start]
    found = [(named.rfind(w) + len(w), len(w), w) for w in genre.breakdown_parts if w in named]
    return (max(found)[2],) if found else ("",)  # the word nearest the amount (the longer one where they end alike)


def refined(text: str, money: Sequence[MoneyReading], genre: Genre) -> tuple[MoneyReading, ...]:
    """"总投入大概七八百万吧，财务说七百五": an amount no cue claims, said right after a rough one with a word that makes
    it precise, is that amount — it takes the rough one's claims and the rough one is set aside."""
    out = sorted(money, key=lambda r: r.mention.start)
    for k in range(1, len(out)):
        m, o = out[k], out[k - 1]
        if m.claims or not o.claims or m.expected_award:
            continue
        rough = genre.rough_amount.search(text, max(0, o.mention.start - 4), o.mention.end)
        between = text[o.mention.end : m.mention.start]
        if rough and len(between) <= 12 and genre.made_precise.search(between):
            out[k - 1] = replace(o, denied=True)
            out[k] = replace(m, claims=dict(o.claims))
    by_start = {r.mention.start: r for r in out}
    return tuple(by_start[r.mention.start] for r in money)  # (in the order they came)


#: A cue this close to an amount (its score above this) stands next to it.
ADJACENT = 95.0


def paid_said(text: str, money: Sequence[MoneyReading], genre: Genre) -> tuple[MoneyReading, ...]:
    """"审计费用150万就能全额补150万": an amount right after the verb that pays an award is the award said (hoped
    for), not the fact whose word stands further back — a cue next to it ("镇里补了50万") still claims it."""
    return tuple(replace(m, claims={}, expected_award=True)
                 if max(m.claims.values(), default=0.0) < ADJACENT and not (m.denied or m.what_if or m.other)
                 and genre.pays_verb.search(text, max(0, m.mention.start - 4), m.mention.start) else m
                 for m in money)
