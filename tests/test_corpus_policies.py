"""Many policies side by side: several corpus folders, the labels people type in each numbering style,
one validity notice for every policy, and the CLI's show / clauses / calc with --policy or without."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus import Corpus, load_corpus, validity_notice, validity_status
from assistant.errors import DataError, PolicyQAError
from tests.fixtures_corpus import FIXTURE_POLICIES, JIADING

SOFTWARE, DIGITAL = "example-software-2026", "example-digital-2027"


def test_extra_folders_load_beside_the_product_corpus(corpus: Corpus, fixture_corpus: Corpus) -> None:
    assert list(corpus.policies) == [JIADING]
    assert list(fixture_corpus.policies) == [JIADING, DIGITAL, SOFTWARE]
    assert fixture_corpus.policy(SOFTWARE).folder == FIXTURE_POLICIES.resolve() / SOFTWARE


def test_the_same_policy_id_twice_is_a_data_error(settings: Settings) -> None:
    with pytest.raises(DataError, match="重复"):
        load_corpus(settings.corpus_dir, extra=(settings.corpus_dir.parent / "corpus",))


def test_settings_read_extra_corpus_dirs(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("POLICY_QA_EXTRA_CORPUS", os.pathsep.join(["/a/policies", "", "/b/policies"]))
    assert Settings.from_env().extra_corpus_dirs == (Path("/a/policies"), Path("/b/policies"))
    monkeypatch.delenv("POLICY_QA_EXTRA_CORPUS")
    assert Settings.from_env().extra_corpus_dirs == ()
    assert "POLICY_QA_EXTRA_CORPUS=" in (Path(__file__).parent.parent / ".env.example").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("policy_id", "typed", "clause_id"),
    [
        (JIADING, "5", "5"),
        (JIADING, "第5条", "5"),
        (JIADING, "第五条", "5"),
        (JIADING, "三", "三"),
        (JIADING, "附则", "三"),
        (JIADING, "二(一)", "二（一）"),
        (JIADING, "二（一）", "二（一）"),
        (JIADING, "一、支持对象", "一"),
        (JIADING, "序言", "preamble"),
        (SOFTWARE, "第三条", "3"),
        (SOFTWARE, "第3条", "3"),
        (SOFTWARE, "3", "3"),
        (SOFTWARE, "三", "3"),
        (SOFTWARE, "第十一条", "11"),
        (SOFTWARE, "第二章", "第二章"),
        (SOFTWARE, "第2章", "第二章"),
        (SOFTWARE, "附则", "第三章"),
        (DIGITAL, "第2项", "2"),
        (DIGITAL, "二（三）", "二（三）"),
        (DIGITAL, "公共服务平台", "二（三）"),
        (DIGITAL, "研发投入补贴", "二（一）"),
    ],
)
def test_resolve_clause_accepts_what_people_type(
    fixture_corpus: Corpus, policy_id: str, typed: str, clause_id: str
) -> None:
    clause = fixture_corpus.policy(policy_id).resolve_clause(typed)
    assert clause is not None and clause.clause_id == clause_id


@pytest.mark.parametrize("typed", ["第99条", "", "补贴", "（一）"])
def test_resolve_clause_says_none_rather_than_guess(fixture_corpus: Corpus, typed: str) -> None:
    assert fixture_corpus.policy(DIGITAL).resolve_clause(typed) is None


def test_labels_in_each_policys_own_numbering(fixture_corpus: Corpus) -> None:
    assert fixture_corpus.clause(SOFTWARE, "3").label == "第三条"
    assert fixture_corpus.clause(JIADING, "3").label == "第3条"
    assert fixture_corpus.clause(DIGITAL, "一").label == "一、支持对象"


@pytest.mark.parametrize(
    ("policy_id", "as_of", "status", "fragments"),
    [
        (JIADING, date(2025, 12, 31), "in_force", []),
        (JIADING, date(2026, 1, 1), "expired",
         ["《嘉定区工业互联网创新发展专项支持实施意见》有效期至2025年12月31日", "已过期", "嘉定区经济委员会"]),
        (JIADING, date(2024, 5, 24), "not_yet", ["自2024年5月25日起施行", "尚未生效"]),
        (SOFTWARE, date(2026, 3, 31), "not_yet", ["《示例区软件和信息服务业若干措施》自2026年4月1日起施行"]),
        (SOFTWARE, date(2028, 4, 1), "expired", ["有效期至2028年3月31日", "示例区科学技术和经济委员会"]),
        (DIGITAL, date(2026, 11, 26), "not_yet", ["《示例新区数字经济若干措施》自2027年1月1日起施行", "示例新区经济发展局"]),
    ],
)
def test_one_validity_notice_for_every_policy(
    fixture_corpus: Corpus, policy_id: str, as_of: date, status: str, fragments: list[str]
) -> None:
    meta = fixture_corpus.policy(policy_id).meta
    assert validity_status(meta, as_of) == status
    notice = validity_notice(meta, as_of)
    assert (notice is None) == (status == "in_force")
    for fragment in fragments:
        assert fragment in (notice or "")


# -- the CLI ------------------------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    from assistant.corpus import cli as corpus_cli
    from assistant.rules import cli as rules_cli

    parser = argparse.ArgumentParser(prog="policy-qa")
    sub = parser.add_subparsers(dest="command", required=True)
    corpus_cli.register(sub)
    rules_cli.register(sub)
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


@pytest.fixture
def with_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_QA_EXTRA_CORPUS", str(FIXTURE_POLICIES))


def test_show_resolves_when_exactly_one_policy_has_the_clause(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["show", "第三条"]) == 0
    assert capsys.readouterr().out.startswith("《嘉定区工业互联网创新发展专项支持实施意见》第3条")


def test_show_lists_the_candidates_when_several_policies_have_it(with_fixtures: None) -> None:
    with pytest.raises(PolicyQAError) as info:
        _run(["show", "第三条"])
    message = str(info.value)
    assert "--policy" in message and JIADING in message and SOFTWARE in message and DIGITAL in message


def test_show_with_policy_and_labels(with_fixtures: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["show", "第3条", "--policy", SOFTWARE]) == 0
    out = capsys.readouterr().out
    assert "第三条" in out and "首版次软件产品" in out
    assert _run(["show", "附则", "--policy", DIGITAL, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["clause_id"] == "三"
    with pytest.raises(PolicyQAError, match="没有“第99条”"):
        _run(["show", "第99条", "--policy", SOFTWARE])


def test_clauses_needs_a_policy_only_when_there_are_several(with_fixtures: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PolicyQAError, match="--policy"):
        _run(["clauses"])
    assert _run(["clauses", "--policy", SOFTWARE]) == 0
    assert "[第二章] 第二章 支持内容" in capsys.readouterr().out


def test_calc_accepts_policy_and_labels(with_fixtures: None, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["calc", "第六条", "engineer_salaries_yuan=80万、30万", "--policy", SOFTWARE, "--as-of", "2026-06-01"]
    assert _run([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["amount_yuan"] == 80_000 and out["label"] == "第六条"
    assert _run(["calc", "第六条", "engineer_salaries_yuan=30万", "--policy", SOFTWARE, "--as-of", "2026-06-01"]) == 0
    assert "[第六条]" in capsys.readouterr().out
    with pytest.raises(PolicyQAError, match="--policy"):
        _run(["calc", "3"])


def test_calc_finds_the_only_policy_with_the_item(with_fixtures: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["calc", "第十条", "--as-of", "2025-06-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["policy_id"] == JIADING


def test_calc_list_shows_the_max_award(with_fixtures: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["calc", "--list", "--policy", DIGITAL, "--as-of", "2027-06-01"]) == 0
    out = capsys.readouterr().out
    assert "市级30万元、国家级100万元" in out and "每家2万元，最高100万元" in out


def test_ingest_cli_writes_to_a_chosen_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = FIXTURE_POLICIES / DIGITAL / "raw.txt"
    assert _run(["ingest", str(raw), "--id", "d", "--corpus", str(tmp_path), "--short-title", "数字经济措施"]) == 0
    assert "有效期至 2029-12-31" in capsys.readouterr().out
    assert (tmp_path / "d" / "clean.txt").read_text(encoding="utf-8") == (FIXTURE_POLICIES / DIGITAL / "clean.txt").read_text(encoding="utf-8")
