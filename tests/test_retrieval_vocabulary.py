"""The retrieval vocabulary is data: every policy folder's retrieval.yaml is read and merged, a malformed one is a
DataError, and a second (made-up) policy's words reach the tokenizer, the query expansion and the search."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus, load_corpus
from assistant.errors import DataError
from assistant.retrieval.index import content_hash, records_for
from assistant.retrieval.lexicon import TERM_WEIGHT, Analyzer, analyzer_for, normalise
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.vocabulary import (
    RETRIEVAL_FILE,
    Vocabulary,
    corpus_vocabulary,
    genre_vocabulary,
    read_vocabulary,
)
from tests.fixtures_retrieval import TEST_EMBEDDER

JIADING = "jiading-iiot-2024"
ROBOTS = "nanhu-robots-2030"
#: A made-up policy of a made-up district: nothing of it is in code.
ROBOTS_META = """title: 南湖区机器人产业发展专项支持办法
issuer: 南湖区科学技术委员会
region: 南湖区
published: '2030-01-01'
effective_from: '2030-01-01'
valid_until: '2032-12-31'
"""
ROBOTS_TEXT = """为促进本区机器人产业发展，制定本办法。
一、支持对象
工商注册和税务登记均在本区的法人企业。
二、支持范围及标准
1、对通过协作机器人安全认证的企业，给予一次性奖励10万元。
2、对建设示范产线的企业，按项目投资的20%予以资助，最高不超过100万元。
3、本办法自2030年1月1日起实施。
"""
ROBOTS_VOCABULARY = """# a made-up policy's own words
terms: [协作机器人, 示范产线]
synonyms:
  cobot: 协作机器人
  样板线: 示范产线
