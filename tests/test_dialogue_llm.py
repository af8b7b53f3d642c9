"""The optional LLM backend, exercised with a scripted fake chat model (no network, no real model).

The fake stands in for any LangChain chat model: it answers ``invoke`` with scripted messages and
``with_structured_output(...).invoke`` with a scripted reading. These tests prove the model can only
read and phrase: the calculator decides the figure and the guard rejects any figure it invents.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage

from assistant.config import Settings
from assistant.dialogue import Assistant
from assistant.dialogue.llm import LLMBackend, QuestionReading
from assistant.dialogue.prompts import load_prompt
from assistant.errors import DataError
from tests.fixtures_dialogue import IN_FORCE


class ScriptedChatModel:
    def __init__(self, phrasing: str | Exception, reading: QuestionReading | Exception) -> None:
        self.phrasing = phrasing
        self.reading = reading
        self.prompts: list[str] = []

    def invoke(self, prompt: str) -> AIMessage:
        self.prompts.append(prompt)
        if isinstance(self.phrasing, Exception):
            raise self.phrasing
        return AIMessage(content=self.phrasing)

    def with_structured_output(self, schema: Any) -> Any:
        outer = self

        class _Structured:
            def invoke(self, prompt: str) -> Any:
                outer.prompts.append(prompt)
                if isinstance(outer.reading, Exception):
                    raise outer.reading
                return outer.reading

        return _Structured()


def _assistant(assistant: Assistant, model: ScriptedChatModel) -> Assistant:
    return Assistant(
        assistant.settings, corpus=assistant.corpus, retriever=assistant.retriever,
        llm=LLMBackend(model, assistant.settings),
    )


QUESTION = "已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？"


def test_grounded_phrasing_is_used(assistant: Assistant):
    model = ScriptedChatModel("好消息：按第1条，贵司最高可获资助200万元（800万元×30%=240万元，超过上限取200万元）。",
                              QuestionReading(intent="award", item_ids=["1"], facts={}))
    reply = _assistant(assistant, model).ask(QUESTION, as_of=IN_FORCE)
    assert reply.answer.startswith("好消息")
    assert reply.amount_yuan == 2_000_000
    assert reply.answer.rstrip().splitlines()[-1].startswith("依据：第1条")


def test_phrasing_with_an_invented_figure_is_rejected(assistant: Assistant):
    model = ScriptedChatModel("按第1条，贵司可获资助1000万元。", QuestionReading(intent="award", item_ids=["1"]))
    reply = _assistant(assistant, model).ask(QUESTION, as_of=IN_FORCE)
    assert "1000万" not in reply.answer
    assert "按第1条，最高可获资助200万元" in reply.answer


def test_model_cannot_plant_a_fact_the_user_never_wrote(assistant: Assistant):
    reading = QuestionReading(intent="award", item_ids=["1"], facts={"investment_yuan": "5000万"})
    model = ScriptedChatModel(RuntimeError("no phrasing"), reading)
    reply = _assistant(assistant, model).ask("智能工厂授牌了，能补多少？", as_of=IN_FORCE)
    assert reply.amount_yuan is None
    assert reply.missing_facts == ["investment_yuan"]


def test_unreachable_endpoint_falls_back_to_the_offline_answer(assistant: Assistant):
    model = ScriptedChatModel(ConnectionError("refused"), ConnectionError("refused"))
    reply = _assistant(assistant, model).ask(QUESTION, as_of=IN_FORCE)
    assert reply.amount_yuan == 2_000_000


def test_backend_is_off_by_default():
    assert LLMBackend.from_settings(Settings()) is None


def test_prompt_with_a_missing_variable_raises():
    prompt = load_prompt("phrase_answer")
    assert {"question", "draft", "evidence", "trace"} <= prompt.fields
    with pytest.raises(DataError):
        prompt.render(question="q")


def test_real_client_against_an_unreachable_endpoint_falls_back(assistant: Assistant):
    """langchain-openai pointed at a closed loopback port: a logged warning and the offline answer."""
    from dataclasses import replace

    settings = replace(assistant.settings, llm_base_url="http://127.0.0.1:9/v1", llm_timeout_s=2.0)
    backend = LLMBackend.from_settings(settings)
    assert backend is not None
    a = Assistant(settings, corpus=assistant.corpus, retriever=assistant.retriever, llm=backend)
    reply = a.ask(QUESTION, as_of=IN_FORCE)
    assert reply.amount_yuan == 2_000_000
    assert "按第1条，最高可获资助200万元" in reply.answer
