"""Shared test setup: state goes to a temporary POLICY_QA_HOME, nothing touches the network.

Area-specific session fixtures live in ``tests/fixtures_<area>.py`` modules, loaded as plugins below,
so the model and the index are loaded once per test session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

pytest_plugins = [
    "tests.fixtures_corpus",
    "tests.fixtures_rules",
    "tests.fixtures_retrieval",
    "tests.fixtures_dialogue",
    "tests.fixtures_ui",
]


@pytest.fixture(scope="session", autouse=True)
def _policy_qa_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Point all state at a temporary folder for the whole session."""
    home = tmp_path_factory.mktemp("policy-qa-home")
    os.environ["POLICY_QA_HOME"] = str(home)
    # Trained intent readers are keyed by their training data: one cache for every home a test makes (and every
    # app process it starts), so the reader is trained once per catalog, not once per test.
    os.environ["POLICY_QA_NLU_CACHE"] = str(tmp_path_factory.mktemp("policy-qa-nlu"))
    return home