"""


def _words(analyzer: Analyzer, text: str) -> list[str]:
    return [t for t in analyzer.tokens(text) if not t.startswith(("#", "@"))]


@pytest.fixture
def two_policies(tmp_path: Path) -> Path:
    """A corpus folder with the real policy and a made-up one that has its own retrieval.yaml."""
    root = tmp_path / "corpus"
    shutil.copytree(Path(load_corpus().root) / JIADING, root / JIADING)
    robots = root / ROBOTS
    robots.mkdir()
    (robots / "meta.yaml").write_text(ROBOTS_META, encoding="utf-8")
    (robots / "clean.txt").write_text(ROBOTS_TEXT, encoding="utf-8")
    (robots / RETRIEVAL_FILE).write_text(ROBOTS_VOCABULARY, encoding="utf-8")
    return root


def test_the_real_policys_vocabulary_comes_from_its_folder(corpus: Corpus) -> None:
    vocabulary = corpus_vocabulary(corpus)
    assert (corpus.root / JIADING / RETRIEVAL_FILE).is_file()
    assert {"二级节点", "一事一议", "嘉定区"} <= set(
        vocabulary.terms
    )  # file, quoted phrase, meta.yaml region
    assert ("规上", "规模以上") in vocabulary.synonyms


def test_a_second_policy_folders_terms_and_synonyms_are_picked_up(two_policies: Path) -> None:
    vocabulary = corpus_vocabulary(load_corpus(two_policies))
    assert {"协作机器人", "示范产线", "南湖区", "二级节点"} <= set(vocabulary.terms)
    analyzer = analyzer_for(vocabulary)
    text = "对通过协作机器人安全认证的企业建设示范产线"
    assert {"协作机器人", "示范产线"} <= set(_words(analyzer, text))
    assert "协作机器人" not in _words(
        Analyzer(), text
    )  # jieba alone cuts it apart: the data made the difference
    assert "协作机器人" in analyzer.expand_query("cobot补贴多少")
    assert "示范产线" in analyzer.expand_query("样板线怎么补")
    assert "规模以上" in analyzer.expand_query("规上奖励")  # the first policy's words are still there
    assert dict(analyzer.weighted_query_tokens("协作机器人"))["协作机器人"] == TERM_WEIGHT


def test_a_district_named_by_a_caller_is_the_policys_own_area(two_policies: Path, corpus: Corpus) -> None:
    """"执照在南湖，税在外区": the text says 本区 for its own district; the caller says its name, with or without 区."""
    analyzer = analyzer_for(corpus_vocabulary(load_corpus(two_policies)))
    assert "本区" in analyzer.expand_query("执照在南湖，能申请吗")
    assert "本区" in analyzer.expand_query("我们在南湖区注册的")
    assert "本区" not in analyzer.expand_query("执照在北湖，能申请吗")


def test_the_own_district_finds_who_may_apply(settings: Settings) -> None:
    top = Retriever(settings).search("我们公司人在嘉定办公，但执照是在浦东办的，能拿这个钱吗", k=2)
    assert top[0].clause_id == "一"


def test_a_policy_without_the_file_contributes_nothing_from_it(two_policies: Path) -> None:
    (two_policies / ROBOTS / RETRIEVAL_FILE).unlink()
    (two_policies / JIADING / RETRIEVAL_FILE).unlink()
    vocabulary = corpus_vocabulary(load_corpus(two_policies))
    own_area = {("南湖区", "本区"), ("南湖", "本区"), ("嘉定区", "本区"), ("嘉定", "本区")}
    assert set(vocabulary.synonyms) == set(genre_vocabulary().synonyms) | own_area  # the genre's words and regions
    # (a policy's senses without the file are only its parts' outline numbers, read from its text)
    assert all(sense.policy_id is None or sense.name.startswith("place outline") for sense in vocabulary.senses)
    assert "协作机器人" not in vocabulary.terms and "二级节点" not in vocabulary.terms
    assert {"南湖区", "嘉定区", "两化"} <= set(vocabulary.terms)  # region and quoted phrases need no file


def test_two_policies_defining_the_same_synonym_expand_to_both() -> None:
    first = Vocabulary(terms=("甲",), synonyms=(("补贴", "资助"),))
    second = Vocabulary(terms=("甲", "乙"), synonyms=(("补贴", "奖励"), ("cobot", "协作机器人")))
    merged = first.merged(second)
    assert merged.terms == ("甲", "乙")
    assert merged.synonyms == (("补贴", "资助 奖励"), ("cobot", "协作机器人"))
    # a word both targets hold is expanded once
    both = Vocabulary(synonyms=(("cert", "认证"),)).merged(Vocabulary(synonyms=(("cert", "认证 贯标"),)))
    assert both.synonyms == (("cert", "认证 贯标"),)


def test_jieba_is_initialised_once_per_vocabulary(corpus: Corpus) -> None:
    assert analyzer_for(corpus_vocabulary(corpus)) is analyzer_for(corpus_vocabulary(corpus))


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("- 二级节点\n", "应是一个映射"),
        ("terms: [二级节点]\nsynonym:\n  规上: 规模以上\n", "未知的部分 synonym"),
        ("terms: 二级节点\n", "terms 应是词语列表"),
        ("terms: [二级节点, '']\n", "terms 第 2 项"),
        ("terms: [二级节点, [a, b]]\n", "terms 第 2 项"),
        ("synonyms: [规上, 规模以上]\n", "synonyms 应是"),
        ("synonyms:\n  规上:\n", "“规上”应对应非空的政策用词"),
        ("synonyms:\n  规上: [规模以上]\n", "“规上”应对应非空的政策用词"),
        ("synonyms:\n  123: 规模以上\n", "问法不是非空词语"),
        ("synonyms:\n  规上: 规模以上\n  规上: 规模\n", "duplicate key '规上'"),
        ("terms: [二级节点\n", "无法读取"),
    ],
)
def test_a_malformed_retrieval_file_is_a_data_error_naming_the_file(
    tmp_path: Path, text: str, complaint: str
) -> None:
    path = tmp_path / RETRIEVAL_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as raised:
        read_vocabulary(path)
    assert complaint in str(raised.value)
    assert str(path) in str(raised.value)


def test_an_empty_or_missing_file_is_an_empty_vocabulary(tmp_path: Path) -> None:
    assert read_vocabulary(tmp_path / RETRIEVAL_FILE) == Vocabulary()
    (tmp_path / RETRIEVAL_FILE).write_text("# nothing yet\n", encoding="utf-8")
    assert read_vocabulary(tmp_path / RETRIEVAL_FILE) == Vocabulary()


def test_a_malformed_file_stops_the_retriever(two_policies: Path, fresh_settings: Settings) -> None:
    (two_policies / ROBOTS / RETRIEVAL_FILE).write_text("terms: 协作机器人\n", encoding="utf-8")
    with pytest.raises(DataError, match=ROBOTS):
        Retriever(fresh_settings, embedder=TEST_EMBEDDER, corpus=load_corpus(two_policies))


def test_search_uses_the_current_vocabulary_and_the_vector_index_does_not_depend_on_it(
    two_policies: Path, fresh_settings: Settings
) -> None:
    """The vocabulary shapes the lexical index and the query, both rebuilt from the files whenever a retriever
    is made; the Chroma index holds vectors of the clause texts, which no word list changes. So editing
    retrieval.yaml reaches the very next search without a (needless) re-embedding, and nothing is stale."""
    corpus = load_corpus(two_policies)
    first = Retriever(fresh_settings, embedder=TEST_EMBEDDER, corpus=corpus)
    top = first.search("cobot 奖励多少", k=1)[0]
    assert (top.clause.policy_id, top.clause.clause_id) == (ROBOTS, "1")
    assert "协作机器人" in top.matched_terms
    assert "示范产线" not in first.analyzer.expand_query("demo line")

    (two_policies / ROBOTS / RETRIEVAL_FILE).write_text(
        ROBOTS_VOCABULARY + "  demo line: 示范产线\n", encoding="utf-8"
    )
    second = Retriever(fresh_settings, embedder=TEST_EMBEDDER, corpus=corpus)
    assert not second.status.rebuilt
    assert (
        second.status.content_hash
        == first.status.content_hash
        == content_hash(records_for(corpus), first.embedder)
    )
    top = second.search("demo line 资助比例", k=1)[0]
    assert (top.clause.policy_id, top.clause.clause_id) == (ROBOTS, "2")
    assert "示范产线" in top.matched_terms


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("senses: [a, b]\n", "senses 应是"),
        ("senses:\n  上市: [ipo]\n", "应是映射"),
        ("senses:\n  上市:\n    clauses: ['3']\n", "没有 phrasings"),
        ("senses:\n  上市:\n    phrasings: [ipo]\n", "clauses、anchors 或 kinds"),
        ("senses:\n  上市:\n    phrasings: [ipo]\n    clause: ['3']\n", "未知的键 clause"),
    ],
)
def test_a_malformed_sense_is_a_data_error(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / RETRIEVAL_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=complaint):
        read_vocabulary(path)


def test_a_policys_sense_belongs_to_that_policy(tmp_path: Path) -> None:
    path = tmp_path / "some-policy" / RETRIEVAL_FILE
    path.parent.mkdir()
    path.write_text("senses:\n  上市:\n    clauses: ['3']\n    phrasings: [敲钟, IPO]\n", encoding="utf-8")
    (sense,) = read_vocabulary(path).senses
    assert sense.policy_id == "some-policy" and sense.clauses == ("3",)
    assert sense.token == "<sense:some-policy:上市>"


def test_the_genre_file_has_no_policys_words() -> None:
    """genre.yaml is shared by every policy: its senses find their clauses by anchor words or kinds, never by a
    policy's clause ids, and it names no region."""
    genre = genre_vocabulary()
    assert genre.senses and all(s.policy_id is None and not s.clauses for s in genre.senses)
    assert all(s.anchors or s.kinds for s in genre.senses)
    text = " ".join(w for s in genre.senses for w in (*s.phrasings, *s.anchors)) + str(genre.synonyms)
    for place in ("嘉定", "上海", "jiading", "shanghai"):
        assert place not in text.lower()


