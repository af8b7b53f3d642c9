"""Tests of the benchmark (``policy-qa bench``) with a scripted fake assistant instead of the real one.

They check the shape of the result, the table and the JSON file, and that the cold start really runs a
fresh interpreter; the figures themselves come from running ``policy-qa bench`` on the real assistant.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.evals.bench import bench_answers, format_bench, format_mapping, measure_cold_start


class _Reply:
    answer = "按第2条，一次性奖励20万元。"
    intent = "award"
    citations = ["2"]
    amount_yuan = 200_000


class _Conversation:
    def ask(self, text: str) -> _Reply:
        if text == "坏":
            raise RuntimeError("boom")
        return _Reply()


class FakeAssistant:
    """Scripted stand-in for assistant.dialogue.Assistant: answers everything with the same reply."""

    def new_conversation(self, as_of: date | None = None) -> _Conversation:
        return _Conversation()


def fake_factory(_settings: Any) -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture()
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(textwrap.dedent("""\
        - {id: a, question: 贯标奖励多少, intent: award}
        - {id: b, turns: [能补多少, 贯标], intent: award}
        - {id: c, question: 坏, intent: award}
        """), encoding="utf-8")
    return path


def test_bench_answers_shape(settings, cases_file: Path) -> None:  # noqa: ANN001
    result = bench_answers(settings, [cases_file], assistant_factory=fake_factory, cold=False, index=False)
    warm = result["warm"]
    assert warm["turns"] == 4 and warm["errors"] == 1
    assert 0 <= warm["p50_ms"] <= warm["p95_ms"] <= warm["max_ms"]
    assert result["memory"]["peak_rss_mb"] > 0
    assert result["targets"]["warm_p95_met"] is True and result["targets"]["cold_start_met"] is None
    json.dumps(result)
    table = format_bench(result)
    assert "热启动延迟 p95" in table and "达标" in table and "峰值内存" in table


def test_cold_start_runs_a_fresh_process() -> None:
    result = measure_cold_start("tests.test_evals_bench:fake_factory", "贯标奖励多少")
    assert "error" not in result, result
    assert result["answered"] is True and result["cold_start_s"] > 0 and result["peak_rss_mb"] > 0
    assert result["cold_start_s"] >= result["first_answer_s"]


def test_cold_start_reports_a_broken_factory() -> None:
    result = measure_cold_start("tests.test_evals_bench:no_such_factory", "q")
    assert "error" in result and "no_such_factory" in result["error"]


def test_cli_bench_writes_json(tmp_path: Path, cases_file: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    import assistant.evals.cli as cli
    from assistant.cli import main

    monkeypatch.setattr(cli, "ASSISTANT_FACTORY", fake_factory)
    out = tmp_path / "bench.json"
    assert main(["bench", "--questions", str(cases_file), "--no-cold", "--no-index", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["kind"] == "answers" and data["warm"]["turns"] == 4
    assert str(out) in capsys.readouterr().out


def test_cli_bench_retrieval_prints_the_dict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    import sys
    import types

    from assistant.cli import main

    module = types.ModuleType("assistant.retrieval.bench")
    module.bench_retrieval = lambda settings: {"build_s": 1.5, "query_ms": {"p50": 3.0, "p95": 7.25}}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "assistant.retrieval.bench", module)
    out = tmp_path / "r.json"
    assert main(["bench", "retrieval", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "query_ms.p95" in printed and "7.25" in printed
    assert json.loads(out.read_text(encoding="utf-8"))["build_s"] == 1.5


def test_format_mapping_flattens() -> None:
    text = format_mapping({"a": {"b": 1, "c": [1, 2]}, "rows": [{"x": 1.5}]})
    assert "a.b" in text and "rows[0].x" in text and "[1, 2]" in text


@pytest.mark.slow
@pytest.mark.bench
def test_index_build_is_measured_in_a_temporary_folder(settings) -> None:  # noqa: ANN001
    """Real model and real Chroma, in a fresh process and a temporary folder; the state folder is untouched."""
    from assistant.evals.bench import measure_index_build
    from assistant.retrieval.embedders import is_available

    if not is_available(settings.embedding_model):
        pytest.skip(f"embedding model {settings.embedding_model} not installed")
    before = sorted(p.name for p in settings.home.iterdir()) if settings.home.exists() else []
    result = measure_index_build(settings)
    assert "error" not in result, result
    assert result["records"] >= 23 and result["build_s"] > 0 and result["peak_rss_mb"] > 0
    after = sorted(p.name for p in settings.home.iterdir()) if settings.home.exists() else []
    assert after == before


def test_the_cold_question_comes_from_the_corpus_examples(settings) -> None:  # noqa: ANN001 - Settings
    from assistant.corpus import load_corpus
    from assistant.corpus.store import example_questions
    from assistant.evals.bench import cold_question

    question = cold_question(settings)
    assert question in example_questions(load_corpus(settings.corpus_dir))
    assert any(ch.isdigit() for ch in question)  # one that gives a figure
