"""The policy corpus: raw scrape → clean text + metadata → clauses with stable ids.

Public API::

    from assistant.corpus import load_corpus, load_policy, Clause, Policy, PolicyMeta
    from assistant.corpus import validity_notice, validity_status, cn_date
"""

from assistant.corpus.dates import cn_date
from assistant.corpus.model import Clause, Policy, PolicyMeta
from assistant.corpus.store import Corpus, example_questions, load_corpus, load_policy
from assistant.corpus.validity import validity_notice, validity_status

__all__ = [
    "Clause",
    "Corpus",
    "Policy",
    "PolicyMeta",
    "cn_date",
    "example_questions",
    "load_corpus",
    "load_policy",
    "validity_notice",
    "validity_status",
]
