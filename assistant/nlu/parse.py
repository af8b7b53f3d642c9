"""``parse(text) -> Parse``: everything one message says, read with no conversation state.

Order: mark injected and attributed spans (their content is never a fact), find entities (items, clause
references, places, the policies named, options, amounts), read each policy's facts, mask the entities
(so the intent reader learns frames such as "Ⓘ能补多少", not item names), and score the intents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Protocol

from assistant.nlu.amount_mentions import AmountPlace, amount_places, summed, without_superseded
from assistant.nlu.applicants import ApplicantMention, find_applicants
from assistant.nlu.entities import (
    ClauseRef,
    ItemMention,
    OptionMention,
    PlaceMention,
    drop_elsewhere,
    find_clause_refs,
    find_items,
    find_options,
    find_places,
    find_policy_names,
    mark_negated,
)
from assistant.nlu.facts import PolicyFacts, read_facts
from assistant.nlu.genre import ACTS, LOOKUP_TOPICS, Act, Genre, LookupTopic, load_genre
from assistant.nlu.genre_readings import asked_element, share_in
from assistant.nlu.intents import FALLBACK_INTENT, QUESTIONS, NluIntent
from assistant.nlu.message_parts import addressed_items, addressed_start, content_size, question_part
from assistant.nlu.spans import Span, in_spans, mark_spans, without_spans
from assistant.nlu.vocabulary import Catalog
from assistant.rules.money import AmountMention
from assistant.rules.money_text import find_amounts

#: Placeholders the intent reader sees instead of entities.
MASKS = {"money": "Ⓜ", "item": "Ⓘ", "option": "Ⓞ", "clause": "Ⓒ", "place": "Ⓟ", "number": "Ⓝ", "count": "Ⓚ"}
#: Appended to the masked text: whether the message asks something (Ⓠ) or only states (Ⓢ).
ASKS, STATES = "Ⓠ", "Ⓢ"
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
#: A figure said in words or digits: an amount, a share, a multiple.
_FIGURE = re.compile(r"\d|[零〇一二两三四五六七八九十百千]+\s*(?:万|亿|元|成|倍)|百分之")


class IntentReader(Protocol):
    """Anything that scores the intents of a masked message (the trained reader, or an LLM standing in)."""

    def scores(self, masked: str, text: str) -> Mapping[NluIntent, float]: ...


@dataclass(frozen=True)
class Parse:
    """One message as read by the NLU."""

    text: str
    reading: str
    """``text`` with injected and attributed spans blanked out (same offsets)."""
    masked: str
    intent: NluIntent
    scores: Mapping[NluIntent, float]
    items: tuple[ItemMention, ...]
    clause_refs: tuple[ClauseRef, ...]
    places: tuple[PlaceMention, ...]
    policy_names: Mapping[str, float]
    options: tuple[OptionMention, ...]
    amounts: tuple[AmountMention, ...]
    """Amounts outside injected/attributed spans."""
    facts: Mapping[str, PolicyFacts]
    """Policy id → the facts of that policy the message states."""
    spans: tuple[Span, ...]
    acts: frozenset[Act]
    topics: frozenset[LookupTopic]
    other_schemes: tuple[str, ...]
    off_topic: tuple[str, ...]
    money_words: bool
    asks: bool = False
    """The message has a question mark or a question word."""
    asks_amount: bool = False
    """It asks about a figure ("多少", "最高", "how much")."""
    refers_back: bool = False
    """It points back at what was just discussed ("这个", "那个")."""
    which_ones: bool = False
    """It asks which of several ("能申请哪些")."""
    asks_count: bool = False
    """It asks how many (not how much): "每年认定多少个"."""
    asks_most: bool = False
    """It asks which item gives the most ("哪个补贴给的钱最多")."""
    scale: Fraction | None = None
    """A hypothetical that scales the amount discussed ("那如果投入翻倍呢" → 2, "如果只认了60%呢" → 3/5); None when
    it gives an amount."""
    share: Fraction | None = None
    """The share of the amount this message gives that counts ("总花费300万，审计只确认了其中60%" → 3/5)."""
    addressed: int | None = None
    """In a group chat's message, where its words to us start (after "@政策小助手"); None: the whole is ours."""
    applicants: tuple[ApplicantMention, ...] = ()
    """A group's companies named as who applies ("那用母公司报呢"): :mod:`assistant.nlu.applicants`."""
    amount_places: Mapping[int, AmountPlace] = field(default_factory=dict)
    """Amount start → the place it is said of ("给昆山客户做的140万")."""
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def injected(self) -> bool:
        return any(s.kind == "injection" for s in self.spans)

    @property
    def attributed(self) -> bool:
        return any(s.kind == "attribution" for s in self.spans)

    @property
    def attributed_figure(self) -> bool:
        """A figure among the words attributed to us ("你刚才说市级最高800万"), not only a topic ("你们刚才说的活动补贴")."""
        return any(s.kind == "attribution" and _FIGURE.search(self.text, s.start, s.end) for s in self.spans)

    @property
    def empty_after_spans(self) -> bool:
        """Nothing left to read once injected/attributed spans are set aside."""
        return not re.search(r"[\w\u4e00-\u9fff]", self.reading)

    @property
    def content_size(self) -> int:
        """How much the message says: its Chinese characters, letters and digits, except keyboard mashing and a
        letter's courtesies."""
        return content_size(load_genre().courtesy.sub("", self.reading))

    def items_of(self, policy_id: str) -> list[ItemMention]:
        return [m for m in self.items if m.policy_id == policy_id]

    def facts_of(self, policy_id: str) -> PolicyFacts:
        return self.facts.get(policy_id, PolicyFacts())

    def states_facts(self, policy_id: str) -> bool:
        f = self.facts_of(policy_id)
        return bool(f.values) or any(m.claims for m in f.money) or bool(self.amounts)

    def describes(self, policy_id: str, spec_type: Any = None) -> bool:
        """The message describes the enterprise: an amount, an option, or a yes/no said as done ("已授牌了")."""
        f = self.facts_of(policy_id)
        done = bool(re.search(r"了|已|过", self.reading))
        if self.amounts or any(m.claims for m in f.money):
            return True
        types = {name: spec_type(name) for name in f.values} if spec_type else {}
        return any(types.get(n) == "choice" or (done and types.get(n) != "choice") for n in f.values)

    def with_intent(self, intent: NluIntent, scores: Mapping[NluIntent, float]) -> Parse:
        return replace(self, intent=intent, scores=dict(scores))


