"""Tests of the eval datasets themselves (``evals/answers/*.yaml``, ``evals/retrieval.yaml``).

The data must load, name only clauses the parsed policy has, cover what issue #6 asks for, and be consistent
with itself: the amount a case requires in the answer is the one its ``amount_wan`` says, and every quoted
phrase it requires is really in a clause it expects cited. No assistant is involved.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from assistant.corpus import Policy
from assistant.evals import DEFAULT_RETRIEVAL_FILE, EvalCase, load_cases
from assistant.rules.money import format_yuan

AWARD_ITEMS = [str(n) for n in range(1, 11)]
#: Words an answer uses that are not quotes of the policy.
ANSWER_WORDS = {"不符合"}
_AMOUNT = re.compile(r"^\d+(\.\d+)?万元?$")
_LABEL = re.compile(r"^第\d+条$")


@pytest.fixture(scope="module")
def cases() -> list[EvalCase]:
    return load_cases()


@pytest.fixture(scope="module")
def retrieval() -> list[dict]:
    return yaml.safe_load(DEFAULT_RETRIEVAL_FILE.read_text(encoding="utf-8"))


def test_answer_cases_count_and_categories(cases: list[EvalCase]) -> None:
    assert len(cases) >= 150
    counts = Counter(c.category for c in cases)
    for category in ["award", "eligibility", "lookup", "validity", "out_of_scope", "injection", "clarify",
                     "multiturn"]:
        assert counts[category] >= 10, counts


def test_answer_cases_name_real_clauses(cases: list[EvalCase], policy: Policy) -> None:
    ids = {c.clause_id for c in policy.clauses}
    unknown = {(c.id, k) for c in cases for k in c.clauses if k not in ids}
    assert not unknown


def test_every_award_item_has_amount_cases(cases: list[EvalCase]) -> None:
    for item in AWARD_ITEMS:
        with_amount = [c for c in cases if c.amount_wan is not None and item in c.clauses]
        assert len(with_amount) >= 2, item


def test_every_clause_has_a_lookup(cases: list[EvalCase], policy: Policy) -> None:
    looked_up = {k for c in cases if c.intent == "lookup" for k in c.clauses}
    assert {c.clause_id for c in policy.clauses} <= looked_up


def test_validity_on_both_sides_of_expiry(cases: list[EvalCase], policy: Policy) -> None:
    until = policy.meta.valid_until
    assert until is not None
    dated = [c for c in cases if c.as_of is not None]
    assert any(c.as_of <= until for c in dated) and any(c.as_of > until for c in dated)
    assert any(c.as_of == until for c in dated)


def test_required_amount_matches_amount_wan(cases: list[EvalCase]) -> None:
    for c in cases:
        amounts = [s for s in c.must_include if _AMOUNT.match(s)]
        if c.expected_yuan and amounts and not c.matches:  # a match case may require each item's figure
            assert format_yuan(c.expected_yuan) in amounts, c.id


def test_required_phrases_are_in_the_cited_clauses(cases: list[EvalCase], policy: Policy) -> None:
    for c in cases:
        texts = "".join(policy.clause(k).text for k in c.clauses)
        for phrase in c.must_include:
            if _AMOUNT.match(phrase) or _LABEL.match(phrase) or phrase in ANSWER_WORDS:
                continue
            assert phrase in texts, (c.id, phrase)


def test_injections_forbid_the_injected_figure(cases: list[EvalCase]) -> None:
    for c in cases:
        if c.category == "injection" and c.amount_wan is not None:
            assert c.must_not_include, c.id


def test_multiturn_cases_have_several_turns(cases: list[EvalCase]) -> None:
    multi = [c for c in cases if c.category == "multiturn"]
    assert all(len(c.user_turns) >= 2 for c in multi)


def test_retrieval_dataset(retrieval: list[dict], policy: Policy) -> None:
    assert len(retrieval) >= 100
    ids = {c.clause_id for c in policy.clauses}
    assert len({q["id"] for q in retrieval}) == len(retrieval)
    coverage: Counter[str] = Counter()
    for q in retrieval:
        assert set(q) == {"id", "query", "clauses"}, q
        assert isinstance(q["query"], str) and q["query"].strip(), q
        assert q["clauses"] and all(isinstance(k, str) and k in ids for k in q["clauses"]), q
        coverage.update(q["clauses"])
    assert all(coverage[k] >= 3 for k in ids), coverage
    queries = [q["query"] for q in retrieval]
    assert any(re.search(r"[A-Za-z]{4,} [A-Za-z]{3,}", s) for s in queries)  # English
    assert sum(any(ch in s for ch in "貫標規補貼條對於這業") for s in queries) >= 5  # 繁體
