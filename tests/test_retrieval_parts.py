"""Questions about a group of items: the part the best matching item sits in comes first (retrieval.parts); a part
placed by its number or position among its siblings (retrieval.places)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus, Policy
from assistant.retrieval.hits import Hit
from assistant.retrieval.lexicon import Analyzer, normalise
from assistant.retrieval.parts import PartWords, asked_part, group_of_first, prefer_placed_part
from assistant.retrieval.places import carries_place
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.vocabulary import corpus_vocabulary, genre_vocabulary

WORDS = genre_vocabulary().parts.normalised(normalise)


def _hits(policy: Policy, *ids: str) -> list[Hit]:
    return [Hit(policy.clause(i), 1.0 - n / 10, True, date(2025, 12, 31), ()) for n, i in enumerate(ids)]


def test_a_word_for_a_group_asks_for_the_part_of_the_best_item(policy: Policy) -> None:
    hits = _hits(policy, "6", "7", "5")
    asked = normalise("提升服务水平那一大类里都有哪些可以申请")
    assert group_of_first(hits, WORDS, asked) == (policy.policy_id, "二（二）")
    # the same question pointing at one item is about that item
    assert group_of_first(hits, WORDS, normalise("标识解析那一条归哪个大类")) is None
    assert group_of_first(hits, WORDS, normalise("标识解析是第几条")) is None  # 几条 of 第几条 is one item's number
    # no word for a group: the item
    assert group_of_first(hits, WORDS, normalise("标识解析二级节点给多少")) is None
    # a part already first stays
    assert group_of_first(_hits(policy, "二（二）", "6"), WORDS, asked) is None
    # the words are data: an empty genre list asks for no part
    assert group_of_first(hits, PartWords(), asked) is None


def test_a_placed_part_is_left_to_the_placing_rule(policy: Policy) -> None:
    hits = _hits(policy, "6", "二（二）")
    asked = normalise("第二个大类都有哪几项")
    assert asked_part(hits, WORDS, asked, places=set()) == (policy.policy_id, "二（二）")
    assert asked_part(hits, WORDS, asked, places={"第二个大类"}) is None


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("提升服务水平那一大类里都有哪些可以申请，标识解析算不算在里面", "二（二）"),
        ("跟院所合作、办大赛、搞培训是不是都归在同一大类里", "二（三）"),
        ("标识解析二级节点那一条，是归在政策的哪个大类下面的？", "6"),
        # "部分" is also a share of money: not a group
        ("我们今年被评为市级智能工厂，改造投资那部分能拿多少补助", "1"),
        # a part by its own outline number
        ("二（一）这一小节整体是什么内容", "二（一）"),
        ("二（三）下面几条分别是什么", "二（三）"),
        # "一大块" said of money is no group
        ("投资里有一大块是买设备和软件的钱，授了智能工厂，这些都能算进实际投资里按比例补吗", "1"),
    ],
)
def test_group_questions_in_search(settings: Settings, query: str, first: str) -> None:
    assert Retriever(settings).search(query, k=3)[0].clause_id == first


@pytest.mark.parametrize(
    ("policy_id", "words", "part"),
    [
        # a position is relative to the part's siblings, whatever the outline
        ("example-digital-2027", "最后那一小类", "二（三）"),
        ("example-digital-2027", "夹在中间的那一大类", "二（二）"),
        ("example-digital-2027", "排在最前面的那个大类", "二（一）"),
        ("example-digital-2027", "最后一部分", "三"),
        ("example-digital-2027", "the first group", "二（一）"),
        ("example-software-2026", "最后一章", "第三章"),
        ("example-software-2026", "第二部分", "第二章"),
        ("example-software-2026", "中间那一章", "第二章"),
    ],
)
def test_a_part_is_placed_by_position_in_any_outline(fixture_corpus: Corpus, policy_id: str, words: str, part: str) -> None:
    policy = fixture_corpus.policy(policy_id)
    analyzer = Analyzer(corpus_vocabulary(fixture_corpus))
    asked = {t for _, tokens in analyzer.matches(normalise(f"{words}讲了什么")).senses for t in tokens}
    places = [s for s in analyzer.vocabulary.senses if s.is_place and s.token in asked]
    carriers = {c.clause_id for c in policy.clauses for s in places if s.kinds == (c.kind,) and carries_place(policy, c, s.number)}
    assert carriers == {part}


@pytest.mark.parametrize(("words", "part"), [("二（一）这一小节", "二（一）"), ("二(三)下面几条", "二（三）"),
                                           ("二、（二）", "二（二）")])
def test_a_part_is_named_by_its_own_outline_number(fixture_corpus: Corpus, words: str, part: str) -> None:
    analyzer = Analyzer(corpus_vocabulary(fixture_corpus))
    asked = {t for _, tokens in analyzer.matches(normalise(f"{words}讲了什么")).senses for t in tokens}
    named = [s for s in analyzer.vocabulary.senses if s.is_place and s.token in asked]
    # (each policy with that outline number has its own sense: the corpus holds Jiading's outline too)
    assert "example-digital-2027" in {s.policy_id for s in named} and {s.clauses for s in named} == {(part,)}


def test_an_item_of_another_part_does_not_hide_the_placed_part(policy: Policy) -> None:
    def hit(clause_id: str, terms: tuple[str, ...]) -> Hit:
        return Hit(policy.clause(clause_id), 1.0, True, date(2025, 12, 31), terms)

    def parent_of(policy_id: str, clause_id: str) -> str | None:
        return policy.clause(clause_id).parent_id

    # "最后那一小类讲产业氛围和配套的": 配套 matched 第5条's 资金配套, a word of another part
    other, placed = hit("5", ("资金配套",)), hit("二（三）", ("产业", "最后那一小类"))
    assert prefer_placed_part([other, placed], {"最后那一小类"}, parent_of)[0].clause_id == "二（三）"
    # an item inside the placed part, matching a word the part does not, is what is asked ("最后一部分里的重大项目怎么报")
    inside = hit("12", ("重大项目",))
    section = hit("三", ("最后一部分",))
    assert prefer_placed_part([inside, section], {"最后一部分"}, parent_of)[0].clause_id == "12"
    # an item two levels down is inside the section too ("第二部分里的服务商补多少")
    grandchild, second = hit("7", ("服务商", "补")), hit("二", ("第二部分",))
    assert prefer_placed_part([grandchild, second], {"第二部分"}, parent_of)[0].clause_id == "7"
    # "第二部分的第二个小节讲了哪些": the part placed inside the placed part, whatever else ranks above both
    unrelated, sub = hit("三", ()), hit("二（二）", ("第二个小节",))
    order = prefer_placed_part([unrelated, second, sub], {"第二部分", "第二个小节"}, parent_of)
    assert [h.clause_id for h in order] == ["二（二）", "二", "三"]
