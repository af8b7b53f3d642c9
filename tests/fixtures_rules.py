"""Session fixtures for the rules tests: the Jiading policy's award rules, and every policy's rules."""

from __future__ import annotations

import pytest

from assistant.corpus import Corpus, Policy
from assistant.rules import PolicyRules, load_all_rules, load_rules


@pytest.fixture(scope="session")
def rules(policy: Policy) -> PolicyRules:
    """The award rules of the Jiading policy, bound to it."""
    return load_rules(policy)


@pytest.fixture(scope="session")
def all_rules(fixture_corpus: Corpus) -> dict[str, PolicyRules]:
    """The rules of every policy that has them: Jiading and the fixture policies."""
    return load_all_rules(fixture_corpus)
