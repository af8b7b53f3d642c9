"""The intent reader's training data: generated from the frames and each policy's data, deterministic, and
fingerprinted so that a cached reader is retrained when anything it was trained on changes."""

from __future__ import annotations

import pytest

from assistant.dialogue import Assistant
from assistant.nlu import training
from assistant.nlu.training import fingerprint, generate, load_templates


def test_generation_is_deterministic_and_uses_each_policys_words(fast_assistant: Assistant) -> None:
    nlu = fast_assistant.nlu
    templates = load_templates()
    first = generate(nlu.catalog, nlu.genre, templates)
    assert first == generate(nlu.catalog, nlu.genre, templates)
    aliases = {a.text for p in nlu.catalog for i in p.items for a in i.aliases if a.weight >= 1.0}
    assert sum(any(a in e.text for a in aliases) for e in first) > 100


def test_the_fingerprint_covers_the_sample_count(fast_assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    # A reader cached with another number of samples per frame must not be loaded as if it were this one.
    catalog, templates = fast_assistant.nlu.catalog, load_templates()
    before = fingerprint(catalog, templates)
    monkeypatch.setattr(training, "SAMPLES_PER_TEMPLATE", training.SAMPLES_PER_TEMPLATE + 1)
    assert fingerprint(catalog, templates) != before
