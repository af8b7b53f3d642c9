"""Cleaning the scraped page: boilerplate out, policy text and metadata in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.config import DEFAULT_CORPUS_DIR
from assistant.corpus.clean import clean_page, normalise_punctuation
from assistant.corpus.store import ingest, read_policy
from assistant.errors import DataError

RAW = (DEFAULT_CORPUS_DIR / "jiading-iiot-2024" / "raw.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page():
    return clean_page(RAW)


@pytest.mark.parametrize(
    "chrome",
    ["证书查询", "加入收藏", "作者 Admin1", "发布时间", "信息来源", "相关文章", "推荐文章", "Copyright", "ICP备", "未经授权"],
)
def test_boilerplate_is_removed(page, chrome):
    assert chrome not in page.text


def test_text_runs_from_preamble_to_last_clause(page):
    assert page.text.startswith("为贯彻落实《上海市工业互联网创新发展专项支持实施细则》")
    assert page.text.rstrip().endswith("有效期至2025年12月31日。")


def test_metadata_as_the_page_states_it(page):
    assert page.title == "嘉定区工业互联网创新发展专项支持实施意见"
    assert page.issuer == "嘉定区经济委员会"
    assert page.region == "嘉定区"
    assert page.region_parent == "上海市"
    assert page.published == date(2024, 5, 25)
    assert page.effective_from == date(2024, 5, 25)
    assert page.effective_from_text == "自发布之日起实施"
    assert page.valid_until == date(2025, 12, 31)
    assert page.source and page.source.startswith("关于印发《嘉定区工业互联网创新发展专项支持实施意见》的通知")
    assert page.upstream == (
        "《上海市工业互联网创新发展专项支持实施细则》",
        "《嘉定区推动先进制造业深入实施工业互联网创新发展的实施意见》",
    )


def test_punctuation_normalised_only_in_chinese_context():
    assert normalise_punctuation("(一)支持,推进:") == "（一）支持，推进："
    assert normalise_punctuation("5G+AI (beta), v1.2") == "5G+AI (beta), v1.2"


def test_page_without_policy_text_is_a_data_error():
    with pytest.raises(DataError):
        clean_page("证书查询  |  加入收藏  |  给我留言\n\n相关文章\n")


def test_ingest_writes_a_policy_folder_that_loads(tmp_path: Path):
    raw = tmp_path / "raw-in.txt"
    raw.write_text(RAW, encoding="utf-8")
    policy = ingest(raw, "jd-test", tmp_path / "corpus")
    folder = tmp_path / "corpus" / "jd-test"
    assert {p.name for p in folder.iterdir()} == {"raw.txt", "clean.txt", "meta.yaml"}
    assert policy.meta.valid_until == date(2025, 12, 31)
    assert policy.meta.valid_until_clause == "16"
    assert read_policy(folder).text == policy.text


def test_committed_clean_text_is_what_the_cleaner_produces(page):
    """The corpus copy is produced by code, never edited by hand."""
    committed = (DEFAULT_CORPUS_DIR / "jiading-iiot-2024" / "clean.txt").read_text(encoding="utf-8")
    assert committed == page.text


def test_example_questions_are_data(corpus):
    from assistant.corpus import example_questions

    questions = example_questions(corpus)
    assert questions and all(isinstance(q, str) and q for q in questions)


def test_malformed_examples_file_is_a_data_error(tmp_path: Path):
    from assistant.corpus import example_questions
    from assistant.corpus.store import Corpus

    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "examples.yaml").write_text("just: a mapping\n", encoding="utf-8")
    fake_iter = type("P", (), {"policy_id": "p", "folder": tmp_path / "p"})()
    fake = Corpus(policies={"p": fake_iter}, root=tmp_path)  # type: ignore[dict-item]
    with pytest.raises(DataError):
        example_questions(fake)
