"""The conversation layer: routing, fact extraction, grounded answers with clause citations.

    from assistant.dialogue import Assistant
    conv = Assistant(settings).new_conversation(as_of=date(2026, 11, 25))
    reply = conv.ask("已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？")
"""

from assistant.dialogue.assistant import Assistant
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.reply import INTENTS, Citation, Intent, Reply

__all__ = ["INTENTS", "Assistant", "Citation", "Conversation", "Intent", "Reply"]
