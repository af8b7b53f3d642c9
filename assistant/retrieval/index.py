"""The clause records and the Chroma store of their vectors (one record per clause; a long clause is split at
sentence boundaries and its chunks keep its id).

Chroma is the store of record for the clause vectors. Every record carries its policy's *policy hash* (the
policy's record texts and metadata, the embedder's fingerprint, this module's layout version), so the store is
brought up to date policy by policy: a new or changed policy is embedded and upserted, a removed one deleted,
and nothing else is touched. It is never silently stale.

* Local folder (``settings.index_dir``) by default, laid out for safe concurrent use (see :class:`LocalGenerations`):
  every write builds a new *generation* folder aside (a copy of the live one, then the upserts; or an empty one
  for a rebuild) under an exclusive file lock, then swaps it in by renaming the ``CURRENT`` pointer. Readers never
  delete or change anything: they hold a shared lock on the generation they read, and a superseded generation is
  removed only once no reader holds it. An index that cannot be opened is rebuilt only when it is really corrupt
  (it still fails under the lock), and the corrupt folder is moved aside, not deleted.
* ``CHROMA_HOST``/``CHROMA_PORT`` switch to ``chromadb.HttpClient``; an unreachable server raises
  :class:`~assistant.errors.RetrievalUnavailable` within :data:`CONNECT_TIMEOUT_S`.

We never let Chroma embed anything (its default embedding function downloads a model): collections are
opened with ``embedding_function=None`` and always given our own vectors.

The index is in several modules, one concept each; this module gathers their public names (import from here):

* :mod:`~assistant.retrieval.records` — the clause records, the text each embeds, the fields BM25 reads;
* :mod:`~assistant.retrieval.index_status` — policy hashes, the collection's name, :class:`IndexStatus`;
* :mod:`~assistant.retrieval.sync_plan` — what a store must embed, upsert or delete to be up to date;
* :mod:`~assistant.retrieval.chroma_collection` — one Chroma collection, read and written with our vectors;
* :mod:`~assistant.retrieval.local_generations` — the local folder's generations, pointer and locks;
* :mod:`~assistant.retrieval.chroma_store`, :mod:`~assistant.retrieval.chroma_local`,
  :mod:`~assistant.retrieval.chroma_index` — :class:`ChromaIndex`: what both kinds of store share, syncing the
  local generations, and the store itself (local or server);
* :mod:`~assistant.retrieval.memory_store` — :class:`MemoryStore`, vectors in a dict.
"""

from __future__ import annotations

from assistant.retrieval.chroma_collection import PAGE
from assistant.retrieval.chroma_index import CONNECT_TIMEOUT_S, ChromaIndex
from assistant.retrieval.chroma_local import log as log
from assistant.retrieval.index_status import (
    COLLECTION_PREFIX,
    INDEX_LAYOUT_VERSION,
    IndexStatus,
    collection_name,
    combined_hash,
    content_hash,
    policy_hashes,
)
from assistant.retrieval.local_generations import LOCK_TIMEOUT_S, LocalGenerations
from assistant.retrieval.memory_store import MemoryStore
from assistant.retrieval.records import (
    MAX_CHUNK_CHARS,
    OPEN_END,
    PREAMBLE_ROLE,
    Record,
    clause_text,
    date_int,
    lexical_fields,
    own_text,
    parent_chain,
    records_for,
    split_sentences,
)
from assistant.retrieval.sync_plan import Progress

__all__ = [
    "COLLECTION_PREFIX",
    "CONNECT_TIMEOUT_S",
    "INDEX_LAYOUT_VERSION",
    "LOCK_TIMEOUT_S",
    "MAX_CHUNK_CHARS",
    "OPEN_END",
    "PAGE",
    "PREAMBLE_ROLE",
    "ChromaIndex",
    "IndexStatus",
    "LocalGenerations",
    "MemoryStore",
    "Progress",
    "Record",
    "clause_text",
    "collection_name",
    "combined_hash",
    "content_hash",
    "date_int",
    "lexical_fields",
    "own_text",
    "parent_chain",
    "policy_hashes",
    "records_for",
    "split_sentences",
]