def test_every_sense_of_every_policy_names_clauses_it_has(corpus: Corpus) -> None:
    """Data check (like the rules' clause ids): a policy's sense points at clause ids of that policy, and every
    genre sense finds its clause in each real policy of the corpus by its anchors or kinds."""
    from assistant.retrieval.retriever import clause_senses

    vocabulary = corpus_vocabulary(corpus)
    for sense in vocabulary.senses:
        if sense.policy_id is not None:
            policy = corpus.policy(sense.policy_id)
            missing = [c for c in sense.clauses if not policy.has_clause(c)]
            assert not missing, f"{sense.policy_id} 的义项 {sense.name} 指向不存在的条款 {missing}"
    for policy in corpus:
        carried = {t for c in policy.clauses for t in clause_senses(policy, c, vocabulary.senses)}
        lost = [
            s.name
            for s in vocabulary.senses
            if s.policy_id in (None, policy.policy_id) and not s.number and s.token not in carried
        ]
        assert not lost, f"{policy.policy_id}: no clause carries {lost}"


@pytest.mark.parametrize("name", ["retrieval-dev.yaml", "retrieval-dev2.yaml"])
def test_the_dev_set_is_split_before_tuning_and_both_halves_cover_every_clause(corpus: Corpus, name: str) -> None:
    import yaml

    from assistant.config import REPO_ROOT

    cases = yaml.safe_load((REPO_ROOT / "evals" / name).read_text(encoding="utf-8"))
    assert len(cases) >= 80 and len({c["id"] for c in cases}) == len(cases)
    assert {c["split"] for c in cases} == {"tune", "heldout"}
    clauses = {c.clause_id for c in corpus.policy(JIADING).clauses}
    for half in ("tune", "heldout"):
        covered = {cid for c in cases if c["split"] == half for cid in c["clauses"]}
        assert covered <= clauses
        assert covered == clauses, f"{half} misses {clauses - covered}"


