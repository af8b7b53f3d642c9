"""Reading one message, with no conversation state: intents with scores, items, facts, clause references,
places, injected spans (``parse(text) -> Parse``). See :mod:`assistant.nlu.parse`.

Genre words live in ``genre.yaml``, hand-written training frames in ``training.yaml``; each policy's words come
from its corpus folder (:mod:`assistant.nlu.vocabulary`). No policy's words are in this package's code.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistant.corpus import Corpus
from assistant.nlu.genre import Genre, load_genre
from assistant.nlu.intents import NLU_INTENTS, NluIntent
from assistant.nlu.parse import NLU, IntentReader, Parse
from assistant.nlu.vocabulary import Catalog, build_catalog

__all__ = ["NLU", "NLU_INTENTS", "Catalog", "Genre", "IntentReader", "NluIntent", "Parse", "build_nlu"]


def section_titles(corpus: Corpus) -> dict[str, set[str]]:
    """Per policy, the titles of its chapters, sections and subsections ("附则", "支持对象")."""
    return {
        p.policy_id: {c.title for c in p.clauses if c.kind in ("chapter", "section", "subsection") and len(c.title) >= 2}
        for p in corpus
    }


def build_nlu(
    corpus: Corpus,
    rules: Mapping[str, Any],
    *,
    embedder: Any | None = None,
    cache_dir: Path | None = None,
    reader: IntentReader | None = None,
) -> NLU:
    """The reader for a corpus: vocabulary from its data, the intent reader trained (or loaded from cache).

    ``embedder``: the sentence-embedding model (the one retrieval uses) or None for n-grams alone."""
    from assistant.nlu.training import load_or_train

    nlu = NLU(build_catalog(corpus, rules), load_genre(), None, section_titles(corpus))
    nlu.reader = reader if reader is not None else load_or_train(nlu, embedder, cache_dir)
    return nlu
