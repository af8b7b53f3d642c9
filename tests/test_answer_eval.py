"""The answer-accuracy eval over evals/answers/*.yaml, with the product's thresholds.

amount exact 100%, grounding 100%, intent ≥ 95%, citation recall ≥ 95% — the same defaults as
``policy-qa eval``, run through the same Assistant the UI uses (real corpus, rules, index, model).
"""

from __future__ import annotations

import pytest

from assistant.evals import DEFAULT_THRESHOLDS, run_eval


@pytest.mark.slow
def test_answer_eval_meets_thresholds(settings, assistant):
    report = run_eval(settings, None, assistant_factory=lambda _settings: assistant)
    assert not report.threshold_failures(DEFAULT_THRESHOLDS), report.format_failures()
