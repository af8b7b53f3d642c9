"""Session fixtures for the corpus: settings, the parsed corpus, the Jiading policy, and the corpus with the
fictional fixture policies of tests/fixtures/policies/ loaded beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus, Policy, load_corpus

JIADING = "jiading-iiot-2024"
FIXTURE_POLICIES = Path(__file__).parent / "fixtures" / "policies"


@pytest.fixture(scope="session")
def settings(_policy_qa_home) -> Settings:  # noqa: ANN001 - fixture
    return Settings.from_env()


@pytest.fixture(scope="session")
def corpus(settings: Settings) -> Corpus:
    return load_corpus(settings.corpus_dir)


@pytest.fixture(scope="session")
def policy(corpus: Corpus) -> Policy:
    return corpus.policy(JIADING)


@pytest.fixture(scope="session")
def fixture_corpus(settings: Settings) -> Corpus:
    """The product corpus plus the fixture policies (as POLICY_QA_EXTRA_CORPUS would load them)."""
    return load_corpus(settings.corpus_dir, extra=(FIXTURE_POLICIES,))
