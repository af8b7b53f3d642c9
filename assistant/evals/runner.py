"""Run eval cases through the assistant and collect the results into a report.

The cases go through the same :class:`~assistant.dialogue.Assistant` the UI uses: one assistant per run, a new
conversation per case (``new_conversation(as_of=case.as_of)``), every turn asked in order, the last reply
judged by the evaluators. ``assistant_factory`` can replace the real assistant (tests use a scripted fake).
An exception while answering fails every applicable check of that case and is shown as its answer; the run
goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.evals.assistants import (
    AssistantFactory,
    AssistantLike,
    ConversationLike,
    default_assistant_factory,
)
from assistant.evals.dataset import EvalCase, load_cases
from assistant.evals.evaluators import Check, GroundingFn, citation_ids, evaluate, policy_fact_texts
from assistant.evals.report import CaseResult, EvalReport

__all__ = [
    "DEFAULT_THRESHOLDS",
    "AssistantFactory",
    "AssistantLike",
    "CaseResult",
    "ConversationLike",
    "EvalReport",
    "default_assistant_factory",
    "run_case",
    "run_cases",
    "run_eval",
]


#: The bar of issue #6: amounts and grounding must be perfect; intent and citation recall ≥ 95%.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "amount_exact": 1.0,
    "grounding": 1.0,
    "intent": 0.95,
    "citation_recall": 0.95,
}


def _error_result(case: EvalCase, err: BaseException, latency_ms: float) -> CaseResult:
    reason = f"{type(err).__name__}: {err}"
    checks = {"intent": Check(False, reason), "citation_recall": Check(False, reason)}
    checks["citation_precision"] = Check(False, reason)
    if case.amount_wan is not None:
        checks["amount_exact"] = Check(False, reason)
    if case.must_include:
        checks["must_include"] = Check(False, reason)
    if case.must_not_include:
        checks["must_not_include"] = Check(False, reason)
    checks["grounding"] = Check(False, reason)
    return CaseResult(case, checks, f"（异常）{reason}", None, [], None, latency_ms, error=reason)


_TURN_EVALUATORS = ("intent", "citation_recall", "amount_exact", "must_include", "must_not_include", "grounding")


def _check_turns(
    case: EvalCase,
    replies: Sequence[Any],
    grounding: GroundingFn | None,
    policy_facts: Mapping[str, list[str]] | None,
) -> Check | None:
    """Every turn that states expectations meets them (the story check)."""
    expectations = case.turn_expectations()
    if not expectations:
        return None
    problems: list[str] = []
    for n, turn in expectations:
        update = {
            "intent": turn.intent or getattr(replies[n], "intent", case.intent),
            "clauses": turn.clauses or (),
            "amount_wan": turn.amount_wan,
            "must_include": turn.must_include,
            "must_not_include": turn.must_not_include,
        }
        as_case = case.model_copy(update=update)
        checks = evaluate(as_case, replies[n], grounding=grounding, policy_facts=policy_facts, only=_TURN_EVALUATORS)
        problems += [f"第{n + 1}轮 {name}：{c.detail}" for name, c in checks.items() if not c.passed]
    return Check(not problems, "；".join(problems))


def run_case(
    assistant: AssistantLike,
    case: EvalCase,
    grounding: GroundingFn | None = None,
    policy_facts: Mapping[str, list[str]] | None = None,
) -> CaseResult:
    """Ask every turn of one case in a fresh conversation and judge the last reply (and any turn that states
    expectations of its own: the ``turns`` check)."""
    started = time.perf_counter()
    replies: list[Any] = []
    try:
        conversation = assistant.new_conversation(as_of=case.as_of)
        for turn in case.user_turns[:-1]:
            replies.append(conversation.ask(turn))
        started = time.perf_counter()
        reply = conversation.ask(case.last_turn)
        latency_ms = (time.perf_counter() - started) * 1000
        replies.append(reply)
    except Exception as err:  # one broken case must not stop the run; it fails and is listed
        return _error_result(case, err, (time.perf_counter() - started) * 1000)
    checks = evaluate(case, reply, grounding=grounding, policy_facts=policy_facts)
    turn_check = _check_turns(case, replies, grounding, policy_facts)
    if turn_check is not None:
        checks["turns"] = turn_check
    amount = getattr(reply, "amount_yuan", None)
    return CaseResult(
        case=case,
        checks=checks,
        answer=str(getattr(reply, "answer", "") or ""),
        intent=getattr(reply, "intent", None),
        citations=citation_ids(reply),
        amount_yuan=amount if isinstance(amount, int) else None,
        latency_ms=latency_ms,
    )


def run_cases(
    cases: Sequence[EvalCase],
    assistant: AssistantLike,
    *,
    grounding: GroundingFn | None = None,
    policy_facts: Mapping[str, list[str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    results = []
    for n, case in enumerate(cases, start=1):
        results.append(run_case(assistant, case, grounding, policy_facts))
        if progress:
            progress(n, len(cases))
    return EvalReport(results)


def run_eval(
    settings: Settings,
    paths: Sequence[Path | str] | None = None,
    assistant_factory: AssistantFactory | None = None,
    *,
    grounding: GroundingFn | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Load the cases (default ``evals/answers``) and run them through one assistant built by the factory
    (default: the real :class:`~assistant.dialogue.Assistant`)."""
    cases = load_cases(paths)
    assistant = (assistant_factory or default_assistant_factory)(settings)
    facts = policy_fact_texts(settings.corpus_dir)
    return run_cases(cases, assistant, grounding=grounding, policy_facts=facts, progress=progress)
