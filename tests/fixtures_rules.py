"""Session fixtures for the rules tests: the Jiading policy's award rules, loaded once."""

from __future__ import annotations

import pytest

from assistant.corpus import Policy
from assistant.rules import PolicyRules, load_rules


@pytest.fixture(scope="session")
def rules(policy: Policy) -> PolicyRules:
    """The award rules of the Jiading policy, checked against its metadata (validity)."""
    return load_rules(policy)
