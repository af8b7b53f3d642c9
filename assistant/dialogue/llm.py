"""Optional LLM backend over any OpenAI-compatible endpoint (langchain-openai). Off by default.

When ``POLICY_QA_LLM_BASE_URL`` is set the model may do exactly two things:
(a) stand in for the intent reader (:class:`LLMIntentReader`; the trained reader answers when it fails), and
(b) phrase an answer from the same evidence and trace.
It never picks a rate or a cap and never does arithmetic: the calculator computes every figure and the
guard (:mod:`assistant.dialogue.guard`) rejects any phrasing that carries a figure the evidence and trace
do not hold — the deterministic draft is used instead. Facts the model reads are kept only when their
figures appear in the user's own message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from assistant.config import Settings
from assistant.dialogue.prompts import load_prompt
from assistant.errors import LLMUnavailable

log = logging.getLogger(__name__)


class QuestionReading(BaseModel):
    """What the model may read from a question."""

    intent: str = Field(
        description="award | eligibility | lookup | match | inform | followup | out_of_scope | vague | chitchat"
    )
    item_ids: list[str] = Field(default_factory=list, description="补贴事项的条款编号")
    facts: dict[str, str] = Field(default_factory=dict, description="事实名 → 用户原文中的写法")


class LLMBackend:
    """Wraps a LangChain chat model; any ``BaseChatModel`` works (tests pass a scripted fake)."""

    def __init__(self, chat_model: Any, settings: Settings) -> None:
        self.chat_model = chat_model
        self.settings = settings
        self._read_prompt = load_prompt("read_question", settings.prompts_dir)
        self._phrase_prompt = load_prompt("phrase_answer", settings.prompts_dir)

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMBackend | None:
        """The configured backend, or None when no endpoint is set (the default)."""
        if not settings.llm_base_url:
            return None
        from langchain_openai import ChatOpenAI

        model = ChatOpenAI(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
            model=settings.llm_model,
            timeout=settings.llm_timeout_s,
            max_retries=1,
            temperature=0,
        )
        return cls(model, settings)

    def _invoke(self, prompt: str, structured: type[BaseModel] | None = None) -> Any:
        try:
            if structured is not None:
                return self.chat_model.with_structured_output(structured).invoke(prompt)
            return self.chat_model.invoke(prompt)
        except Exception as err:  # any transport or parsing failure of an optional backend
            raise LLMUnavailable(
                f"大模型服务（{self.settings.llm_base_url or '已配置的端点'}）暂时无法使用：{type(err).__name__}。"
                "已改用内置的离线答复。"
            ) from err

    def read_question(
        self, question: str, items: Mapping[str, str], facts: Mapping[str, str]
    ) -> QuestionReading:
        prompt = self._read_prompt.render(
            question=question,
            items="\n".join(f"- {k}：{v}" for k, v in items.items()),
            facts="\n".join(f"- {k}：{v}" for k, v in facts.items()),
        )
        result = self._invoke(prompt, QuestionReading)
        if isinstance(result, QuestionReading):
            return result
        if isinstance(result, Mapping):
            return QuestionReading.model_validate(result)
        raise LLMUnavailable("大模型返回的结构无法识别，已改用内置的离线答复。")

    def phrase(self, question: str, draft: str, evidence: Sequence[str], trace: Sequence[str]) -> str:
        prompt = self._phrase_prompt.render(
            question=question,
            draft=draft,
            evidence="\n\n".join(evidence) or "（无）",
            trace="\n".join(trace) or "（无）",
        )
        message = self._invoke(prompt)
        content = getattr(message, "content", message)
        if not isinstance(content, str) or not content.strip():
            raise LLMUnavailable("大模型没有返回答复，已改用内置的离线答复。")
        return content.strip()


class LLMIntentReader:
    """The model as the intent reader (the same interface as the trained one, which it falls back to)."""

    def __init__(self, backend: LLMBackend, fallback: Any) -> None:
        self.backend = backend
        self.fallback = fallback

    def scores(self, masked: str, text: str = "") -> Mapping[str, float]:
        from assistant.nlu.intents import NLU_INTENTS

        try:
            reading = self.backend.read_question(text or masked, {}, {})
        except LLMUnavailable as err:
            log.warning("%s", err)
            return self.fallback.scores(masked, text)
        intent = reading.intent.strip().lower()
        if intent not in NLU_INTENTS:
            return self.fallback.scores(masked, text)
        return {intent: 1.0}
