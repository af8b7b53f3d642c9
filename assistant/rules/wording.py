"""Every Chinese sentence the rules layer writes, in one place: trace steps, notes, verdicts, menus.

A trace step is data (kind, figures, clause); its description is made here from a template per step kind
(and variant). Figures whose name ends in ``_yuan`` are written as money ("200万元"). The policy's own words
(quotes, base texts, "区、镇其他产业政策扶持") come from rules.yaml and are passed in; nothing here names a
policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from assistant.rules.money import format_yuan

StepKind = Literal[
    "fixed", "up_to", "rate", "exclude", "per_unit", "scale_band", "bracket", "sum", "no_case",
    "cap", "cap_left", "bonus", "upper_subsidy", "other_support", "not_repeated", "same_project",
    "exclusive", "once", "result", "total", "outside_region", "other_project",
]
NoteKind = Literal["validity", "item", "condition", "general"]

#: Template per step kind, or per ``kind.variant``.
STEPS: dict[str, str] = {
    "fixed": "{label}“{quote}”：{amount_yuan}",
    "up_to": "{label}“{quote}”：最高{amount_yuan}（上限，以审核为准）",
    "rate": "{base_text}{base_yuan}×{rate}={amount_yuan}{rounded}（{label}“{quote}”）",
    "exclude": "{label}“{quote}”：扣除{text}{excluded_yuan}，计算基数为{amount_yuan}",
    "per_unit": "{count_text}{count}{unit}×{unit_yuan}={amount_yuan}（{label}“{quote}”）",
    "scale_band": "{base_text}中{band}的部分{portion_yuan}×{rate}={amount_yuan}{rounded}（{label}“{quote}”）",
    "bracket": "{base_text}{base_yuan}，达到{threshold_yuan}档，给予{amount_yuan}（{label}“{quote}”）",
    "bracket.rate": "{base_text}{base_yuan}，达到{threshold_yuan}档，按{rate}为{amount_yuan}{rounded}（{label}“{quote}”）",
    "bracket.none": "{base_text}{base_yuan}，未达到最低档{threshold_yuan}，本项为0元（{label}“{quote}”）",
    "sum": "{count}{element}合计{amount_yuan}",
    # An amount the user said of another place, for a base the clause limits to its own region.
    "outside_region": "{place}的{outside_yuan}不计入（{label}“{quote}”）",
    "other_project": "另一个项目已获的{support}{other_yuan}不扣减本项目的资助（{label}只针对同一项目：“{quote}”）",
    "outside_region.element": "{place}的一{element}（{outside_yuan}）不计入（{label}“{quote}”）",
    "no_case": "{fact_label}为“{case}”，{label}未规定该情形的金额，本项为0元",
    "cap.over": "{before_yuan}超过{limit_name}{limit_yuan}，取{amount_yuan}（{source}）",
    "cap.within": "{before_yuan}未超过{limit_name}{limit_yuan}，取{amount_yuan}（{source}）",
    "cap.requests": "{label}“{quote}”：{count}项合计{before_yuan}，超过{limit_name}{limit_yuan}，取{amount_yuan}",
    "cap_left": "{label}“{quote}”：{cap_name}{cap_yuan}，{received_name}{received_yuan}，剩余额度{amount_yuan}",
    "bonus": "{label}“{quote}”：{text}，再加{bonus_yuan}，为{amount_yuan}",
    "upper_subsidy.no_matching": (
        "已获{upper}补助{upper_yuan}且{upper}项目无资金配套需要：{upper}与{own}补助合计不超过本政策上限"
        "{cap_yuan}，{own}最多{room_yuan}，取{amount_yuan}"
    ),
    "upper_subsidy.matching_ratio": "{upper}补助{upper_yuan}，要求按{ratio}（{upper}∶{own}）配套，{own}配套金额为{required_yuan}",
    "upper_subsidy.matching_higher": (
        "{upper}补助项目有资金配套需要，就高执行：本政策标准{standard_yuan}低于{upper}要求的配套金额"
        "{required_yuan}，取{amount_yuan}"
    ),
    "upper_subsidy.matching_standard": (
        "{upper}补助项目有资金配套需要，就高执行：不扣减{upper}补助{upper_yuan}，按本政策标准取{amount_yuan}{detail}"
    ),
    "other_support": (
        "同一项目已获{support}{other_yuan}，按“{principle}”取高者、不重复享受：本政策标准{standard_yuan}"
        "{compare}已获扶持，本政策可再获{amount_yuan}"
    ),
    "not_repeated": "{fact_label}，按{label}“{quote}”，{then_label}计0元",
    "not_repeated.requests": "{scope_text}已申报{first_label}，按{label}“{quote}”，{then_label}计0元",
    "same_project": "同一项目“{project}”同时申报{labels}：按“{principle}”取最高的{best_label}{amount_yuan}，不累加",
    "same_project.pending": "同一项目“{project}”同时申报{labels}：按“{principle}”只取最高一项，待补充信息后确定",
    "exclusive": "{labels}不同时享受（{label}“{quote}”）：取最高的{best_label}{amount_yuan}",
    "exclusive.pending": "{labels}不同时享受（{label}“{quote}”）：只取最高一项，待补充信息后确定",
    "once.applicant": "{item_label}为一次性资助，多次申报只计一次：{amount_yuan}",
    "once.project": "{item_label}同一项目“{project}”只计一次：{amount_yuan}",
    "once.person": "{item_label}每{element}限享受一次：“{subject}”已在前面计入，本次不再计算",
    "result": "按{label}测算，{verb}{amount_yuan}",
    "total": "合计{amount_yuan}",
}

#: What a cap is called in a step, by scope and whether something was already received.
CAP_NAMES = {"project": "上限", "applicant": "上限", "applicant_year": "上限"}
CAP_LEFT_NAMES = {
    "applicant": ("累计上限", "已获本项资助"),
    "applicant_year": ("年度累计上限", "本年度已获"),
}

ONCE_NOTES = {
    "applicant": "本项为一次性资助/奖励，同一申报主体限享受一次。",
    "project": "本项同一项目限享受一次。",
    "person": "本项每{element}限享受一次。",
}
CONDITION_NOTE = "适用条件：{text}。{unknown_note}"
ENTITLEMENT_VERB = {True: "可获", False: "最高可获"}

VERDICTS = {
    "met": "符合：{text}（{label}）",
    "not_met": "不符合：{text}（{label}）",
    "unknown": "待确认：{text}（{label}）",
    "to_confirm": "需确认：{text}{shown}。{unknown_note}（{label}）",
}
#: Chinese words for the overall eligibility status, for answers and the UI.
STATUS_TEXT = {
    "eligible": "符合",
    "ineligible": "不符合",
    "needs_info": "还需确认信息",
    "to_confirm": "需确认（以申报指南为准）",
}

NO_RULES = "《{name}》暂无测算规则，无法计算金额；可查看原文条款或咨询{issuer}。"
NO_ITEM = "《{title}》没有第“{item}”项资助；可选：{choices}"
NO_FACT = "{label}没有名为“{name}”的信息项"


def _text(value: Any) -> str:
    return "、".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)


def describe(kind: str, variant: str | None, figures: Mapping[str, Any], words: Mapping[str, Any]) -> str:
    """The Chinese description of one trace step."""
    template = STEPS[f"{kind}.{variant}" if variant else kind]
    values: dict[str, str] = {}
    for key, value in {**words, **figures}.items():
        if key.endswith("_yuan") and isinstance(value, int) and not isinstance(value, bool):
            values[key] = format_yuan(value)
        elif key == "rounded":
            values[key] = "（不足1元部分舍去）" if value else ""
        else:
            values[key] = _text(value)
    return template.format(**values)


def element_prefix(n: int, element: str) -> str:
    """'第2项：' before a step computed for the n-th element of a list."""
    return f"第{n}{element}："


def cap_source(label: str, quote: str, case: str | None) -> str:
    """Where a cap comes from: the clause and the case ('第5条，市级') or the clause's words."""
    return f"{label}，{case}" if case else f"{label}“{quote}”"


