"""The clause records: what the index holds for each clause (one record per clause; a long clause is split at
sentence boundaries and its chunks keep its id), the text each record embeds, and the fields BM25 reads.

Part of :mod:`assistant.retrieval.index`, which re-exports every public name here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from assistant.corpus import Clause, Corpus, Policy

#: Longest chunk, in characters, before a clause is split at sentence boundaries. Both models embed a short
#: passage better than a long one (mean pooling dilutes), and the longest clause (第5条) is ~330 characters.
MAX_CHUNK_CHARS = 200
#: ``valid_until`` stored for a policy without an end date (Chroma filters compare numbers only).
OPEN_END = 99991231

_SENTENCE_END = re.compile(r"(?<=[。；！？!?;])|\n+")


def date_int(value: date | None, default: int = OPEN_END) -> int:
    """A date as YYYYMMDD integer (``default`` for None)."""
    return value.year * 10000 + value.month * 100 + value.day if value else default


@dataclass(frozen=True)
class Record:
    """One Chroma record: a clause, or one sentence-aligned chunk of a long clause."""

    id: str
    clause: Clause
    chunk: int
    document: str
    """The text embedded: the parent chain of headings, then the clause label and (this chunk of) its text."""
    metadata: dict[str, str | int]


def own_text(clause: Clause) -> str:
    """The clause's text without its heading line (empty for a heading-only section)."""
    text = clause.text.strip()
    if clause.heading and text.startswith(clause.heading.strip()):
        text = text[len(clause.heading.strip()) :].strip()
    return text


def clause_text(policy: Policy, clause: Clause) -> str:
    """What a record says for a clause. A section or subsection that is only a heading ("二、支持范围及标准") is
    described by its heading and the titles of its children, so "附则讲了什么" can find "三、附则"."""
    if own_text(clause):
        return clause.text.strip()
    children = policy.children(clause.clause_id)
    if not children:
        return clause.text.strip()
    return f"{clause.heading.strip()}：" + "；".join(_child_line(c) for c in children) + "。"


def _child_line(child: Clause) -> str:
    if child.kind in ("item", "article"):
        return f"{child.label} {child.title.rstrip('…')}"
    return child.heading.strip()


def split_sentences(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[str]:
    """Greedy packing of whole sentences into chunks of at most ``max_chars`` (a longer sentence stays whole)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
    chunks: list[str] = []
    current = ""
    for sentence in sentences:
        if current and len(current) + len(sentence) > max_chars:
            chunks.append(current)
            current = ""
        current += sentence
    if current:
        chunks.append(current)
    return chunks or [text.strip()]


#: What a preamble is for, in the genre's words: a Chinese policy opens with why it is made and on which documents
#: it rests ("为贯彻落实《…》…精神，…，制定本实施细则"), under no heading of its own.
PREAMBLE_ROLE = "制定目的和依据"


def lexical_fields(policy: Policy, clause: Clause) -> dict[str, str]:
    """The clause's BM25 fields (see :mod:`assistant.retrieval.bm25`): its own heading, its own text, and the
    headings above it plus (for a heading-only section) its children's titles."""
    children = policy.children(clause.clause_id)
    body = own_text(clause)
    if clause.kind == "preamble":
        title = f"{clause.label} {PREAMBLE_ROLE}"
        body = clause.text.strip()
    else:
        title = f"{clause.label} {clause.title.rstrip('…')}"
    context = [*clause.path[:-1]]
    if not body and children:
        context += [_child_line(c) for c in children]
    return {"title": title, "body": body, "context": "\n".join(context)}


def parent_chain(clause: Clause) -> str:
    """Headings above the clause (its path without its own heading)."""
    return " › ".join(clause.path[:-1])


def records_for(corpus: Corpus | Iterable[Policy], max_chars: int = MAX_CHUNK_CHARS) -> list[Record]:
    """All records of the corpus, in document order."""
    policies = corpus.policies.values() if isinstance(corpus, Corpus) else corpus
    records: list[Record] = []
    for policy in policies:
        meta = policy.meta
        for clause in policy.clauses:
            chain = parent_chain(clause)
            for n, chunk in enumerate(split_sentences(clause_text(policy, clause), max_chars)):
                lead = f"{chain}\n" if chain else ""
                # a later chunk repeats the clause's title so it still says what it is about
                head = f"{clause.label} {clause.title}：" if n else f"{clause.label} "
                document = f"{lead}{head}{chunk}"
                metadata: dict[str, str | int] = {
                    "policy_id": clause.policy_id,
                    "clause_id": clause.clause_id,
                    "label": clause.label,
                    "path": clause.path_str,
                    "kind": clause.kind,
                    "chunk": n,
                    "effective_from": date_int(meta.effective_from, 0),
                    "valid_until": date_int(meta.valid_until),
                    "region": meta.region,
                }
                records.append(
                    Record(f"{clause.policy_id}:{clause.clause_id}:{n}", clause, n, document, metadata)
                )
    return records
