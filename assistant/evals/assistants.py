"""The assistant an eval runs against: what the runner and the benchmark need of it (:class:`AssistantLike`:
``new_conversation(as_of=...)``, then ``ask(text)`` per turn), and :func:`default_assistant_factory`, the real
:class:`~assistant.dialogue.Assistant`, imported only when a run starts. Tests pass a scripted fake instead.
Part of :mod:`assistant.evals.runner`, which re-exports these names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from assistant.config import Settings
from assistant.errors import PolicyQAError


class ConversationLike(Protocol):
    def ask(self, text: str) -> Any: ...


class AssistantLike(Protocol):
    def new_conversation(self, as_of: date | None = None) -> ConversationLike: ...


AssistantFactory = Callable[[Settings], AssistantLike]


def default_assistant_factory(settings: Settings) -> AssistantLike:
    """The real assistant, imported only when a run starts."""
    try:
        from assistant.dialogue import Assistant
    except ImportError as err:
        raise PolicyQAError(f"评测需要对话助手 assistant.dialogue.Assistant，但目前无法导入：{err}") from err
    return Assistant(settings)
