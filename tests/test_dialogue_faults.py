"""Answers when retrieval is down (issue 14, item 8): figures come from the rules and the calculator, so award
and eligibility answers, clause references and questions about the document itself never depend on the index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus
from assistant.dialogue import Assistant
from assistant.errors import RetrievalUnavailable
from tests.fixtures_dialogue import IN_FORCE


class DownRetriever:
    """Every search fails the way a stopped Chroma server does."""

    embedder = None

    def __init__(self) -> None:
        self.calls = 0

    def search(self, query: str, k: int = 5, **_: Any) -> list[Any]:
        self.calls += 1
        raise RetrievalUnavailable("无法连接检索服务（测试）")

    def answerable(self, hits: Sequence[Any]) -> bool:
        return False


@pytest.fixture(scope="module")
def down(settings: Settings, corpus: Corpus, fast_assistant: Assistant) -> tuple[Assistant, DownRetriever]:
    retriever = DownRetriever()
    # The reader of the fast core (one message, no retrieval): what is down here is retrieval, not the reader.
    return Assistant(settings, corpus=corpus, retriever=retriever, use_llm=False, nlu=fast_assistant.nlu), retriever


@pytest.mark.parametrize(
    ("question", "intent", "amount", "clause"),
    [
        ("规上企业奖励多少", "award", 200_000, "4"),
        ("智能工厂授牌了，项目投了500万，能补多少？", "award", 1_500_000, "1"),
        ("我们是分公司，能申请贯标补贴吗", "eligibility", None, "一"),
        ("第5条讲的是什么", "lookup", None, "5"),
        ("本政策由哪个部门解释", "lookup", None, "16"),
    ],
)
def test_answers_from_the_rules_do_not_need_retrieval(
    down: tuple[Assistant, DownRetriever], question: str, intent: str, amount: int | None, clause: str
):
    assistant, retriever = down
    before = retriever.calls
    reply = assistant.ask(question, IN_FORCE)
    assert retriever.calls > before  # retrieval was tried and failed
    assert reply.intent == intent and reply.amount_yuan == amount
    assert clause in [c.clause_id for c in reply.citations]
