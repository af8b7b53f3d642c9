"""Session fixtures for the dialogue tests: one real Assistant (real corpus, rules, Chroma index, model)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.config import Settings
from assistant.dialogue import Assistant

#: The default as-of date of the dialogue tests: after the policy expired (2025-12-31).
AFTER_EXPIRY = date(2026, 11, 25)
IN_FORCE = date(2025, 6, 1)


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    a = Assistant(settings, use_llm=False)
    a.warm_up()
    return a
