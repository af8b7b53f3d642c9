"""Evaluators: named pass/fail checks of one reply against one case.

Each evaluator returns a :class:`Check` (passed + a short reason when it failed), or ``None`` when the case
does not ask for it (no ``amount_wan`` → no ``amount_exact``; no ``must_include`` → no ``must_include``).
Rates are computed over the cases an evaluator applies to.

- ``intent``: the reply's intent is the expected one.
- ``citation_recall``: every expected clause id is cited.
- ``citation_precision``: every cited clause id is among the reply's evidence clauses (a citation the evidence
  does not hold is a bug).
- ``amount_exact``: ``amount_yuan == amount_wan × 10000`` exactly (Decimal, no float).
- ``must_include`` / ``must_not_include``: substrings of the answer.
- ``grounding``: no figure in the answer is missing from the evidence texts and the calculator trace
  (``assistant.dialogue.guard.ungrounded_numbers``, imported when first used). The policy's own metadata
  dates (published, effective from, valid until: corpus ``meta.yaml``) count as evidence too, as in the
  assistant's guard: "自发布之日（2024年5月25日）起实施" is grounded; so is the reply's own as-of date.

A reply is any object with ``answer``, ``intent``, ``citations`` (clause ids, or objects with ``clause_id``),
``amount_yuan``, ``trace`` (steps with ``description``/``amount_yuan``/``clause``) and ``evidence`` (clauses
with ``clause_id``/``text``) — the real :class:`~assistant.dialogue.reply.Reply` or a test double.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.evals.dataset import EvalCase

#: ``ungrounded_numbers(answer, evidence_texts, trace_texts, clause_ids) -> list[str]``
GroundingFn = Callable[..., list[str]]


@dataclass(frozen=True)
class Check:
    """The outcome of one evaluator on one case."""

    passed: bool
    detail: str = ""
    """Why it failed, in a few words (empty when it passed)."""
    note: str = ""
    """Passed, but proves little: e.g. expected words found only in the validity banner every answer on an
    expired date carries (the issuer's name, 第16条), not in the answer itself."""

    def __bool__(self) -> bool:
        return self.passed


def _ok(passed: bool, detail: str) -> Check:
    return Check(True) if passed else Check(False, detail)


# -- reading a reply ---------------------------------------------------------------------------------------
def citation_ids(reply: Any) -> list[str]:
    """Clause ids cited by the reply (``Reply.citations`` holds Citation objects; a plain list of ids works too)."""
    ids = getattr(reply, "citation_ids", None)
    if ids is not None and not callable(ids):
        return [str(i) for i in ids]
    return [str(getattr(c, "clause_id", c)) for c in (getattr(reply, "citations", None) or [])]


def evidence_ids(reply: Any) -> list[str]:
    return [str(getattr(c, "clause_id", c)) for c in (getattr(reply, "evidence", None) or [])]


def evidence_texts(reply: Any) -> list[str]:
    return [str(getattr(c, "text", "")) for c in (getattr(reply, "evidence", None) or [])]


def trace_texts(reply: Any) -> list[str]:
    """Each calculator step's description plus its amount written as money ("2400000元")."""
    texts = []
    for step in getattr(reply, "trace", None) or []:
        if isinstance(step, dict):
            description, amount = step.get("description", ""), step.get("amount_yuan")
        elif isinstance(step, str):  # a plain step (a year worked out, the amounts a message to check quotes)
            description, amount = step, None
        else:
            description, amount = getattr(step, "description", ""), getattr(step, "amount_yuan", None)
        texts.append(str(description or ""))
        if isinstance(amount, int) and not isinstance(amount, bool):
            texts.append(f"{amount}元")
    return texts


# -- the evaluators ----------------------------------------------------------------------------------------
def check_intent(case: EvalCase, reply: Any, **_: Any) -> Check:
    got = getattr(reply, "intent", None)
    return _ok(got == case.intent, f"期望 {case.intent}，实际 {got}")


def check_citation_recall(case: EvalCase, reply: Any, **_: Any) -> Check:
    cited = set(citation_ids(reply))
    missing = [c for c in case.clauses if c not in cited]
    return _ok(not missing, f"未引用 {missing}（实际引用 {sorted(cited)}）")


def check_citation_precision(case: EvalCase, reply: Any, **_: Any) -> Check:
    evidence = set(evidence_ids(reply))
    extra = [c for c in citation_ids(reply) if c not in evidence]
    return _ok(not extra, f"引用了证据中没有的条款 {extra}（证据 {sorted(evidence)}）")


def check_amount_exact(case: EvalCase, reply: Any, **_: Any) -> Check | None:
    if case.amount_wan is None:
        return None
    got = getattr(reply, "amount_yuan", None)
    expected = case.amount_wan * Decimal(10_000)
    if got is None or isinstance(got, bool):
        return Check(False, f"期望 {case.amount_wan}万元，实际没有金额")
    passed = Decimal(got) == expected
    return _ok(passed, f"期望 {case.amount_wan}万元（{expected:f}元），实际 {got}元")


def check_must_include(case: EvalCase, reply: Any, **_: Any) -> Check | None:
    if not case.must_include:
        return None
    answer = str(getattr(reply, "answer", "") or "")
    missing = [s for s in case.must_include if s not in answer]
    banner = str(getattr(reply, "validity_notice", "") or "")
    own = answer.replace(banner, "") if banner else answer
    banner_only = [s for s in case.must_include if s in answer and s not in own]
    if missing:
        return Check(False, f"回答中缺少 {missing}")
    return Check(True, note=f"{banner_only} 只出现在有效期提示中" if banner_only else "")


def check_must_not_include(case: EvalCase, reply: Any, **_: Any) -> Check | None:
    if not case.must_not_include:
        return None
    answer = str(getattr(reply, "answer", "") or "")
    found = [s for s in case.must_not_include if s in answer]
    return _ok(not found, f"回答中出现了不应出现的 {found}")


def check_matches(case: EvalCase, reply: Any, **_: Any) -> Check | None:
    """政策匹配: every expected item has the expected status, and its figure when one is expected."""
    if not case.matches:
        return None
    got = {(str(m.get("policy_id")), str(m.get("item_id"))): m for m in (getattr(reply, "matches", None) or [])}
    wrong: list[str] = []
    for item_id, want in case.matches.items():
        found = [m for (pid, iid), m in got.items() if iid == item_id and (want.policy is None or pid == want.policy)]
        if not found:
            wrong.append(f"第{item_id}项缺失")
            continue
        m = found[0]
        if m.get("status") != want.status:
            wrong.append(f"第{item_id}项 期望{want.status} 实际{m.get('status')}")
        elif want.amount_wan is not None and Decimal(m.get("amount_yuan") or -1) != want.amount_wan * Decimal(10_000):
            wrong.append(f"第{item_id}项 期望{want.amount_wan}万元 实际{m.get('amount_yuan')}元")
    return _ok(not wrong, "；".join(wrong))


def policy_fact_texts(corpus_dir: Path | None = None) -> dict[str, list[str]]:
    """Per policy id, its metadata dates written out ("2024年5月25日"), as grounding evidence."""
    from assistant.corpus import load_corpus
    from assistant.dialogue.guard import metadata_texts

    return {policy.policy_id: metadata_texts(policy.meta) for policy in load_corpus(corpus_dir)}


def _default_grounding() -> GroundingFn:
    from assistant.dialogue.guard import ungrounded_numbers

    return ungrounded_numbers


def check_grounding(
    case: EvalCase,
    reply: Any,
    *,
    grounding: GroundingFn | None = None,
    policy_facts: Mapping[str, list[str]] | None = None,
    **_: Any,
) -> Check:
    fn = grounding or _default_grounding()
    answer = str(getattr(reply, "answer", "") or "")
    facts = list((policy_facts or {}).get(str(getattr(reply, "policy_id", None)), []))
    as_of = getattr(reply, "as_of", None)
    if as_of is not None and hasattr(as_of, "year"):
        # The as-of date the answer states ("测算日（2026年11月26日）") is the user's setting, not a policy figure.
        facts.append(f"{as_of.year}年{as_of.month}月{as_of.day}日")
    bad = fn(answer, evidence_texts(reply) + facts, trace_texts(reply), evidence_ids(reply))
    return _ok(not bad, f"没有依据的数字 {list(dict.fromkeys(bad))}")


Evaluator = Callable[..., Check | None]

#: Evaluator name → function, in the order shown in tables and JSON.
EVALUATORS: dict[str, Evaluator] = {
    "intent": check_intent,
    "citation_recall": check_citation_recall,
    "citation_precision": check_citation_precision,
    "amount_exact": check_amount_exact,
    "must_include": check_must_include,
    "must_not_include": check_must_not_include,
    "grounding": check_grounding,
    "matches": check_matches,
}


def evaluate(
    case: EvalCase,
    reply: Any,
    *,
    grounding: GroundingFn | None = None,
    policy_facts: Mapping[str, list[str]] | None = None,
    only: Iterable[str] | None = None,
) -> dict[str, Check]:
    """Run every applicable evaluator (or those named in ``only``) on one reply.

    ``policy_facts`` (policy id → metadata texts, see :func:`policy_fact_texts`) is extra grounding evidence."""
    names = list(only) if only is not None else list(EVALUATORS)
    checks: dict[str, Check] = {}
    for name in names:
        result = EVALUATORS[name](case, reply, grounding=grounding, policy_facts=policy_facts)
        if result is not None:
            checks[name] = result
    return checks