def mask(
    text: str, parse: Parse, count: re.Pattern[str] | None = None, keep: Sequence[tuple[int, int]] | None = None,
    cap_after: re.Pattern[str] | None = None,
) -> str:
    """Replace entities by placeholders (longest first where they overlap), drop blanked spans; with ``keep``, only
    those parts of the message (its question part), which ask. A figure named as a cap (``cap_after``: "能不能突破100万的
    上限") is the rule's, not an amount of the case: it is dropped, so it does not read as a money question."""
    marks: list[tuple[int, int, str]] = []
    marks += [(m.start, m.end, "" if cap_after and cap_after.match(parse.reading, m.end) else MASKS["money"])
              for m in parse.amounts]
    marks += [(m.start, m.end, MASKS["item"]) for m in parse.items if not in_spans(m.start, parse.spans)]
    marks += [(o.start, o.end, MASKS["option"]) for o in parse.options]
    marks += [(r.start, r.start + len(r.text), MASKS["clause"]) for r in parse.clause_refs if r.number or not r.title]
    marks += [(p.start, p.start + len(p.name), MASKS["place"]) for p in parse.places if p.start >= 0]
    reading, asks = parse.reading, parse.asks
    if keep is not None:
        marks = [m for m in marks if any(s <= m[0] and m[1] <= e for s, e in keep)]
        reading = "".join(ch if any(s <= i < e for s, e in keep) else " " for i, ch in enumerate(reading))
        asks = True
    marks.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    taken: list[tuple[int, int, str]] = []
    for m in marks:
        if all(m[1] <= t[0] or m[0] >= t[1] for t in taken):
            taken.append(m)
    out = reading
    for start, end, symbol in sorted(taken, reverse=True):
        out = out[:start] + symbol + out[end:]
    if count is not None:
        out = count.sub(MASKS["count"], out)  # "多少个" asks how many, not how much
    out = _DIGITS.sub(MASKS["number"], out)
    return re.sub(r"\s+", "", out).lower() + (ASKS if asks else STATES).lower()


