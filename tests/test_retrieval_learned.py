"""The learned reranker: its training questions stay out of every measurement set, each policy's examples are read
from its own folder (malformed ones are errors), and an example question lifts its clause for a caller who asks
the same thing in other words — also for a policy added later."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.corpus import load_corpus
from assistant.errors import DataError
from assistant.retrieval.learned import LEARNED_WEIGHT, LEXICAL_GATE, LOOKUPS_FILE, lexical_gate, read_lookups
from assistant.retrieval.lexicon import normalise
from assistant.retrieval.retriever import InMemoryRetriever
from tests.fixtures_corpus import FIXTURE_POLICIES

ROOT = Path(__file__).resolve().parents[1]
JIADING_LOOKUPS = ROOT / "corpus" / "jiading-iiot-2024" / LOOKUPS_FILE
SOFTWARE = "example-software-2026"
DIGITAL = "example-digital-2027"
# A caller's words for 第六条 (引进高级工程师) that share no word with the clause, and example rows that teach them.
ENGINEER_EXAMPLES = [
    {"query": "挖来的技术大牛个人能拿多少奖励", "clauses": ["6"]},
    {"query": "招了个大牛工程师，公司能领多少钱", "clauses": ["6"]},
]
ENGINEER_QUESTION = "刚挖了个大牛过来，公司能领钱吗"


def _rows(path: Path, split: str | None = None) -> list[dict]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [r for r in rows if r.get("clauses") and (split is None or r.get("split") == split)]


def test_training_questions_are_the_tune_questions_and_never_a_measured_one() -> None:
    evals = ROOT / "evals"
    tuned = {r["id"]: r for r in _rows(evals / "retrieval.yaml")}
    measured: set[str] = set()
    for name in ("retrieval-dev", "retrieval-dev2", "retrieval-dev3", "retrieval-dev4"):
        tuned |= {r["id"]: r for r in _rows(evals / f"{name}.yaml", "tune")}
        measured |= {normalise(r["query"]) for r in _rows(evals / f"{name}.yaml", "heldout")}
    for name in ("retrieval-dev5", "retrieval-dev6", "retrieval-dev7"):  # measurement sets, every question held out
        measured |= {normalise(r["query"]) for r in _rows(evals / f"{name}.yaml")}
    measured |= {normalise(r["query"]) for r in _rows(evals / "blind" / "retrieval.yaml")}
    training = yaml.safe_load(JIADING_LOOKUPS.read_text(encoding="utf-8"))
    assert not {normalise(r["query"]) for r in training} & measured
    for row in training:  # each row is the tune question it names, word for word, with the same clauses
        source = tuned[row["from"]]
        assert (row["query"], row["clauses"]) == (source["query"], [str(c) for c in source["clauses"]])
    left_out = {i for i, r in tuned.items() if normalise(r["query"]) in measured}
    assert {r["from"] for r in training} == set(tuned) - left_out  # every other tune question is used


@pytest.fixture
def software(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURE_POLICIES / SOFTWARE, root / SOFTWARE)
    return root


def _write(folder: Path, rows: object) -> None:
    (folder / LOOKUPS_FILE).write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")


def test_an_example_question_lifts_its_clause_for_the_same_question_in_other_words(software: Path) -> None:
    # no word of the question is in the clause: retrieval alone, or a model of the clauses' own sentences, misses it
    assert InMemoryRetriever(load_corpus(software), learned=False).search(ENGINEER_QUESTION, k=1)[0].clause_id != "6"
    assert InMemoryRetriever(load_corpus(software)).search(ENGINEER_QUESTION, k=1)[0].clause_id != "6"
    _write(software / SOFTWARE, ENGINEER_EXAMPLES)
    assert InMemoryRetriever(load_corpus(software)).search(ENGINEER_QUESTION, k=1)[0].clause_id == "6"
    assert InMemoryRetriever(load_corpus(software), learned=False).search(ENGINEER_QUESTION, k=1)[0].clause_id != "6"


def test_every_policy_has_a_model_and_its_probabilities_share_one_weight(software: Path) -> None:
    """A policy with no examples learns from its own sentences; within a policy the boosts sum to the weight,
    so a policy with many examples does not outweigh one with none."""
    shutil.copytree(FIXTURE_POLICIES / DIGITAL, software / DIGITAL)
    _write(software / SOFTWARE, ENGINEER_EXAMPLES)
    retriever = InMemoryRetriever(load_corpus(software))
    state = retriever._state
    assert state.learned is not None
    boost = state.learned.scores(ENGINEER_QUESTION, None)
    for policy_id in (SOFTWARE, DIGITAL):
        columns = [i for i, c in enumerate(state.clauses) if c.policy_id == policy_id]
        assert np.isclose(boost[columns].sum(), LEARNED_WEIGHT)


def test_a_policy_added_later_brings_its_examples(software: Path, tmp_path: Path) -> None:
    retriever = InMemoryRetriever(load_corpus(software))
    extra = tmp_path / "more"
    shutil.copytree(FIXTURE_POLICIES / DIGITAL, extra / DIGITAL)
    # 第3项 says 企业技术中心; callers say 研发中心
    question = "我们的研发中心被评上了，能奖多少"
    policy = load_corpus(extra).policy(DIGITAL)
    without = InMemoryRetriever(load_corpus(extra)).search(question, k=1)[0].clause_id
    assert without != "3"
    _write(extra / DIGITAL, [{"query": "研发中心被评上国家级了奖多少", "clauses": ["3"]},
                             {"query": "研发中心认定以后有一次性奖励吗", "clauses": ["3"]}])
    retriever.add_policy(load_corpus(extra).policy(DIGITAL))
    assert policy.policy_id in retriever._state.policy_ids
    assert retriever.search(question, k=1, policy_id=DIGITAL)[0].clause_id == "3"


@pytest.mark.parametrize(
    ("bm25", "factor"),
    [
        ([12.0, 0.0, 0.0], 1.0 - LEXICAL_GATE),  # one clause alone has the question's word: the form counts less
        ([6.0, 6.0, 1.0], 1.0),  # two clauses tie on words: the learned model decides
        ([0.0, 0.0, 0.0], 1.0),  # no word in common with any clause: all to the learned model
        ([4.0, 1.0, 2.0], 1.0 - LEXICAL_GATE * 0.5),
    ],
)
def test_a_decisive_word_damps_the_learned_boost_by_its_lead(bm25: list[float], factor: float) -> None:
    assert lexical_gate(np.array(bm25)) == pytest.approx(factor)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"query": "不是列表"}, "应是一个列表"),
        ([{"query": "只有问题"}], "第 1 项格式不对"),
        ([{"query": "第九十九条说什么", "clauses": ["99"]}], "条款 99 不在政策"),
    ],
)
def test_a_malformed_examples_file_is_a_data_error_naming_the_file(software: Path, rows: object, message: str) -> None:
    _write(software / SOFTWARE, rows)
    policy = load_corpus(software).policy(SOFTWARE)
    with pytest.raises(DataError, match=message) as err:
        read_lookups(policy, [c.clause_id for c in policy.clauses])
    assert LOOKUPS_FILE in str(err.value)
    with pytest.raises(DataError):
        InMemoryRetriever(load_corpus(software))
