"""The genre's words as one typed record (:class:`Genre`), with the dialogue acts and look-up topics it names and
the small readings made with its words (regional words to mainland ones, a scaling word's factor). Readings of a
whole sentence (the share of an amount that counts, the element a list question asks of) are in
:mod:`assistant.nlu.genre_readings`. Loading and validating ``genre.yaml`` is :mod:`assistant.nlu.genre`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, get_args

from assistant.nlu.pasted import PasteWords

Act = Literal[
    "correction", "affirm", "deny", "follow_up", "same_project", "different_projects", "thanks", "together", "again", "plus",
    "dispute", "compare", "drop", "complaint",
]
ACTS: tuple[Act, ...] = get_args(Act)
LookupTopic = Literal[
    "validity", "interpreter", "upstream", "validity_yes_no", "stacking", "procedure", "repeat", "basis", "rate",
    "new_policy", "category", "hearsay", "certainty", "original", "beyond_cap", "exclusion", "options",
]
LOOKUP_TOPICS: tuple[LookupTopic, ...] = get_args(LookupTopic)


@dataclass(frozen=True)
class Genre:
    """The genre's vocabulary (see genre.yaml for what each field means)."""

    places: tuple[str, ...]
    english_places: Mapping[str, str]
    registration_words: tuple[str, ...]
    elsewhere: tuple[str, ...]
    home: tuple[str, ...]
    place_in_name: re.Pattern[str]
    other_schemes: tuple[str, ...]
    other_scheme_patterns: tuple[re.Pattern[str], ...]
    off_topic: tuple[str, ...]
    writing_task: re.Pattern[str]
    asks_human: re.Pattern[str]
    """Asked of the assistant itself: a person to talk to, or what it is ("能转人工吗", "你是机器人吧")."""
    addressed: re.Pattern[str]
    """A mention of the assistant in a group chat ("@政策小助手"): what follows is asked of us."""
    chat_codes: re.Pattern[str]
    paste_bullet: re.Pattern[str]
    paste_empty: re.Pattern[str]
    paste_yes: re.Pattern[str]
    paste_no: re.Pattern[str]
    paste_unit: re.Pattern[str]
    paste_asks_whether: re.Pattern[str]
    paste_row_pick: re.Pattern[str]
    paste_intro: re.Pattern[str]
    document_title: re.Pattern[str]
    changed_since: re.Pattern[str]
    redirect: re.Pattern[str]
    """What the user turns to after saying what they did not mean ("我不是问补多少，我是问…"): the question."""
    """A chat app's emoticon typed as text ("[捂脸]", "[抱拳]"): read as an emoji, not as words."""
    injection: tuple[re.Pattern[str], ...]
    attribution: tuple[re.Pattern[str], ...]
    injected_order: re.Pattern[str]
    imperative: re.Pattern[str]
    acts: Mapping[Act, re.Pattern[str]]
    lookup_topics: Mapping[LookupTopic, re.Pattern[str]]
    topic_hints: Mapping[str, str]
    """Words of the sentences that answer a topic ("repeat": 一次性 每年 …)."""
    money_words: re.Pattern[str]
    question: re.Pattern[str]
    amount_question: re.Pattern[str]
    count_question: re.Pattern[str]
    planned: re.Pattern[str]
    whole_amount: re.Pattern[str]
    spent_so_far: re.Pattern[str]
    asks_if_counts: re.Pattern[str]
    asks_how_counted: re.Pattern[str]
    relative_years: Mapping[str, int]
    back_reference: re.Pattern[str]
    which_ones: re.Pattern[str]
    in_progress: re.Pattern[str]
    superlative: re.Pattern[str]
    hypothetical: re.Pattern[str]
    what_if_sentence: re.Pattern[str]
    share: re.Pattern[str]
    third_party: re.Pattern[str]
    part_of_total: re.Pattern[str]
    part_said_next: re.Pattern[str]
    other_level: re.Pattern[str]
    other_body: re.Pattern[str]
    inside_document: re.Pattern[str]
    body_in_our_case: re.Pattern[str]
    only_a_part: re.Pattern[str]
    sum_asked: re.Pattern[str]
    asks_if_enough: re.Pattern[str]
    asks_if_any: re.Pattern[str]
    keeps_only: re.Pattern[str]
    """Another body's own programme, money or rules asked about ("科委那个政策今年还能再申请吗")."""
    this_project: re.Pattern[str]
    comparison: re.Pattern[str]
    support_words: re.Pattern[str]
    apply_words: re.Pattern[str]
    increment: re.Pattern[str]
    increment_lead: re.Pattern[str]
    increment_after: re.Pattern[str]
    """An amount added, said after it ("把二期的四百万也算进去呢")."""
    asks_also: re.Pattern[str]
    you_miscounted: re.Pattern[str]
    search_words: re.Pattern[str]
    in_pieces: re.Pattern[str]
    breakdown_parts: tuple[str, ...]
    another_project: re.Pattern[str]
    option_not_about: re.Pattern[str]
    negated_option: re.Pattern[str]
    negation: re.Pattern[str]
    negated_list: re.Pattern[str]
    asks_meaning: re.Pattern[str]
    asks_scope: re.Pattern[str]
    wants_money: re.Pattern[str]
    asks_our_amount: re.Pattern[str]
    courtesy: re.Pattern[str]
    bare_modal: re.Pattern[str]
    not_known_yet: re.Pattern[str]
    for_then: re.Pattern[str]
    alternatives: re.Pattern[str]
    this_policy: re.Pattern[str]
    checks_clause: re.Pattern[str]
    asks_who: re.Pattern[str]
    asks_who_applies: re.Pattern[str]
    asks_if_ended: re.Pattern[str]
    past_aspect: re.Pattern[str]
    says_what: re.Pattern[str]
    excluded_part: re.Pattern[str]
    spent_unitless: re.Pattern[str]
    awarded_by: re.Pattern[str]
    none_given: re.Pattern[str]
    not_same_as: re.Pattern[str]
    list_part: re.Pattern[str]
    drops_element: re.Pattern[str]
    named_by_amount: re.Pattern[str]
    """An element of a list named by its amount, right after it ("六十万那场")."""
    this_one: re.Pattern[str]
    asks_if_funded: re.Pattern[str]
    another_subject: re.Pattern[str]
    back_to_subject: re.Pattern[str]
    subject_label: re.Pattern[str]
    applicant_role: re.Pattern[str]
    applicant_asked_before: re.Pattern[str]
    applicant_asked_after: re.Pattern[str]
    applicant_place_before: re.Pattern[str]
    moved_to: re.Pattern[str]
    asks_others: re.Pattern[str]
    paid_how: re.Pattern[str]
    asks_why: re.Pattern[str]
    of_size: re.Pattern[str]
    report_as: re.Pattern[str]
    report_as_after: re.Pattern[str]
    nth_discussed: re.Pattern[str]
    by_item: re.Pattern[str]
    several_projects: re.Pattern[str]
    plural_reference: re.Pattern[str]
    """Several things discussed, referred back to together ("这些奖励都是一次性的吗")."""
    part_label: re.Pattern[str]
    """A label of one of several projects, companies or plants ("A是…", "乙厂"): group latin, stem or ord."""
    other_items: re.Pattern[str]
    """Other support than the item discussed, asked for ("还有别的补助吗"): the menu of items again."""
    turns_to: re.Pattern[str]
    back_to_original: re.Pattern[str]
    back_to_earlier: re.Pattern[str]
    """Back to the question left open before a side question ("那刚才那个呢", "回到刚才的问题")."""
    undone: re.Pattern[str]
    not_yet: re.Pattern[str]
    denied_amount: re.Pattern[str]
    delegation: re.Pattern[str]
    cue_fillers: re.Pattern[str]
    expected_award: re.Pattern[str]
    expected_award_after: re.Pattern[str]
    why_difference: re.Pattern[str]
    pays_verb: re.Pattern[str]
    all_discussed: re.Pattern[str]
    rough_amount: re.Pattern[str]
    made_precise: re.Pattern[str]
    plan_message: re.Pattern[str]
    budget: re.Pattern[str]
    respectively: re.Pattern[str]
    by_this_amount: re.Pattern[str]
    actual_value: re.Pattern[str]
    received: re.Pattern[str]
    applies_for: re.Pattern[str]
    asked_of_scheme: re.Pattern[str]
    menu_question: re.Pattern[str]
    restated: re.Pattern[str]
    stated_figure: re.Pattern[str]
    other_figure: re.Pattern[str]
    cap_figure_after: re.Pattern[str]
    company_wide: re.Pattern[str]
    trade: re.Pattern[str]
    rate_award: re.Pattern[str]
    result_words: re.Pattern[str]
    said_back: re.Pattern[str]
    confirm_tag: re.Pattern[str]
    asked_back: re.Pattern[str]
    name_fillers: re.Pattern[str]
    """Little words inside an item's name said loosely ("两化融合那个管理体系")."""
    picks_item: re.Pattern[str]
    another_project_before: re.Pattern[str]
    went_elsewhere: re.Pattern[str]
    settled_in: re.Pattern[str]
    total_reached: re.Pattern[str]
    for_another_project: re.Pattern[str]
    vague_terms: re.Pattern[str]
    """Words a text uses without a measure ("一定数量", "良好应用效果"): asked to quantify them, the text is silent."""
    asks_measure: re.Pattern[str]
    asks_conditions: re.Pattern[str]
    refines: re.Pattern[str]
    """Words before an amount that make it the precise one ("三百多万吧，具体是三百二十万")."""
    approximate: re.Pattern[str]
    """An amount said roughly: in its own words ("三百多万") or around it ("大概300万", "300万左右")."""
    element_ordinal: re.Pattern[str]
    menu_pick: re.Pattern[str]
    """A pick from a list the assistant just gave, by its place ("第二个"): group ``n``."""
    """An element of a list named by its place: group ``n`` its number, or ``last``."""
    adds_element: re.Pattern[str]
    another_year: re.Pattern[str]
    adds_up: re.Pattern[str]
    self_correction: re.Pattern[str]
    advice_asked: re.Pattern[str]
    option_not_won: re.Pattern[str]
    denied_after: re.Pattern[str]
    given_to_us: re.Pattern[str]
    follow_up_opening: re.Pattern[str]
    same_question: re.Pattern[str]
    """The question just answered, asked of something else ("那«item»那条也一样吗")."""
    needed_before: re.Pattern[str]
    their_support: re.Pattern[str]
    instead: re.Pattern[str]
    counted: re.Pattern[str]
    this_part: re.Pattern[str]
    needed_after: re.Pattern[str]
    needed_after_either: re.Pattern[str]
    scales: tuple[tuple[str, Fraction], ...] = ()
    unit_fixes: tuple[tuple[re.Pattern[str], Fraction], ...] = ()
    """Words that scale the amount discussed ("翻倍" 2, "减半" 1/2), longest first."""
    regional_words: tuple[tuple[str, str], ...] = ()
    """Taiwan / Hong Kong words and the mainland word the texts use ("专案" → "项目"), longest first."""
    quote_hints: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """A question's word for a part of a rule and how the texts write that part ("比例" → "%"): the sentence to quote."""
    applicant_place_says: str = "{place}"
    """What a place said before a company's role means, as a message would say it ("注册在{place}")."""

    def mainland(self, text: str) -> str:
        """``text`` with regional words replaced by the mainland words ("AI质检专案" → "AI质检项目")."""
        for word, plain in self.regional_words:
            if word in text:
                text = text.replace(word, plain)
        return text

    def unit_fix_in(self, text: str) -> Fraction | None:
        """The factor of a correction of the unit or the digits just given ("是万元不是元" → 10000), if any."""
        return next((f for p, f in self.unit_fixes if p.search(text)), None)

    def scale_in(self, text: str) -> Fraction | None:
        """The factor of the first scaling word in ``text`` ("那如果投入翻倍呢" → 2), if any."""
        lower = text.lower()
        return next((f for w, f in self.scales if w in lower), None)

    def act(self, name: Act, text: str) -> bool:
        return bool(self.acts[name].search(text))

    def paste_words(self) -> PasteWords:
        """The patterns the structured-paste reader works with (:mod:`assistant.nlu.pasted`)."""
        return PasteWords(self.paste_bullet, self.paste_empty, self.paste_yes, self.paste_no, self.paste_unit,
                          self.paste_asks_whether, self.paste_row_pick, self.paste_intro)

    def document_titles(self, text: str) -> list[str]:
        """The titles of documents named in ``text`` ("《青浦区…若干措施》"), without their marks."""
        return [m.group("title") for m in self.document_title.finditer(text)]

    def words_in(self, words: tuple[str, ...], text: str) -> list[str]:
        """The words of ``words`` in ``text``; a Latin-letter word only as a whole word ("rain", not in "training")."""
        lower = text.lower()
        return [w for w in words if (re.search(rf"(?<![a-z]){re.escape(w.lower())}(?![a-z])", lower)
                                     if w.isascii() else w.lower() in lower)]

    def schemes_in(self, text: str) -> list[str]:
        """Other support schemes named in ``text`` (words and patterns)."""
        found = self.words_in(self.other_schemes, text)
        return found + [m.group(0) for p in self.other_scheme_patterns if (m := p.search(text))]