def band_text(lower: int, upper: int | None) -> str:
    if upper is None:
        return f"超过{format_yuan(lower)}"
    if lower == 0:
        return f"{format_yuan(upper)}（含）以下"
    return f"{format_yuan(lower)}至{format_yuan(upper)}（含）"


def max_text(amount: int | None, entitlement: bool) -> str:
    return f"{'' if entitlement else '最高'}{format_yuan(amount)}" if amount is not None else "按实际测算"


def cases_text(cases: Mapping[str, int]) -> str:
    """'区级200万元、市级500万元、国家级1000万元'."""
    return "、".join(f"{case}{format_yuan(v)}" for case, v in cases.items())


def per_unit_text(unit: str, amount: int, ceiling: int | None) -> str:
    """'每家1万元' or '每家1万元，最高30万元'."""
    tail = f"，最高{format_yuan(ceiling)}" if ceiling is not None else ""
    return f"每{unit}{format_yuan(amount)}{tail}"


def per_element_text(element: str, amount: int, ceiling: int | None) -> str:
    """'每名工程师最高5万元' or '每个产品最高50万元，合计最高150万元'."""
    tail = f"，合计最高{format_yuan(ceiling)}" if ceiling is not None else ""
    return f"每{element}最高{format_yuan(amount)}{tail}"
