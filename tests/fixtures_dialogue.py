"""Session fixtures for the dialogue tests.

- ``assistant``: the real thing (corpus, rules, Chroma index, the embedding model) for end-to-end tests.
- ``fast_assistant`` / ``multi_assistant``: the fast core — the real reader (trained on character n-grams
  only, no embedding model), tracker, dialogue policy, calculator and answers, with a retriever that finds
  nothing (like simonw/llm's ``EmbedDemo``: a stand-in at the edge, never in the logic under test).
  ``multi_assistant`` loads the fictional fixture policies beside Jiading.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus
from assistant.dialogue import Assistant

#: The default as-of date of the dialogue tests: after the policy expired (2025-12-31).
AFTER_EXPIRY = date(2026, 11, 25)
IN_FORCE = date(2025, 6, 1)


class NoRetriever:
    """A retriever that finds nothing: answers must come from the reader, the rules and the calculator."""

    embedder = None

    def search(self, query: str, k: int = 5, **_: Any) -> list[Any]:
        return []

    def answerable(self, hits: Sequence[Any]) -> bool:
        return False


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    a = Assistant(settings, use_llm=False)
    a.warm_up()
    return a


@pytest.fixture(scope="session")
def fast_assistant(settings: Settings, corpus: Corpus) -> Assistant:
    return Assistant(settings, corpus=corpus, retriever=NoRetriever(), use_llm=False)


@pytest.fixture(scope="session")
def multi_assistant(settings: Settings, fixture_corpus: Corpus) -> Assistant:
    return Assistant(settings, corpus=fixture_corpus, retriever=NoRetriever(), use_llm=False)


def talk(a: Assistant, *turns: str) -> list[Any]:
    """One conversation on the in-force date: the reply to each turn."""
    chat = a.new_conversation(IN_FORCE)
    return [chat.ask(t) for t in turns]
