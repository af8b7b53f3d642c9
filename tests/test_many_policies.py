"""Several policies side by side: the fictional fixture policies (tests/fixtures/policies/) loaded beside
Jiading. Questions go to the policy they name (region, issuer, items), ties are asked about, answers name
their policy and cite clauses in its own numbering, a policy without rules answers look-ups, and nothing
about Jiading's answers changes."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus import load_corpus
from assistant.dialogue import Assistant
from assistant.dialogue.guard import metadata_texts
from assistant.evals.dataset import load_cases
from assistant.evals.runner import run_cases
from tests.fixtures_corpus import FIXTURE_POLICIES
from tests.fixtures_dialogue import NoRetriever

CONVERSATIONS = Path(__file__).parent / "fixtures" / "conversations" / "example-policies.yaml"
JIADING_CASES = [Path(__file__).parent.parent / "evals" / "answers"]
TODAY = date(2026, 11, 26)


def test_fixture_conversations(multi_assistant: Assistant):
    cases = load_cases([CONVERSATIONS])
    facts = {p.policy_id: metadata_texts(p.meta) for p in multi_assistant.corpus}
    report = run_cases(cases, multi_assistant, policy_facts=facts)
    assert not report.failures, report.format_failures()


def test_jiading_answers_do_not_change_when_other_policies_are_loaded(
    fast_assistant: Assistant, multi_assistant: Assistant
):
    """Every tuned Jiading case that the multi-policy assistant answers for Jiading gets the same figure as
    with Jiading alone, and (but for a few borderline readings: the reader is retrained on every policy's
    words) the same intent and citations. The others are questions that name no policy, which are asked
    about ("您问的是哪一项政策？") rather than answered from whichever policy sorts first."""
    compared = asked = differ = 0
    for case in load_cases(JIADING_CASES):
        one, many = fast_assistant.new_conversation(case.as_of), multi_assistant.new_conversation(case.as_of)
        for text in case.user_turns:
            r1, r2 = one.ask(text), many.ask(text)
        if r2.action == "ask_policy":
            asked += 1
            continue
        if r2.policy_id not in (None, "jiading-iiot-2024"):
            continue
        compared += 1
        if r1.amount_yuan is not None and r2.amount_yuan is not None:
            assert r2.amount_yuan == r1.amount_yuan, case.id
        differ += (r2.intent, r2.citation_ids) != (r1.intent, r1.citation_ids)
    assert compared >= 140 and asked <= 60, (compared, asked)
    assert differ <= 0.03 * compared, (differ, compared)


def test_a_tie_is_asked_about_and_the_named_policy_answers(multi_assistant: Assistant):
    conv = multi_assistant.new_conversation(TODAY)
    first = conv.ask("这个政策有效期到什么时候")
    assert first.action == "ask_policy" and len(first.options) == 3
    second = conv.ask("嘉定那个")
    assert (second.intent, second.citation_ids) == ("lookup", ["16"])
    assert "2025年12月31日" in second.answer


def test_the_region_named_decides_the_policy(multi_assistant: Assistant):
    reply = multi_assistant.ask("示例区的区级智能工厂投了500万能补多少", as_of=TODAY)
    assert reply.policy_id == "example-software-2026"  # not Jiading's 智能工厂 item
    assert reply.intent == "clarify" and reply.options  # asks which of its own items


def test_a_longer_region_name_is_not_the_shorter_one(multi_assistant: Assistant):
    parse = multi_assistant.nlu.parse("示例新区的上云服务平台补多少")
    assert set(parse.policy_names) == {"example-digital-2027"}


def test_citations_carry_their_policy_and_its_own_numbering(multi_assistant: Assistant):
    reply = multi_assistant.ask("示例区的首版次软件产品，研发投入300万，能补多少", as_of=TODAY)
    assert [(c.policy_id, c.label) for c in reply.citations] == [("example-software-2026", "第三条")]
    assert reply.answer.splitlines()[0].startswith("按《示例区软件和信息服务业若干措施》第三条")


def test_a_policy_without_rules_answers_look_ups_and_says_it_has_no_figures(tmp_path: Path, settings: Settings):
    folder = tmp_path / "policies"
    shutil.copytree(FIXTURE_POLICIES / "example-software-2026", folder / "example-software-2026")
    (folder / "example-software-2026" / "rules.yaml").unlink()
    corpus = load_corpus(settings.corpus_dir, extra=(folder,))
    a = Assistant(settings, corpus=corpus, retriever=NoRetriever(), use_llm=False)
    assert "example-software-2026" not in a.rules
    award = a.ask("示例区的首版次软件能补多少", as_of=TODAY)
    assert award.action == "no_rules" and award.amount_yuan is None and "暂未录入计算规则" in award.answer
    validity = a.ask("示例区软件若干措施什么时候到期", as_of=TODAY)
    assert validity.intent == "lookup" and "2028年3月31日" in validity.answer


@pytest.mark.parametrize("as_of", [date(2026, 11, 26), date(2025, 6, 1)])
def test_every_answer_names_its_policy_when_several_are_loaded(multi_assistant: Assistant, as_of: date):
    reply = multi_assistant.ask("已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？", as_of=as_of)
    assert "《嘉定区工业互联网创新发展专项支持实施意见》" in reply.answer.splitlines()[0]


def test_the_extra_corpus_setting_reaches_search_and_the_app(tmp_path: Path, settings: Settings):
    # POLICY_QA_EXTRA_CORPUS: the index (get_retriever) and the web app's services see the extra policies too.
    from dataclasses import replace

    from assistant.retrieval.retriever import Retriever

    extra = replace(settings, home=tmp_path / "home", chroma_host=None, extra_corpus_dirs=(FIXTURE_POLICIES,))
    hits = Retriever(extra, embedder="fake").search("首版次软件产品", policy_id="example-software-2026")
    assert hits and {h.clause.policy_id for h in hits} == {"example-software-2026"}


@pytest.mark.parametrize(("year", "later"), [("2029年", True), ("明年", False)])
def test_a_figure_for_a_year_after_another_policy_ends_says_so(multi_assistant: Assistant, year: str, later: bool):
    """The fictional software policy runs until 2028-03-31: a first edition planned for 2029 gets its figure and the
    note that the policy will no longer be in force then (its own validity clause, 第十一条); next year (2028) does
    not."""
    reply = multi_assistant.new_conversation(date(2027, 6, 1)).ask(
        f"示例区软件企业，首版次软件产品，研发投入200万，打算{year}才推出，到时候能拿多少？")
    assert (reply.policy_id, reply.amount_yuan) == ("example-software-2026", 400_000)
    assert ("届时已不在有效期内" in reply.answer) is later
    assert ("11" in {c.clause_id for c in reply.citations}) is later
