"""Session fixtures for the retrieval tests: the embedding model and the index are built once per session.

The ``retriever`` fixture uses the real default embedder and a real Chroma folder under the session's
temporary POLICY_QA_HOME; tests that need a fresh index use ``fresh_settings`` (their own state folder) and still
share the loaded model (embedders are cached per process).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus

#: The embedder the tests use for the shared retriever: the fast Apache-2.0 one (see the retrieval eval).
TEST_EMBEDDER = "use-multilingual"


@pytest.fixture(scope="session")
def retriever(settings: Settings, corpus: Corpus):  # type: ignore[no-untyped-def]
    from assistant.retrieval.retriever import Retriever

    return Retriever(settings, embedder=TEST_EMBEDDER, corpus=corpus)


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from assistant.retrieval.embedders import load_embedder

    return load_embedder(TEST_EMBEDDER)


@pytest.fixture
def fresh_settings(settings: Settings, tmp_path: Path) -> Settings:
    """Settings with an empty state folder of their own (a new local index)."""
    return replace(settings, home=tmp_path / "home", chroma_host=None)
