"""The closed set of intents the reader assigns to one message (before any conversation state).

These are what the user wants from this message; the dialogue policy turns them, with the state, into the
reply's intent (``assistant.dialogue.reply.Intent``): an ``inform`` that answers the assistant's question
continues an award question, a ``followup`` keeps the previous question's kind, and so on.
"""

from __future__ import annotations

from typing import Literal, get_args

NluIntent = Literal[
    "award", "eligibility", "lookup", "match", "inform", "followup", "out_of_scope", "vague", "chitchat"
]
NLU_INTENTS: tuple[NluIntent, ...] = get_args(NluIntent)
#: Questions: each starts (or replaces) a goal of its own kind.
QUESTIONS: frozenset[NluIntent] = frozenset({"award", "eligibility", "lookup", "match"})
#: Below this probability the top intent is not trusted (Rasa's FallbackClassifier threshold).
FALLBACK_THRESHOLD = 0.25
FALLBACK_INTENT: NluIntent = "vague"
