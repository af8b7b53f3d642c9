"""A *sense*: one thing a policy (or any policy of the genre) says, tied to the clauses that say it, and the ways
callers ask about it (see :mod:`assistant.retrieval.vocabulary`)."""

from __future__ import annotations

from dataclasses import dataclass

#: The name of a place sense starts so ("place subsection 2"): a part the question points at by its number.
PLACE = "place "


@dataclass(frozen=True)
class Sense:
    """One thing a policy (or any policy of the genre) says, and the ways callers ask about it.

    The clauses carrying the sense are named by id (``clauses``, for one policy's sense), or found by
    ``anchors`` (a clause whose own heading or text holds one of these words) or ``kinds`` (heading-only
    clauses of these kinds: "section", "subsection"), for the genre's senses that hold in every policy."""

    name: str
    phrasings: tuple[str, ...]
    policy_id: str | None = None
    clauses: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    number: str = ""
    """For a *place* ("第二大类", "最后那一小类"): the place of the heading-only clause of ``kinds`` that carries it
    (a number, '二', or a position, 'last': :func:`assistant.retrieval.places.carries_place`)."""

    @property
    def is_place(self) -> bool:
        return self.name.startswith(PLACE) and bool(self.number)

    @property
    def token(self) -> str:
        """The token standing for the sense in the lexical index (on its clauses and in a query that asks it)."""
        return f"<sense:{self.policy_id}:{self.name}>" if self.policy_id else f"<sense:{self.name}>"
