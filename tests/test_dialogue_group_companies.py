"""Which of a group's companies applies (dev92): "那我们浦东的母公司呢", "那要是直接用母公司报呢", "回到子公司".

Each company is judged on its own registration, tax and operation: the facts of the one asked about first are kept
for it, the other starts from what was said of its place. The NLU part reads one message (no state); the dialogue
part uses the real reader, since how a turn is read depends on it.
"""

from __future__ import annotations

from assistant.dialogue import Assistant
from assistant.nlu.inputs import normalise
from tests.fixtures_dialogue import talk


def _roles(assistant: Assistant, text: str) -> list[tuple[str, bool, str | None]]:
    return [(m.role, m.asked, m.place) for m in assistant.nlu.parse(normalise(text)).applicants]


def test_the_nlu_reads_each_role_whether_it_is_asked_and_its_place(assistant: Assistant):
    assert _roles(assistant, "那要是直接用母公司报呢？") == [("parent", True, None)]
    assert _roles(assistant, "那我们浦东的母公司呢") == [("parent", True, "浦东")]
    assert _roles(assistant, "项目挂在浦东母公司名下，嘉定子公司实施，能用子公司报吗") == [
        ("parent", False, "浦东"), ("subsidiary", False, "嘉定"), ("subsidiary", True, None)]
    assert _roles(assistant, "那子公司B呢") == []  # a letter labels a project, not who applies


def test_a_place_before_the_role_gives_that_companys_registration(assistant: Assistant):
    parent, = assistant.nlu.parse(normalise("那我们浦东的母公司呢")).applicants
    assert parent.facts == {"jiading-iiot-2024": {"registered_in_jiading": False}}


def test_the_parent_asked_about_is_judged_on_its_own_facts_and_the_subsidiary_kept(assistant: Assistant):
    first, parent, back = talk(
        assistant, "我们集团在嘉定有个全资子公司，独立法人，注册、纳税、生产都在嘉定，经营正常，它能申请这个工业互联网专项吗？",
        "那我们浦东的母公司呢？注册和税都在浦东", "回到子公司，它能申请吗")
    assert "不符合" not in first.answer and "不符合" not in back.answer
    assert parent.intent == "eligibility" and parent.answer.startswith("不符合") and "一" in parent.citation_ids


def test_the_parents_place_said_earlier_decides_when_it_is_asked_about(assistant: Assistant):
    sub, parent = talk(assistant, "项目是挂在我们浦东母公司名下立项的，实际在嘉定子公司厂里实施，子公司注册税务都在嘉定，能用子公司报吗？",
                       "那要是直接用母公司报呢？")
    assert "不符合" not in sub.answer  # the parent's place is the parent's, not the subsidiary's
    assert parent.intent == "eligibility" and parent.answer.startswith("不符合")


def test_the_item_stays_when_another_company_of_the_group_is_asked_about(assistant: Assistant):
    award, parent = talk(assistant, "我们嘉定子公司通过了两化融合贯标认证，能拿多少？", "那我们浦东的母公司也贯标了，母公司能申请吗？")
    assert award.amount_yuan == 200_000
    assert parent.answer.startswith("不符合") and {"2", "一"} <= set(parent.citation_ids)


def test_the_own_company_named_by_its_role_keeps_its_facts(assistant: Assistant):
    *_, reply = talk(assistant, "我们工商注册、税务登记都在嘉定，独立法人", "我们是子公司，子公司能申请吗")
    assert "不符合" not in reply.answer and "工商注册在嘉定区" in reply.answer
