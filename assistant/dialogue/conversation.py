"""One conversation's state: the enterprise profile learned so far and the open question.

State belongs to one conversation object and is never shared: the UI keeps one per browser session,
the CLI one per invocation. The assistant reads and updates it in :meth:`Conversation.ask`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from assistant.dialogue.reply import Intent, Reply

if TYPE_CHECKING:
    from assistant.dialogue.assistant import Assistant


@dataclass
class Conversation:
    """A multi-turn conversation with an as-of date (default: today)."""

    assistant: Assistant
    as_of: date = field(default_factory=date.today)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    profile: dict[str, Any] = field(default_factory=dict)
    """Facts learned so far (fact name → value), across turns; corrections overwrite."""
    policy_id: str | None = None
    last_intent: Intent | None = None
    last_items: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    """Fact names the last reply asked for."""
    awaiting_item: bool = False
    """The last reply asked which award item the user means."""
    history: list[tuple[str, Reply]] = field(default_factory=list)

    def ask(self, text: str) -> Reply:
        reply = self.assistant.respond(self, text)
        self.history.append((text, reply))
        return reply

    def reset(self) -> None:
        """Forget the profile and the open question (the UI's 新对话)."""
        self.profile.clear()
        self.policy_id = None
        self.last_intent = None
        self.last_items = []
        self.pending = []
        self.awaiting_item = False
        self.history.clear()
