"""A conversation bound to what answers it: ``chat.ask(text)`` — what the UI, the CLI and the evals hold.

The conversation is state only; answering is the responder's (:class:`~assistant.dialogue.assistant.Assistant`),
which this module does not import.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from assistant.dialogue.conversation import Conversation
from assistant.dialogue.reply import Reply
from assistant.dialogue.state import DialogueState


class Responder(Protocol):
    def respond(self, conv: Conversation, text: str) -> Reply: ...


class Chat:
    """A conversation bound to the assistant that answers it — what the UI, the CLI and the evals use."""

    def __init__(self, assistant: Responder, conversation: Conversation) -> None:
        self.assistant = assistant
        self.conversation = conversation

    def ask(self, text: str) -> Reply:
        return self.assistant.respond(self.conversation, text)

    @property
    def id(self) -> str:
        return self.conversation.id

    @property
    def as_of(self) -> date:
        return self.conversation.as_of

    @as_of.setter
    def as_of(self, value: date) -> None:
        self.conversation.as_of = value

    @property
    def state(self) -> DialogueState:
        return self.conversation.state

    @property
    def history(self) -> list[tuple[str, Reply]]:
        return self.conversation.history

    @property
    def profile(self) -> dict[str, Any]:
        return self.conversation.profile

    def reset(self) -> None:
        self.conversation.reset()
