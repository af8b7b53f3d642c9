"""Domain errors of the policy assistant.

One small hierarchy (after simonw/llm ``llm/errors.py``): library code raises these with a
Chinese, user-facing message; the edges (CLI, UI) show ``str(err)`` and never a traceback.
YAML and validation errors are wrapped into :class:`DataError` at load time.
"""

from __future__ import annotations


class PolicyQAError(Exception):
    """Base class: ``str(err)`` is a Chinese message fit to show a user."""


class DataError(PolicyQAError):
    """A corpus, rules or eval data file is missing or malformed."""


class ClauseNotFound(PolicyQAError):
    """A clause id that the policy does not have."""


class PolicyNotFound(PolicyQAError):
    """A policy id that the corpus does not have."""


class InputError(PolicyQAError):
    """User input that cannot be used: empty, too long, unparseable or absurd amounts."""


class AmountError(InputError):
    """An amount of money that is zero, negative, absurd or unparseable."""


class IndexUnavailable(PolicyQAError):
    """The retrieval index is missing, corrupt or its server cannot be reached."""


class RetrievalUnavailable(IndexUnavailable):
    """Retrieval is down right now (the Chroma server cannot be reached, the index cannot be opened): raised
    quickly, so a caller can still answer what needs no retrieval (the calculator's figures)."""


class ModelUnavailable(PolicyQAError):
    """The embedding model is not installed or cannot be loaded."""


class LLMUnavailable(PolicyQAError):
    """The optional LLM endpoint is configured but cannot be reached or answered badly."""


class GroundingError(PolicyQAError):
    """An answer contains a number that neither the cited clauses nor the calculator trace hold."""


class RulesNotFound(DataError):
    """A policy that has text but no calculation rules (no ``rules.yaml``) yet."""


class LogUnavailable(PolicyQAError):
    """The conversation log cannot be read or written (damaged file moved aside, disk full, no permission)."""
