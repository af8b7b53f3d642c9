"""Rules across items and notes, as data: how awards of several items combine, and what answers must add.

Cross-item rules (``cross_rules:``), each with the clause and its words:

- ``deduct_other_support``: other support for the same project counts against ours (e.g. 从高不重复: this
  policy adds ``max(0, ours − other)``); applied to each item's figure.
- ``same_project_highest``: one project claimed under several items counts once, at the highest (就高不重复).
- ``mutually_exclusive``: of the named items the applicant (or a project) gets one, the highest.
- ``not_repeated``: what was granted under one item does not also get another ("依照第三条认定的…不再重复享受
  第五条"); applied to the second item's figure, never to a total.

Notes (``notes:``) are sentences an answer must carry (先申报、后补助; 一事一议; 附则), with their clause, a
kind, the items they concern, and optionally a second text used when a fact holds (``when`` + ``text_when``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from assistant.rules.conditions import When
from assistant.rules.params import Model

Scope = Literal["applicant", "project"]
Items = Literal["all"] | tuple[str, ...]


class _Rule(Model):
    clause: str
    quote: str

    def covers(self, item_id: str) -> bool:
        items = getattr(self, "items", "all")
        return items == "all" or item_id in items


class DeductOtherSupport(_Rule):
    rule: Literal["deduct_other_support"]
    fact: str
    """The money fact: support already received for the same project."""
    support: str
    """What the support is, in the text's words ('区、镇其他产业政策扶持')."""
    principle: str
    """The principle applied, in the text's words ('从高不重复、单项不重复')."""
    note: str | None = None
    items: Items = "all"


class SameProjectHighest(_Rule):
    rule: Literal["same_project_highest"]
    principle: str
    items: Items = "all"


class MutuallyExclusive(_Rule):
    rule: Literal["mutually_exclusive"]
    items: tuple[str, ...] = Field(min_length=2)
    scope: Scope = "applicant"


class NotRepeated(_Rule):
    rule: Literal["not_repeated"]
    first: str
    """The item whose grant excludes the other."""
    then: str
    """The item not granted again."""
    fact: str | None = None
    """Optional bool fact: the subject was already granted under ``first`` (for a single calculation)."""
    scope: Scope = "project"

    @model_validator(mode="after")
    def _two_items(self) -> NotRepeated:
        if self.first == self.then:
            raise ValueError("not_repeated names two different items")
        return self


CrossRule = Annotated[
    DeductOtherSupport | SameProjectHighest | MutuallyExclusive | NotRepeated, Field(discriminator="rule")
]


class NoteRule(Model):
    """A sentence answers must carry, with its clause."""

    clause: str
    text: str
    kind: Literal["general", "condition", "item"] = "general"
    quote: str | None = None
    items: Items = "all"
    show_in: tuple[Literal["award", "eligibility"], ...] = ("award", "eligibility")
    when: When | None = None
    text_when: str | None = None
    """Said instead of ``text`` when ``when`` holds (第12条: the project was approved 一事一议)."""

    @model_validator(mode="after")
    def _when_pair(self) -> NoteRule:
        if (self.when is None) != (self.text_when is None):
            raise ValueError("a note gives when and text_when together")
        return self

    def covers(self, item_id: str | None) -> bool:
        return self.items == "all" or (item_id is not None and item_id in self.items)
