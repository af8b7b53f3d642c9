"""Session fixtures for the corpus: settings, the parsed corpus and the Jiading policy."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus, Policy, load_corpus

JIADING = "jiading-iiot-2024"


@pytest.fixture(scope="session")
def settings(_policy_qa_home) -> Settings:  # noqa: ANN001 - fixture
    return Settings.from_env()


@pytest.fixture(scope="session")
def corpus(settings: Settings) -> Corpus:
    return load_corpus(settings.corpus_dir)


@pytest.fixture(scope="session")
def policy(corpus: Corpus) -> Policy:
    return corpus.policy(JIADING)
