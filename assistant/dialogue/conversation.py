"""One conversation: its state (:class:`~assistant.dialogue.state.DialogueState`) and the exchanges so far.

State only: it never calls the assistant. The UI keeps one per browser session, the CLI one per invocation;
:class:`assistant.dialogue.chat.Chat` binds one to the assistant that answers it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from assistant.dialogue.reply import Reply
from assistant.dialogue.state import DialogueState


@dataclass
class Conversation:
    """A multi-turn conversation with an as-of date (default: today)."""

    state: DialogueState = field(default_factory=lambda: DialogueState(as_of=date.today()))
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    history: list[tuple[str, Reply]] = field(default_factory=list)

    @property
    def as_of(self) -> date:
        return self.state.as_of

    @as_of.setter
    def as_of(self, value: date) -> None:
        # The profile stays; validity and figures follow the new date.
        self.state = replace(self.state, as_of=value)

    @property
    def profile(self) -> dict[str, Any]:
        """Facts learned so far for the current policy (fact name → value)."""
        return self.state.profile()

    @property
    def policy_id(self) -> str | None:
        return self.state.policy_id

    def reset(self) -> None:
        """Forget everything but the date (the UI's 新对话 and clear button)."""
        self.state = DialogueState(as_of=self.state.as_of)
        self.history.clear()
