"""Conditions of eligibility, as data: a test on one fact, and groups of them that apply to many items.

A condition tests one declared fact: ``require`` a bool, ``one_of`` some options of a choice (a "none"
option such as 未认定 never meets it), or ``at_least`` a number (a count or an amount). ``at_least: null``
written explicitly means the text names a threshold without giving it (第7条 "达到一定数量"): such a
condition is "需确认" — except for none at all (0), which no "一定数量" is.

A condition group carries the conditions of a clause that governs several items (一、支持对象; 第14条),
with ``applies_to: all`` or a list of item ids.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from assistant.rules.params import Model

ConditionStatus = Literal["met", "not_met", "unknown", "to_confirm"]


class Condition(Model):
    """One test on one fact, in the policy's words (``text``)."""

    fact: str
    text: str
    require: bool | None = None
    one_of: tuple[str, ...] | None = None
    at_least: int | None = None
    unknown_note: str | None = None

    @model_validator(mode="after")
    def _exactly_one_test(self) -> Condition:
        tests = [self.require is not None, self.one_of is not None, "at_least" in self.model_fields_set]
        if sum(tests) != 1:
            raise ValueError(f"condition on {self.fact}: give exactly one of require / one_of / at_least")
        if self.threshold_unknown and not self.unknown_note:
            raise ValueError(f"condition on {self.fact}: at_least is null, say why in unknown_note")
        return self

    @property
    def threshold_unknown(self) -> bool:
        return "at_least" in self.model_fields_set and self.at_least is None

    def decide(self, value: Any) -> ConditionStatus:
        """The status for a coerced value (None = not known yet)."""
        if self.threshold_unknown:
            return "not_met" if value == 0 else "to_confirm"  # "区内一家都没有": no number is reached by none
        if value is None:
            return "unknown"
        if self.require is not None:
            ok = value == self.require
        elif self.one_of is not None:
            ok = value in self.one_of
        else:
            assert self.at_least is not None
            ok = value >= self.at_least
        return "met" if ok else "not_met"


class When(Model):
    """A switch on one fact (for a bonus or a note): ``require`` a bool or ``one_of`` some options."""

    fact: str
    require: bool | None = None
    one_of: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> When:
        if (self.require is None) == (self.one_of is None):
            raise ValueError(f"when on {self.fact}: give exactly one of require / one_of")
        return self

    def holds(self, value: Any) -> bool | None:
        """True/False once the fact is known, None while it is not."""
        if value is None:
            return None
        return value == self.require if self.require is not None else value in (self.one_of or ())


class ConditionGroup(Model):
    """Conditions of one clause that apply to several items (``applies_to: all`` or item ids)."""

    clause: str
    quote: str
    applies_to: Literal["all"] | tuple[str, ...] = "all"
    note: str | None = None
    conditions: tuple[Condition, ...]

    def applies(self, item_id: str | None) -> bool:
        """Whether the group governs ``item_id``; ``None`` asks for the groups that govern every item."""
        if self.applies_to == "all":
            return True
        return item_id is not None and item_id in self.applies_to
