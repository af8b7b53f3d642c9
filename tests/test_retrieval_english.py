"""Look-ups in English and about the parts of a policy (dev102, retrieval-dev28): an English key matches its plural
("events" finds the phrasing "event", "subsidies" the key "subsidy"), and a question naming two parts of one section
by words of their own titles ("企业建设、服务能力、生态三块都在哪章") is about the section above them."""

from __future__ import annotations

from datetime import date

from assistant.config import Settings
from assistant.corpus import Policy
from assistant.retrieval.hits import Hit
from assistant.retrieval.parts import whole_part
from assistant.retrieval.query_matches import _english_pattern, singulars
from assistant.retrieval.retriever import Retriever


def test_an_english_key_matches_its_plural() -> None:
    import re

    assert re.search(_english_pattern("event"), "which events are supported")
    assert re.search(_english_pattern("subsidy"), "what subsidies are there")
    assert re.search(_english_pattern("service provider"), "for service providers")
    assert not re.search(_english_pattern("event"), "eventually")
    assert "subsidy" in singulars("subsidies")
    assert "event" in singulars("events") and singulars("is") == ("is",)


def test_an_english_question_in_the_plural_finds_its_clause(settings: Settings) -> None:
    hit = Retriever(settings).search("Which kinds of events are supported under the events item?", k=3)[0]
    assert hit.clause_id == "9"


def _hit(policy: Policy, clause_id: str, score: float, *terms: str) -> Hit:
    return Hit(policy.clause(clause_id), score, True, date(2025, 12, 31), terms)


def test_two_parts_each_named_by_their_own_title_ask_for_the_section(policy: Policy) -> None:
    hits = [_hit(policy, "二（二）", 1.0, "服务能力"), _hit(policy, "二（三）", 0.9, "生态"), _hit(policy, "7", 0.5, "服务")]
    assert whole_part(hits, asks_list=True) == (policy.policy_id, "二")
    # the second named only by a word both titles hold: the first part, as before
    shared = [_hit(policy, "二（二）", 1.0, "服务能力"), _hit(policy, "二（三）", 0.9, "建设"), _hit(policy, "7", 0.5, "服务")]
    assert whole_part(shared, asks_list=True) is None
    # not asked as a list or a part: no section
    assert whole_part(hits, asks_list=False) is None


def test_a_question_naming_three_parts_finds_their_section(settings: Settings) -> None:
    hit = Retriever(settings).search("各项补贴标准整体在哪章 企业建设 服务能力 生态三块都在里面", k=3)[0]
    assert hit.clause_id == "二"


def test_a_plural_english_word_finds_its_singular_key() -> None:
    from assistant.retrieval.lexicon import Analyzer, normalise
    from assistant.retrieval.vocabulary import Vocabulary

    analyzer = Analyzer(Vocabulary(synonyms=(("event", "活动"), ("subsidy", "补贴"))))
    found = dict(analyzer.matches(normalise("which events and subsidies are there")).synonyms)
    assert found == {"event": "活动", "subsidy": "补贴"}
