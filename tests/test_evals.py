"""Tests of the eval runner: the case loader, each evaluator, the report (table, JSON) and the exit codes.

All of it runs against a scripted fake assistant (``FakeAssistant`` below: a dict from the user's message to a
prepared reply), not the real one — these tests check the runner, not the answers. The real end-to-end run
(``policy-qa eval`` over ``evals/answers`` with the issue's thresholds) is wired into ``make test`` separately.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import DataError
from assistant.evals import EvalCase, evaluate, load_cases, run_cases, run_eval
from assistant.evals.evaluators import trace_texts

# -- a scripted fake assistant --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeClause:
    clause_id: str
    text: str


@dataclass(frozen=True)
class FakeStep:
    description: str
    amount_yuan: int | None
    clause: str


@dataclass
class FakeReply:
    answer: str
    intent: str
    citations: list[str] = field(default_factory=list)
    amount_yuan: int | None = None
    in_force: bool | None = False
    trace: list[Any] = field(default_factory=list)
    missing_facts: list[str] = field(default_factory=list)
    evidence: list[FakeClause] = field(default_factory=list)
    validity_notice: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"answer": self.answer, "intent": self.intent, "citations": self.citations}


CLAUSE_1 = FakeClause("1", "1、支持企业“两化”深度融合。……按不超过项目实际投资的30%予以资助，资助资金不超过200万元。")
CLAUSE_16 = FakeClause("16", "16、本办法由嘉定区经济委员会负责解释，自发布之日起实施，有效期至2025年12月31日。")

GOOD_AWARD = FakeReply(
    answer="按第1条，最高可获资助200万元：800万元×30%=240万元，超过上限200万元，取200万元。（有效期至2025年12月31日）",
    intent="award",
    citations=["1", "16"],
    amount_yuan=2_000_000,
    trace=[
        FakeStep("项目实际投资800万元×30%=240万元", 2_400_000, "1"),
        FakeStep("不超过200万元", 2_000_000, "1"),
    ],
    evidence=[CLAUSE_1, CLAUSE_16],
)


class FakeConversation:
    def __init__(self, script: dict[str, Any], as_of: date | None, log: list[tuple[str, Any]]) -> None:
        self.script, self.as_of, self.log = script, as_of, log

    def ask(self, text: str) -> Any:
        self.log.append((text, self.as_of))
        reply = self.script.get(text)
        if isinstance(reply, Exception):
            raise reply
        return reply if reply is not None else FakeReply("请问您想了解哪一项？", "clarify")


class FakeAssistant:
    """Scripted stand-in for assistant.dialogue.Assistant: message → prepared reply."""

    def __init__(self, script: dict[str, Any]) -> None:
        self.script = script
        self.log: list[tuple[str, Any]] = []

    def new_conversation(self, as_of: date | None = None) -> FakeConversation:
        return FakeConversation(self.script, as_of, self.log)


def case(**fields: Any) -> EvalCase:
    base: dict[str, Any] = {"id": "c", "question": "q", "intent": "award"}
    base.update(fields)
    return EvalCase.model_validate(base)


def no_ungrounded(answer: str, evidence: list[str], trace: list[str], ids: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """A stand-in grounding function: figures are 'ungrounded' when they contain the digit 9."""
    return ["9"] if "9" in answer else []


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- loader ---------------------------------------------------------------------------------------------------


def test_loader_reads_both_shapes_and_sets_category(tmp_path: Path) -> None:
    path = write(tmp_path, "award.yaml", """\
        - id: a1
          question: 已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？
          as_of: "2026-11-25"
          intent: award
          clauses: ["1"]
          amount_wan: 12.5
          must_include: ["200万元"]
          must_not_include: ["1000万"]
        - id: a2
          turns: ["我们是市级标杆示范项目，能补多少？", "已投入2000万"]
          intent: award
          clauses: [5]
          category: multiturn
        """)
    a1, a2 = load_cases([path])
    assert a1.category == "award" and a1.as_of == date(2026, 11, 25)
    assert a1.amount_wan == Decimal("12.5") and a1.expected_yuan == 125_000
    assert a1.user_turns == ("已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？",)
    assert a2.category == "multiturn" and a2.clauses == ("5",) and a2.last_turn == "已投入2000万"
    assert a2.as_of is None and a2.amount_wan is None


def test_loader_keeps_float_amounts_exact(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", "- {id: a, question: q, intent: award, amount_wan: 199.8}\n")
    assert load_cases([path])[0].expected_yuan == 1_998_000


def test_loader_reads_a_folder(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", "- {id: b, question: q, intent: lookup}\n")
    write(tmp_path, "a.yaml", "- {id: a, question: q, intent: lookup}\n")
    assert [c.id for c in load_cases([tmp_path])] == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {id: a, question: q, intent: award, clauses: [1\n", "不是合法的 YAML"),
        ("id: a\nquestion: q\n", "顶层必须是用例列表"),
        ("- just a string\n", "不是键值对"),
        ("- {id: a, intent: award}\n", "question 或 turns"),
        ("- {id: a, question: q, turns: [x], intent: award}\n", "question 或 turns"),
        ("- {id: a, turns: [], intent: award}\n", "turns 不能为空"),
        ("- {id: a, question: q, intent: chitchat}\n", "intent"),
        ("- {id: a, question: q}\n", "缺少字段 intent"),
        ("- {id: a, question: q, intent: award, must_includes: [x]}\n", "未知字段 must_includes"),
        ("- {id: a, question: q, intent: award, amount_wan: abc}\n", "amount_wan"),
        ("- {id: a, question: q, intent: award, amount_wan: -1}\n", "不能为负数"),
        ("- {id: a, question: q, intent: award, amount_wan: 0.00001}\n", "不是整数"),
        ("- {id: a, question: q, intent: award, as_of: someday}\n", "as_of"),
        ("- {id: a, question: q, intent: award, clauses: [{x: 1}]}\n", "clauses"),
        ("- {question: q, intent: award}\n", "缺少字段 id"),
        ("- {id: a, question: q, intent: lookup}\n- {id: a, question: r, intent: lookup}\n", "id 重复"),
    ],
)
def test_loader_rejects_bad_files_with_a_clear_message(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(DataError) as err:
        load_cases([path])
    assert message in str(err.value)
    assert "bad.yaml" in str(err.value) or "重复" in str(err.value)


def test_loader_rejects_missing_file_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="不存在"):
        load_cases([tmp_path / "nope.yaml"])
    with pytest.raises(DataError, match="没有 .yaml"):
        load_cases([tmp_path])
    write(tmp_path, "empty.yaml", "")
    with pytest.raises(DataError, match="没有找到任何评测用例"):
        load_cases([tmp_path])


# -- evaluators: one passing and one failing reply each ------------------------------------------------------


def test_intent() -> None:
    c = case(intent="award")
    assert evaluate(c, GOOD_AWARD, grounding=no_ungrounded)["intent"].passed
    failed = evaluate(c, FakeReply("?", "clarify"), grounding=no_ungrounded)["intent"]
    assert not failed.passed and "clarify" in failed.detail


def test_citation_recall() -> None:
    assert evaluate(case(clauses=["1"]), GOOD_AWARD, grounding=no_ungrounded)["citation_recall"].passed
    failed = evaluate(case(clauses=["1", "13"]), GOOD_AWARD, grounding=no_ungrounded)["citation_recall"]
    assert not failed.passed and "13" in failed.detail


def test_citation_recall_accepts_citation_objects() -> None:
    @dataclass
    class Citation:
        clause_id: str

    reply = FakeReply("按第1条…", "award", citations=[Citation("1")], evidence=[CLAUSE_1])  # type: ignore[list-item]
    assert evaluate(case(clauses=["1"]), reply, grounding=no_ungrounded)["citation_recall"].passed


def test_citation_precision() -> None:
    assert evaluate(case(), GOOD_AWARD, grounding=no_ungrounded)["citation_precision"].passed
    cites_more = FakeReply("按第1条和第5条…", "award", citations=["1", "5"], evidence=[CLAUSE_1])
    failed = evaluate(case(), cites_more, grounding=no_ungrounded)["citation_precision"]
    assert not failed.passed and "5" in failed.detail


def test_amount_exact() -> None:
    assert evaluate(case(amount_wan=200), GOOD_AWARD, grounding=no_ungrounded)["amount_exact"].passed
    assert not evaluate(case(amount_wan=240), GOOD_AWARD, grounding=no_ungrounded)["amount_exact"].passed
    one_yuan_off = FakeReply("", "award", amount_yuan=1_999_999)
    assert not evaluate(case(amount_wan=200), one_yuan_off, grounding=no_ungrounded)["amount_exact"].passed
    no_amount = FakeReply("", "award", amount_yuan=None)
    assert not evaluate(case(amount_wan=0), no_amount, grounding=no_ungrounded)["amount_exact"].passed
    assert evaluate(case(amount_wan=0), FakeReply("", "award", amount_yuan=0), grounding=no_ungrounded)[
        "amount_exact"
    ].passed
    assert evaluate(case(amount_wan=12.5), FakeReply("", "award", amount_yuan=125_000), grounding=no_ungrounded)[
        "amount_exact"
    ].passed


def test_amount_exact_not_applicable_without_amount() -> None:
    assert "amount_exact" not in evaluate(case(), GOOD_AWARD, grounding=no_ungrounded)


def test_must_include() -> None:
    assert evaluate(case(must_include=["200万元"]), GOOD_AWARD, grounding=no_ungrounded)["must_include"].passed
    failed = evaluate(case(must_include=["200万元", "150万元"]), GOOD_AWARD, grounding=no_ungrounded)["must_include"]
    assert not failed.passed and "150万元" in failed.detail
    assert "must_include" not in evaluate(case(), GOOD_AWARD, grounding=no_ungrounded)


def test_must_include_satisfied_only_by_the_validity_banner_is_reported() -> None:
    banner = "⚠ 有效期至2025年12月31日，已过期；请以嘉定区经济委员会最新申报指南为准。"
    reply = FakeReply(f"抱歉，这个问题不在范围内。\n{banner}", "out_of_scope", validity_notice=banner)
    check = evaluate(case(must_include=["嘉定区经济委员会"]), reply, grounding=no_ungrounded)["must_include"]
    assert check.passed and "有效期提示" in check.note
    own = FakeReply(f"由嘉定区经济委员会负责解释。\n{banner}", "lookup", validity_notice=banner)
    assert not evaluate(case(must_include=["嘉定区经济委员会"]), own, grounding=no_ungrounded)["must_include"].note


def test_must_not_include() -> None:
    assert evaluate(case(must_not_include=["1000万"]), GOOD_AWARD, grounding=no_ungrounded)[
        "must_not_include"
    ].passed
    failed = evaluate(case(must_not_include=["240万"]), GOOD_AWARD, grounding=no_ungrounded)["must_not_include"]
    assert not failed.passed and "240万" in failed.detail


def test_grounding_uses_the_given_function() -> None:
    assert evaluate(case(), GOOD_AWARD, grounding=no_ungrounded)["grounding"].passed
    planted = FakeReply("可获资助900万元", "award")
    failed = evaluate(case(), planted, grounding=no_ungrounded)["grounding"]
    assert not failed.passed and "9" in failed.detail


def test_grounding_passes_evidence_trace_and_ids() -> None:
    seen: dict[str, Any] = {}

    def spy(answer: str, evidence: list[str], trace: list[str], ids: list[str]) -> list[str]:
        seen.update(answer=answer, evidence=evidence, trace=trace, ids=ids)
        return []

    evaluate(case(), GOOD_AWARD, grounding=spy)
    assert seen["evidence"] == [CLAUSE_1.text, CLAUSE_16.text]
    assert seen["ids"] == ["1", "16"]
    assert "项目实际投资800万元×30%=240万元" in seen["trace"] and "2400000元" in seen["trace"]


def test_trace_texts_accept_dict_steps() -> None:
    assert trace_texts(FakeReply("", "award", trace=[{"description": "d", "amount_yuan": 5}])) == ["d", "5元"]


def test_trace_texts_accept_plain_steps_as_the_guard_does() -> None:
    # the assistant's guard reads a plain step as its own text (getattr(s, "description", str(s))); so does the eval
    assert trace_texts(FakeReply("", "award", trace=["申报年度 2025 年 -1 = 2024 年"])) == ["申报年度 2025 年 -1 = 2024 年"]


def test_grounding_with_the_real_guard() -> None:
    guard = pytest.importorskip("assistant.dialogue.guard")
    assert evaluate(case(), GOOD_AWARD, grounding=guard.ungrounded_numbers)["grounding"].passed
    planted = FakeReply("按第1条，可获资助260万元。", "award", citations=["1"], evidence=[CLAUSE_1])
    failed = evaluate(case(), planted, grounding=guard.ungrounded_numbers)["grounding"]
    assert not failed.passed and "260万元" in failed.detail


# -- runner and report ----------------------------------------------------------------------------------------

CASES_YAML = """\
- id: good
  question: 智能工厂授牌，投资800万能补多少
  intent: award
  clauses: ["1"]
  amount_wan: 200
  must_include: ["200万元"]
