"""The grounding guard catches figures that neither the evidence nor the trace holds."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dialogue.guard import check_grounded, ungrounded_numbers
from assistant.errors import GroundingError

CLAUSE_5 = "区级项目资助额度不超过200万元，被认定为市级项目不超过500万元，按不超过项目已投入金额的30%给予资助"
TRACE = ["项目已投入金额2000万元×30%=600万元", "600万元超过上限500万元，取500万元"]


def test_grounded_answer_passes():
    answer = "按第5条，最高可获资助500万元。已投入2000万元×30%=600万元，超过市级上限500万元。"
    assert ungrounded_numbers(answer, [CLAUSE_5], TRACE, ["5"]) == []


def test_same_money_in_other_spellings_is_grounded():
    assert ungrounded_numbers("二百万元，即2,000,000元", [CLAUSE_5], []) == []


@pytest.mark.parametrize(
    ("planted", "bad"),
    [("最高可获资助1000万元", "1000万元"), ("按40%资助", "40"), ("见第7条", "第7条"), ("有效期至2027年", "2027")],
)
def test_planted_violation_is_caught(planted, bad):
    assert bad in ungrounded_numbers(f"按第5条，{planted}。", [CLAUSE_5], TRACE, ["5"])
    with pytest.raises(GroundingError):
        check_grounded(planted, [CLAUSE_5], TRACE, ["5"])


def test_guard_blocks_a_planted_figure_in_the_assistant(assistant, monkeypatch):
    """A wording bug that adds a figure never reaches the user: the guard replaces the answer."""
    from assistant.dialogue.answers import award

    monkeypatch.setattr(award, "format_yuan", lambda yuan: "999万元")
    reply = assistant.ask("已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？", as_of=date(2025, 6, 1))
    assert "999万" not in reply.answer
    assert reply.amount_yuan is None
