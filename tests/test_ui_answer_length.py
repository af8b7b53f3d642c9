"""Issue 13's targets over the everyday questions of evals/answers (award, eligibility, lookup): the chat's
answer body has a median of at most 300 characters and at most 3 primary citations — on a date the policy is
in force and on one after it expired (a validity line more). Also: the app builds with several policies."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.ui.answer_length import TARGET_CHARS, TARGET_CITATIONS, everyday_cases, measure, summarise
from tests.fixtures_dialogue import AFTER_EXPIRY, IN_FORCE


@pytest.mark.slow
@pytest.mark.parametrize("as_of", [IN_FORCE, AFTER_EXPIRY], ids=["in-force", "expired"])
def test_everyday_answers_are_short(assistant, as_of) -> None:  # noqa: ANN001
    cases = everyday_cases()
    assert len(cases) >= 100
    total = summarise(measure(assistant, cases, as_of))[-1]
    assert total.median_chars <= TARGET_CHARS and total.median_citations <= TARGET_CITATIONS, total


def test_the_app_builds_with_several_policies(multi_assistant, settings, tmp_path) -> None:  # noqa: ANN001
    from assistant.logstore import LogStore
    from assistant.ui.app import build_app, header_html
    from assistant.ui.services import Services

    s = replace(settings, home=tmp_path)
    services = Services(s, multi_assistant.corpus, dict(multi_assistant.rules), multi_assistant,
                        multi_assistant.retriever, LogStore(s.db_path))
    demo = build_app(services)
    names = [d.get("api_name") for d in demo.config["dependencies"] if d.get("api_name")]
    assert len(names) == len(set(names))
    assert {"chat", "feedback", "match", "search", "standard_reply", "new_conversation"} <= set(names)
    assert any(n.startswith("calc_example-software-2026_") for n in names)
    ids = [c["props"].get("elem_id") for c in demo.config["components"] if c["props"].get("elem_id")]
    assert len(ids) == len(set(ids))  # one form per item of every policy, no collision
    header = header_html(services, IN_FORCE)
    assert header.count('class="pqa-policy"') == len(list(services.corpus))  # each policy's tag for the date
    assert "未生效" in header and "有效" in header
