"""Ingestion that needs no help: dates in any common form, metadata from the body and the signature line,
options to supply or override each field, a Chinese message naming the option when something is unreadable;
and for every policy folder, the committed clean text and metadata are what the ingester produces."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.config import DEFAULT_CORPUS_DIR
from assistant.corpus.clean import clean_page
from assistant.corpus.dates import cn_date, find_dates, parse_date
from assistant.corpus.metadata import read_signature, read_validity
from assistant.corpus.store import ingest
from assistant.errors import DataError
from tests.fixtures_corpus import FIXTURE_POLICIES

FOLDERS = [f for root in (DEFAULT_CORPUS_DIR, FIXTURE_POLICIES) for f in sorted(root.iterdir()) if (f / "raw.txt").is_file()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年3月1日", date(2026, 3, 1)),
        ("2026-03-01", date(2026, 3, 1)),
        ("2026/3/1", date(2026, 3, 1)),
        ("2026.3.1", date(2026, 3, 1)),
        ("二〇二六年三月一日", date(2026, 3, 1)),
        ("二○二六年十月二十日", date(2026, 10, 20)),
        ("二零二五年十二月三十一日", date(2025, 12, 31)),
        ("2026年3月1日印发", date(2026, 3, 1)),
    ],
)
def test_dates_in_any_common_form(text: str, expected: date) -> None:
    assert parse_date(text) == expected
    assert [d.value for d in find_dates(f"于{text}。")] == [expected]


def test_impossible_dates_and_other_numbers_are_not_dates() -> None:
    assert parse_date("2026年2月30日") is None
    assert find_dates("投资1000万元，第5条，15-20个项目") == []
    assert cn_date(date(2025, 12, 31)) == "2025年12月31日"


@pytest.mark.parametrize(
    ("text", "published", "effective", "until"),
    [
        ("本措施自2026年4月1日起施行，有效期至2028年3月31日。", None, date(2026, 4, 1), date(2028, 3, 31)),
        ("本办法自发布之日起实施，有效期至2025年12月31日。", date(2024, 5, 25), date(2024, 5, 25), date(2025, 12, 31)),
        ("本措施自2027年1月1日起施行，有效期三年。", None, date(2027, 1, 1), date(2029, 12, 31)),
        ("本意见自印发之日起施行，有效期两年。", date(2026, 3, 1), date(2026, 3, 1), date(2028, 2, 29)),
        ("本办法自二〇二六年三月一日起施行，至2027年12月31日止。", None, date(2026, 3, 1), date(2027, 12, 31)),
        ("本细则有效期自2024-01-01至2026-12-31。", None, date(2024, 1, 1), date(2026, 12, 31)),
        ("本方案自发布之日起实施，有效期5年。", date(2024, 7, 1), date(2024, 7, 1), date(2029, 6, 30)),
    ],
)
def test_validity_in_any_common_form(text: str, published: date | None, effective: date, until: date) -> None:
    v = read_validity(text, published)
    assert (v.effective_from, v.valid_until) == (effective, until)


def test_a_date_range_in_an_award_clause_is_not_the_validity() -> None:
    v = read_validity("对2026年1月1日起实施的改造项目，有效期内给予补贴。", None)
    assert v.effective_from is None and v.valid_until is None


@pytest.mark.parametrize(
    ("lines", "issuer", "signed"),
    [
        (["第十一条 …", "示例区科学技术和经济委员会", "2026年3月1日"], "示例区科学技术和经济委员会", date(2026, 3, 1)),
        (["7. …", "示例区科学技术和经济委员会 2026年3月1日"], "示例区科学技术和经济委员会", date(2026, 3, 1)),
        (["…", "示例新区经济发展局 示例新区财政局", "二〇二六年十月二十日", "（此件公开发布）"],
         "示例新区经济发展局、示例新区财政局", date(2026, 10, 20)),
        (["16、本办法由嘉定区经济委员会负责解释，自发布之日起实施，有效期至2025年12月31日。"], None, None),
    ],
)
def test_signature_line(lines: list[str], issuer: str | None, signed: date | None) -> None:
    sig = read_signature(lines)
    assert (sig.issuer, sig.signed) == (issuer, signed)


RAW = """网站首页 | 政务公开 | 互动交流
示例县关于促进文旅产业发展的若干意见
第一条 为促进文旅产业发展，制定本意见。
第二条 对新评为国家4A级旅游景区的，给予一次性奖励50万元。
第三条 本意见自发布之日起施行，有效期两年。
版权所有 示例县人民政府
"""


def test_ingest_names_the_option_for_what_it_cannot_read(tmp_path: Path) -> None:
    raw = tmp_path / "raw.txt"
    raw.write_text(RAW, encoding="utf-8")
    with pytest.raises(DataError) as info:
        ingest(raw, "wenlv", tmp_path / "corpus")
    message = str(info.value)
    assert "发文单位（--issuer）" in message and "发布日期（--published）" in message
    assert "施行日期（--effective-from）" in message
    assert not (tmp_path / "corpus" / "wenlv").exists(), "nothing is written when metadata is missing"


def test_supplied_dates_carry_the_counted_validity(tmp_path: Path) -> None:
    raw = tmp_path / "raw.txt"
    raw.write_text(RAW, encoding="utf-8")
    policy = ingest(raw, "wenlv", tmp_path / "corpus", issuer="示例县文化和旅游局", published="二〇二六年五月八日")
    m = policy.meta
    assert (m.published, m.effective_from, m.valid_until) == (date(2026, 5, 8), date(2026, 5, 8), date(2028, 5, 7))
    assert (m.region, m.issuer, m.valid_until_clause) == ("示例县", "示例县文化和旅游局", "3")


def test_overrides_replace_what_the_page_says(tmp_path: Path) -> None:
    raw = FIXTURE_POLICIES / "example-software-2026" / "raw.txt"
    policy = ingest(raw, "sw", tmp_path, title="示例区软件若干措施（修订）", valid_until="2027-12-31",
                    region_parent="示例市", upstream=["《示例文件》"])
    m = policy.meta
    assert (m.title, m.valid_until, m.region_parent, m.upstream) == (
        "示例区软件若干措施（修订）", date(2027, 12, 31), "示例市", ("《示例文件》",))
    with pytest.raises(DataError, match="--published"):
        ingest(raw, "sw", tmp_path, published="三月初")


def test_signature_and_notice_lines_leave_the_clean_text() -> None:
    page = clean_page((FIXTURE_POLICIES / "example-software-2026" / "raw.txt").read_text(encoding="utf-8"))
    assert page.text.startswith("第一章 总则\n第一条")
    assert page.text.rstrip().endswith("有效期至2028年3月31日。")
    for junk in ("各有关单位", "现将", "发文字号", "浏览次数", "当前位置", "扫一扫", "上一篇", "版权所有"):
        assert junk not in page.text, junk
    assert (page.issuer, page.published, page.region, page.region_parent) == (
        "示例区科学技术和经济委员会", date(2026, 3, 1), "示例区", "上海市")


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_committed_clean_text_and_metadata_are_what_ingest_produces(folder: Path, tmp_path: Path) -> None:
    """The corpus copy is produced by code, never edited by hand (fields given as options are kept)."""
    committed = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8"))
    given = {"short_title": committed.get("short_title")}
    policy = ingest(folder / "raw.txt", folder.name, tmp_path, **given)
    assert (folder / "clean.txt").read_text(encoding="utf-8") == policy.text
    produced = yaml.safe_load((tmp_path / folder.name / "meta.yaml").read_text(encoding="utf-8"))
    committed.setdefault("short_title", produced["short_title"])
    assert produced == committed