- id: wrong-amount
  question: 智能工厂授牌，投资800万能补多少？
  intent: award
  clauses: ["1"]
  amount_wan: 240
- id: refusal
  question: 今天天气怎么样
  intent: out_of_scope
  clauses: []
  must_not_include: ["万元"]
- id: two-turns
  turns: ["智能工厂授牌了能补多少", "投资800万"]
  as_of: "2025-06-01"
  intent: award
  clauses: ["1"]
  amount_wan: 200
- id: crashes
  question: 崩溃
  intent: lookup
  clauses: ["16"]
"""


def script() -> dict[str, Any]:
    return {
        "智能工厂授牌，投资800万能补多少": GOOD_AWARD,
        "智能工厂授牌，投资800万能补多少？": GOOD_AWARD,
        "今天天气怎么样": FakeReply("抱歉，我只能回答嘉定区工业互联网政策的问题。", "out_of_scope"),
        "智能工厂授牌了能补多少": FakeReply("请问项目实际投资是多少？", "award", missing_facts=["investment"]),
        "投资800万": GOOD_AWARD,
        "崩溃": RuntimeError("boom"),
    }


@pytest.fixture()
def report(tmp_path: Path):  # noqa: ANN201 - fixture
    path = write(tmp_path, "award.yaml", CASES_YAML)
    fake = FakeAssistant(script())
    rep = run_cases(load_cases([path]), fake, grounding=no_ungrounded)
    rep.fake = fake  # type: ignore[attr-defined]
    return rep


def test_runner_asks_every_turn_with_the_case_date(report) -> None:  # noqa: ANN001
    log = report.fake.log
    assert ("智能工厂授牌了能补多少", date(2025, 6, 1)) in log and ("投资800万", date(2025, 6, 1)) in log
    assert ("今天天气怎么样", None) in log


def test_runner_results(report) -> None:  # noqa: ANN001
    by_id = {r.case.id: r for r in report.results}
    assert by_id["good"].passed and by_id["refusal"].passed and by_id["two-turns"].passed
    assert not by_id["wrong-amount"].passed and not by_id["wrong-amount"].checks["amount_exact"].passed
    crashed = by_id["crashes"]
    assert not crashed.passed and "boom" in (crashed.error or "") and not crashed.checks["intent"].passed
    assert report.rate("amount_exact") == pytest.approx(2 / 3)
    assert report.summary()["passed"] == pytest.approx(3 / 5)
    assert report.rate("must_include") == 1.0


def test_report_json_shape(report) -> None:  # noqa: ANN001
    data = json.loads(json.dumps(report.to_dict()))
    assert set(data) >= {"summary", "cases"}
    assert set(data["summary"]) >= {
        "intent", "citation_recall", "citation_precision", "amount_exact", "must_include", "must_not_include",
        "grounding",
    }
    first = data["cases"][0]
    assert set(first) >= {"id", "passed", "checks", "answer", "intent", "citations", "amount_yuan", "latency_ms"}
    assert first["checks"]["amount_exact"] is True and first["citations"] == ["1", "16"]
    assert first["amount_yuan"] == 2_000_000 and isinstance(first["latency_ms"], float)


def test_report_table_and_failures(report) -> None:  # noqa: ANN001
    table = report.format_table({"amount_exact": 1.0})
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["类别", "用例", "全过"]
    assert any(line.startswith("award") for line in lines) and "≥100%" in table
    award_row = next(line for line in lines if line.startswith("award"))
    assert "2/3" in award_row  # amount_exact: 2 of the 3 cases that give an amount
    failures = report.format_failures()
    assert "wrong-amount" in failures and "期望 240万元" in failures and GOOD_AWARD.answer in failures
    assert "crashes" in failures and "boom" in failures and "good" not in failures.split("wrong-amount")[0]


def test_thresholds(report) -> None:  # noqa: ANN001
    assert report.threshold_failures({"must_include": 1.0}) == []
    problems = report.threshold_failures({"amount_exact": 1.0, "intent": 0.5})
    assert len(problems) == 1 and "amount_exact" in problems[0]


def test_run_eval_uses_the_factory(tmp_path: Path, settings) -> None:  # noqa: ANN001
    path = write(tmp_path, "award.yaml", CASES_YAML)
    made: list[Any] = []

    def factory(s: Any) -> FakeAssistant:
        made.append(s)
        return FakeAssistant(script())

    rep = run_eval(settings, [path], factory, grounding=no_ungrounded)
    assert made == [settings] and len(rep.results) == 5


# -- the command line -----------------------------------------------------------------------------------------


@pytest.fixture()
def fake_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.evals.cli as cli
    import assistant.evals.evaluators as evaluators

    monkeypatch.setattr(cli, "ASSISTANT_FACTORY", lambda _settings: FakeAssistant(script()))
    monkeypatch.setattr(evaluators, "_default_grounding", lambda: no_ungrounded)


def test_cli_eval_fails_under_threshold(tmp_path: Path, fake_cli, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    from assistant.cli import main

    path = write(tmp_path, "award.yaml", CASES_YAML)
    assert main(["eval", "--questions", str(path)]) == 1
    out = capsys.readouterr().out
    assert "未达阈值" in out and "amount_exact" in out and "wrong-amount" in out


def test_cli_eval_passes_when_thresholds_are_lowered(tmp_path: Path, fake_cli, capsys) -> None:  # noqa: ANN001
    from assistant.cli import main

    path = write(tmp_path, "award.yaml", CASES_YAML)
    args = ["eval", "--questions", str(path), "--min-amount", "0.5", "--min-grounding", "0.5",
            "--min-intent", "0.5", "--min-citation-recall", "0.5"]
    assert main(args) == 0
    assert "所有指标达到阈值" in capsys.readouterr().out


def test_cli_eval_json(tmp_path: Path, fake_cli, capsys) -> None:  # noqa: ANN001
    from assistant.cli import main

    good = write(tmp_path, "good.yaml", CASES_YAML.split("- id: wrong-amount")[0])
    assert main(["eval", "--questions", str(good), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["amount_exact"] == 1.0 and data["cases"][0]["id"] == "good"
    assert data["threshold_failures"] == []


def test_cli_eval_bad_file_is_a_chinese_error(tmp_path: Path, fake_cli, capsys) -> None:  # noqa: ANN001
    from assistant.cli import main

    path = write(tmp_path, "bad.yaml", "- {id: a, question: q}\n")
    assert main(["eval", "--questions", str(path)]) == 2
    assert "缺少字段 intent" in capsys.readouterr().err


def test_cli_eval_retrieval_prints_the_report(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    import sys
    import types

    from assistant.cli import main

    calls: list[Path] = []

    class Report:
        def format_table(self, failures: int = 10) -> str:
            return "hybrid recall@1 0.95" + ("\n未排第一：r-miss" if failures else "")

        def to_dict(self) -> dict[str, Any]:
            return {"rows": [{"name": "hybrid", "recall@1": 0.95, "failures": ["r-miss"]}]}

    def evaluate_retrieval(settings: Any, path: Path) -> Report:
        calls.append(path)
        return Report()

    module = types.ModuleType("assistant.evals.retrieval_eval")
    module.evaluate_retrieval = evaluate_retrieval  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "assistant.evals.retrieval_eval", module)
    assert main(["eval", "--retrieval"]) == 0
    out = capsys.readouterr().out
    assert "hybrid recall@1 0.95" in out and "r-miss" in out
    assert calls and calls[0].name == "retrieval.yaml"
    assert main(["eval", "--retrieval", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][0]["failures"] == ["r-miss"]
    # A blind file is measured, never read: its missed queries are not printed, in either form.
    blind = str(Path("evals") / "blind" / "retrieval.yaml")
    assert main(["eval", "--retrieval", "--questions", blind]) == 0
    out = capsys.readouterr().out
    assert "hybrid recall@1 0.95" in out and "r-miss" not in out
    assert main(["eval", "--retrieval", "--questions", blind, "--json"]) == 0
    assert "failures" not in json.loads(capsys.readouterr().out)["rows"][0]


def test_cli_eval_of_a_blind_set_prints_scores_only(tmp_path: Path, fake_cli, capsys) -> None:  # noqa: ANN001
    from assistant.cli import main

    (tmp_path / "blind").mkdir()
    path = write(tmp_path / "blind", "award.yaml", CASES_YAML)
    assert main(["eval", "--questions", str(path)]) == 1
    captured = capsys.readouterr()
    assert "amount_exact" in captured.out and "未达阈值" in captured.out
    assert "wrong-amount" not in captured.out and "盲测集" in captured.err
    assert main(["eval", "--questions", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert "cases" not in data and "weak_passes" not in data["stats"] and data["summary"]
    # Asked for explicitly, the failures are listed; and --summary hides them for any file.
    assert main(["eval", "--questions", str(path), "--show-failures"]) == 1
    assert "wrong-amount" in capsys.readouterr().out
    other = write(tmp_path, "award.yaml", CASES_YAML)
    assert main(["eval", "--questions", str(other), "--summary"]) == 1
    assert "wrong-amount" not in capsys.readouterr().out
