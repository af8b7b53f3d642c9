"""The policy corpus: raw scrape → clean text + metadata → clauses with stable ids.

Public API::

    from assistant.corpus import load_corpus, load_policy, Clause, Policy, PolicyMeta
"""

from assistant.corpus.model import Clause, Policy, PolicyMeta
from assistant.corpus.store import Corpus, example_questions, load_corpus, load_policy

__all__ = ["Clause", "Corpus", "Policy", "PolicyMeta", "example_questions", "load_corpus", "load_policy"]
