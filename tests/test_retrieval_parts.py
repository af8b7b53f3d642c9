"""Questions about a group of items: the part the best matching item sits in comes first (retrieval.parts)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.config import Settings
from assistant.corpus import Policy
from assistant.retrieval.hits import Hit
from assistant.retrieval.lexicon import normalise
from assistant.retrieval.parts import PartWords, asked_part, group_of_first
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.vocabulary import genre_vocabulary

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
    ],
)
def test_group_questions_in_search(settings: Settings, query: str, first: str) -> None:
    assert Retriever(settings).search(query, k=3)[0].clause_id == first