class NLU:
    """The message reader: entities and facts from the catalog and genre data, intents from a reader."""

    def __init__(self, catalog: Catalog, genre: Genre, reader: IntentReader | None,
                 section_titles: dict[str, set[str]] | None = None) -> None:
        self.catalog = catalog
        self.genre = genre
        self.reader = reader
        self.section_titles = section_titles or {}

    def extract(self, text: str) -> Parse:
        """Everything but the intent (used to prepare training sentences exactly as messages are read)."""
        genre = self.genre
        spans = tuple(mark_spans(text, genre))
        # "@政策小助手" says whom the message is for, nothing of what it asks (offsets kept)
        reading = genre.addressed.sub(lambda m: " " * len(m.group(0)), without_spans(text, spans))
        addressed = addressed_start(text, reading, genre)
        every = find_amounts(text)
        found = tuple(m for m in every if not in_spans(m.start, spans))
        said_to_us = [s for s in spans if s.kind == "attribution"]
        attributed = [m.yuan for m in every if in_spans(m.start, said_to_us)]
        amounts = summed(text, without_superseded(text, found, genre), genre)
        places = tuple(find_places(reading, genre))
        covered = {p for v in self.catalog for p in (v.region, v.region_short) if p}
        elsewhere = [p.name for p in places if not any(p.name in c or c in p.name for c in covered)]
        elsewhere += [w for w in genre.elsewhere if w in reading]
        parents = {v.region_parent for v in self.catalog if v.region_parent}
        outside = [p for p in elsewhere if not any(p in x for x in parents)]
        facts = {
            v.policy_id: read_facts(reading, amounts, v, genre, spans=spans, other_places=elsewhere,
                                    attributed=attributed, said_to_us="，".join(text[s.start:s.end] for s in said_to_us))
            for v in self.catalog
            if v.has_rules
        }
        parse = Parse(
            text=text,
            reading=reading,
            masked="",
            intent=FALLBACK_INTENT,
            scores={},
            items=addressed_items(drop_elsewhere(text, mark_negated(text, find_items(text, self.catalog, spans,
                                   genre.name_fillers), genre), [m.end for m in every], genre), addressed),
            clause_refs=tuple(find_clause_refs(reading, self.catalog, self.section_titles)),
            places=places,
            policy_names=find_policy_names(reading, self.catalog),
            options=tuple(o for o in find_options(reading, self.catalog, genre)),
            amounts=amounts,
            amount_places=amount_places(reading, amounts, outside, [*sorted(covered), *genre.home]),
            facts=facts,
            spans=spans,
            # "…第一个投了300万，第二个投了900万。第一个能补多少": the list is told together, one element is asked
            acts=frozenset(a for a in ACTS if genre.act(a, reading.strip())
                           and not (a == "together" and asked_element(genre, reading) is not None)),
            topics=frozenset(t for t in LOOKUP_TOPICS if genre.lookup_topics[t].search(reading)),
            # "楼上说这是市经信委的政策，对吗？@政策小助手 到底谁负责解释": another member's words are not our question
            other_schemes=tuple(genre.schemes_in(reading[addressed or 0:])),
            off_topic=tuple(genre.words_in(genre.off_topic, reading)),
            # "服务多少家企业才算": a how-many question is not about money.
            money_words=bool(genre.money_words.search(genre.count_question.sub("", reading))),
            asks=bool(genre.question.search(reading)),
            # not "多少比例", nor the cap a question asks to go past ("能不能突破100万的上限"), nor what the user says
            # they did not ask ("我不是问能拿多少，就想知道…能不能申请")
            asks_amount=bool(genre.amount_question.search(genre.lookup_topics["beyond_cap"].sub(
                "", genre.lookup_topics["rate"].sub("", genre.count_question.sub("", reading[addressed or 0:]))))),
            refers_back=bool(genre.back_reference.search(reading)),
            which_ones=bool(genre.which_ones.search(reading)),
            asks_count=bool(genre.count_question.search(reading)),
            asks_most=bool(genre.superlative.search(reading)),
            scale=None if amounts else genre.scale_in(reading) or share_in(genre, reading) or genre.unit_fix_in(reading),
            share=share_in(genre, reading) if amounts else None,
            addressed=addressed,
            applicants=find_applicants(reading, genre, self.catalog, covered),
        )
        return replace(parse, masked=mask(text, parse, genre.count_question, cap_after=genre.cap_figure_after))

    def parse(self, text: str) -> Parse:
        parse = self.extract(text)
        if self.reader is None or parse.empty_after_spans:
            return parse
        scores = dict(self.reader.scores(parse.masked, parse.reading))
        addressed = parse.addressed
        asked = [(addressed, len(parse.reading))] if addressed is not None else question_part(parse.reading, self.genre)
        if asked is not None:
            # A long message tells its story first and asks last: the question counts as much as the story (read
            # from this parse, not parsed again).
            masked = mask(text, parse, self.genre.count_question, keep=asked, cap_after=self.genre.cap_figure_after)
            part = self.reader.scores(masked, "".join(parse.reading[s:e] for s, e in asked))
            scores = {k: (scores.get(k, 0.0) + part.get(k, 0.0)) / 2 for k in scores.keys() | part.keys()}
        if not parse.asks:
            # Nothing is asked: the message states facts (or chats); it is not a question of its own.
            scores = {k: (v if k not in QUESTIONS else 0.0) for k, v in scores.items()}
            if max(scores.values(), default=0.0) <= 0.0:
                scores["inform"] = 1.0
        return parse.with_intent(max(scores, key=lambda k: scores[k]), scores)