def test_an_amount_said_in_chinese_numerals_meets_the_clauses_digits(settings: Settings) -> None:
    from assistant.retrieval.chinese_text import arabic_amounts

    assert arabic_amounts("最多能给一千万的 两百万 一千二百万 五十万元") == ["1000万", "200万", "1200万", "50万"]
    assert arabic_amounts("百万级 万一不行") == []  # no leading digit: not an amount
    # the clause prints "1000万元": the spoken figure finds it among clauses that share no other word with it
    assert Retriever(settings).search("那个最多能给一千万的是哪条", k=1)[0].clause_id == "5"


@pytest.mark.parametrize(
    "query",
    [
        "项目要到2026年才能验收，到时候还能按这个政策申请吗",
        "我们要到25年底最后两周才能把材料准备好，到时候再申报还来得及吗",
    ],
)
def test_applying_at_a_later_time_finds_the_validity_clause(settings: Settings, query: str) -> None:
    # "到时候…还能按", "来得及": the genre's words for whether the policy still runs then, not any item's words
    assert Retriever(settings).search(query, k=1)[0].clause_id == "16"


@pytest.mark.parametrize(
    ("query", "clause"),
    [
        # an exception asked for in officials' words: the case-by-case clause, not the section of the standards
        ("审核人员遇到项目体量超过所有封顶标准、又特别重要的，文件有没有留特殊处理的口子", "12"),
        ("资格审查看什么", "一"),  # 资格审查: who may apply, not 14's 取消资格
    ],
)
def test_officials_words_find_the_clause(settings: Settings, query: str, clause: str) -> None:
    assert Retriever(settings).search(query, k=1)[0].clause_id == clause


def test_a_short_sense_word_is_not_found_in_its_homophone(settings: Settings) -> None:
    # "要建" sounds like 要件 but is the user's own words ("要建到什么程度"): no eligibility sense read into it
    assert Retriever(settings).search("要建到什么程度才能拿？", k=1)[0].clause_id != "一"


def test_a_mention_set_aside_adds_no_query_words() -> None:
    analyzer = Analyzer()
    assert "贯标" not in analyzer.query_tokens("两化融合深化那一条（不是贯标那条），给多大规模的厂")
    assert "平台" not in analyzer.query_tokens("我们不做平台，直接针对企业本身的有哪些")
    assert "贯标" in analyzer.query_tokens("是不是贯标那条")  # asked about, not set aside


def test_a_gapped_phrasing_finds_its_parts_a_few_characters_apart_in_one_clause() -> None:
    analyzer = Analyzer()
    found = {p for p, _ in analyzer.matches(normalise("能不能突破补助上限")).senses}
    assert "突破...上限" in found
    # the parts in two clauses are two things said, not the phrasing
    assert "突破...上限" not in {p for p, _ in analyzer.matches(normalise("技术上有突破，上限是多少")).senses}


@pytest.mark.parametrize(("query", "clause"), [
    ("突破补助上限", "12"),  # the verb and its object apart: the case-by-case rule, not the item's cap
    ("先做后报能补吗", "13"),  # done first, applied for after: 先申报、后补助
])
def test_a_phrasing_with_a_word_between_its_parts_finds_the_clause(settings: Settings, query: str, clause: str) -> None:
    assert Retriever(settings).search(query, k=1)[0].clause_id == clause


@pytest.mark.parametrize(("query", "clause"), [
    ("我们搭了一个给行业里产品赋码、查码的数据中心，已经开始对外服务了，能拿多少补贴？", "6"),  # 赋码/查码: 标识解析
    ("IT外包公司补贴", "7"),  # an outsourcing IT firm serving factories: a 服务商
    ("补贴是先把钱发下来让我们去做，还是做完了再给？", "13"),  # paid first or after: 先申报、后补助
])
def test_an_everyday_description_finds_the_clause(settings: Settings, query: str, clause: str) -> None:
    assert Retriever(settings).search(query, k=1)[0].clause_id == clause


@pytest.mark.parametrize(("query", "clause"), [
    ("我第一次听说这个政策，它到底是干嘛的？主要想支持什么？", "preamble"),  # what it is for
    ("补贴是先拿钱还是先做？", "13"),  # money first or work first: 先申报、后补助
])
def test_a_first_time_users_question_finds_the_clause(settings: Settings, query: str, clause: str) -> None:
    assert Retriever(settings).search(query, k=1)[0].clause_id == clause


@pytest.mark.parametrize(("query", "clause"), [
    ("申报单位 需具备啥能力", "一"),  # what the applicant must have: 支持对象
    ("We only have a representative office in Jiading; the legal entity is in Hong Kong. Can we apply?", "一"),
])
def test_a_hotline_or_foreign_askers_question_finds_the_clause(settings: Settings, query: str, clause: str) -> None:
    assert Retriever(settings).search(query, k=1)[0].clause_id == clause
