"""政策匹配: what an enterprise can claim, item by item (see issue 12). Until a profile is known, the list of
items with their largest figures."""

from __future__ import annotations

from assistant.dialogue.answer import Answer
from assistant.dialogue.answers.award import ask_item
from assistant.dialogue.answers.common import Context


def answer_match(ctx: Context) -> Answer:
    if ctx.rules is None:
        from assistant.dialogue.answers.simple import no_rules

        return no_rules(ctx)
    return ask_item(ctx)
