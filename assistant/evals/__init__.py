"""The eval suite: answer-accuracy cases run through the real :class:`~assistant.dialogue.Assistant`, and the
benchmark.

Public API::

    from assistant.evals import load_cases, run_eval
    report = run_eval(settings, [Path("evals/answers")])       # the same Assistant the UI uses
    report.summary()                                           # {"intent": 0.97, "amount_exact": 1.0, ...}
    report.threshold_failures({"amount_exact": 1.0})           # [] when every threshold holds

``policy-qa eval`` and ``policy-qa bench`` (``assistant.evals.cli``) are the command-line faces. Nothing heavy is
imported here: the assistant, the model and the index load only when a run starts.
"""

from __future__ import annotations

from assistant.evals.dataset import DEFAULT_ANSWERS_DIR, DEFAULT_RETRIEVAL_FILE, EvalCase, load_cases
from assistant.evals.evaluators import EVALUATORS, Check, evaluate
from assistant.evals.report import CaseResult, EvalReport
from assistant.evals.runner import DEFAULT_THRESHOLDS, run_cases, run_eval

__all__ = [
    "DEFAULT_ANSWERS_DIR",
    "DEFAULT_RETRIEVAL_FILE",
    "DEFAULT_THRESHOLDS",
    "EVALUATORS",
    "CaseResult",
    "Check",
    "EvalCase",
    "EvalReport",
    "evaluate",
    "load_cases",
    "run_cases",
    "run_eval",
]
