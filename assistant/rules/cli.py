"""``policy-qa calc``: the award calculator from the command line.

Facts are generic ``name=value`` pairs named as in rules.yaml (a new policy is data, not code); the item
is named as people name it (5, 第5条, 第三条)::

    policy-qa calc 5 level=市级 invested_yuan=2000万 --as-of 2025-06-01
    policy-qa calc 第三条 --policy sample-software-2026 rd_costs_yuan=300万、200万
    policy-qa calc 9 --set audited_costs_yuan=120万、100万 --json
    policy-qa calc --list [--policy ID]
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from assistant.corpus.cli import settings_corpus
from assistant.errors import InputError, PolicyNotFound, PolicyQAError
from assistant.rules.calculator import ItemResult, calculate
from assistant.rules.eligibility import Eligibility, check_eligibility
from assistant.rules.maximum import max_award
from assistant.rules.model import RULES_FILE, PolicyRules, load_all_rules, load_rules
from assistant.rules.money import format_yuan

_TYPE_TEXT = {
    "money": "金额", "bool": "是/否", "choice": "选项", "count": "数量", "money_list": "金额列表", "ratio": "比例",
}


def _rules(policy_id: str | None, item: str | None) -> PolicyRules:
    """The rules named by --policy; else the only policy with rules, or the only one that has ``item``."""
    corpus = settings_corpus()
    if policy_id:
        return load_rules(corpus.policy(policy_id))
    every = load_all_rules(corpus)
    if not every:
        raise PolicyNotFound(f"语料库中没有带测算规则（{RULES_FILE}）的政策")
    if len(every) == 1:
        return next(iter(every.values()))
    having = []
    for rules in every.values():
        try:
            having.append((rules, rules.item(item)) if item else (rules, None))
        except PolicyQAError:
            continue
    if item and len(having) == 1:
        return having[0][0]
    listed = "；".join(
        f"{r.policy_id}（《{r.meta.name}》{it.label if it else ''}）" for r, it in (having or [(r, None) for r in every.values()])
    )
    raise InputError(f"有多个政策可测算，请用 --policy 指定：{listed}")


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"日期“{text}”无法识别，请写成 YYYY-MM-DD，如 2025-06-01") from None


def _facts(rules: PolicyRules, item_id: str, pairs: list[str]) -> dict[str, Any]:
    known = {f.name for f in rules.facts_for(item_id)}
    facts: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"“{pair}”格式不对，请写成 名称=值，如 investment_yuan=800万")
        if name not in known:
            raise InputError(
                f"{rules.item(item_id).label}没有信息项“{name}”；可用：{'、'.join(sorted(known))}"
                "（用 policy-qa calc --list 查看）"
            )
        facts[name] = value.strip()
    return facts


def _print_list(rules: PolicyRules, as_json: bool, as_of: date) -> None:
    if as_json:
        payload = [
            {
                "item_id": item.id,
                "clause": item.clause,
                "label": item.label,
                "title": item.title,
                "kind": item.kind,
                "aliases": list(item.aliases),
                "max_award": max_award(rules, item.id, as_of).to_dict(),
                "facts": [f.to_dict() for f in rules.facts_for(item.id)],
            }
            for item in rules.items
        ]
        print(json.dumps({"policy_id": rules.policy_id, "items": payload}, ensure_ascii=False, indent=2))
        return
    print(f"《{rules.title}》（{rules.policy_id}）资助项目：")
    general = {f.name for f in rules.general_facts()}
    for item in rules.items:
        top = max_award(rules, item.id, as_of).text
        print(f"\n[{item.id}] {item.label} {item.title}（{top}；{'、'.join(item.aliases[:5])}）")
        for f in rules.facts_for(item.id):
            if f.name in general:
                continue  # listed once below
            default = {True: "是", False: "否"}.get(f.default, f.default) if f.default is not None else None
            need = "必填" if f.required else f"选填，默认{default}" if default is not None else "选填"
            options = f"：{'/'.join(f.options)}" if f.options else ""
            print(f"    {f.name}  {f.label}（{_TYPE_TEXT[f.type]}{options}，{need}）")
    groups = "、".join(rules.label(g.clause) for g in rules.groups_for(None))
    if groups:
        print(f"\n所有项目的申报条件（{groups}）：")
        for f in rules.general_facts():
            print(f"    {f.name}  {f.label}（{_TYPE_TEXT[f.type]}）")


def _print_result(rules: PolicyRules, result: ItemResult) -> None:
    status = "政策有效" if result.in_force else "政策不在有效期内"
    print(f"《{rules.meta.name}》{result.label} {result.title}")
    print(f"测算日期 {result.as_of.isoformat()}（{status}）")
    for n, step in enumerate(result.trace, start=1):
        print(f"  {n}. {step.description}  [{step.label}]")
    if result.amount_yuan is not None:
        verb = "可获" if result.ceiling_is_entitlement else "最高可获"
        tail = "" if result.ceiling_is_entitlement else "（“不超过/最高”为上限，以审核为准）"
        print(f"结果：{verb}{format_yuan(result.amount_yuan)}{tail}")
    else:
        print("结果：还需提供以下信息才能测算：")
        for name in result.missing_facts:
            print(f"    {name}=…  {rules.fact_spec(result.item_id, name).question}")
        if result.ceiling_yuan is not None:
            print(f"（本项上限{format_yuan(result.ceiling_yuan)}）")
    print("说明：")
    for note in result.notes:
        print(f"  - {note.text}  [{note.label}]")


def _print_eligibility(elig: Eligibility) -> None:
    print(f"\n申报条件：{elig.status_text}")
    for r in elig.reasons:
        print(f"  - {r.description}")
    if elig.missing_facts:
        print(f"  还需确认：{'、'.join(elig.missing_facts)}")


def _cmd_calc(args: argparse.Namespace) -> int:
    rules = _rules(args.policy, args.item)
    as_of = _as_of(args.as_of)
    if args.list:
        _print_list(rules, args.json, as_of)
        return 0
    if not args.item:
        raise InputError(
            "请指定资助项目编号，如 policy-qa calc 5 level=市级 invested_yuan=2000万；用 --list 查看全部"
        )
    item = rules.item(args.item)
    facts = _facts(rules, item.id, [*args.facts, *args.set])
    result = calculate(rules, item.id, facts, as_of)
    elig = check_eligibility(rules, item.id, facts, as_of) if args.check else None
    if args.json:
        payload = result.to_dict()
        if elig is not None:
            payload["eligibility"] = elig.to_dict()
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    _print_result(rules, result)
    if elig is not None:
        _print_eligibility(elig)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "calc",
        help="按资助规则测算金额（带条款依据）",
        description="按资助规则测算金额。信息项写成 名称=值（金额可写“800万”“1.2亿”“三百万元”），用 --list 查看各项目的信息项。",
    )
    p.add_argument("item", nargs="?", help="资助项目（条款），如 5、第5条、第三条")
    p.add_argument(
        "facts", nargs="*", metavar="NAME=VALUE", help="信息项，如 level=市级 invested_yuan=2000万"
    )
    p.add_argument(
        "--set", "--fact", action="append", default=[], metavar="NAME=VALUE", help="信息项（可重复）"
    )
    p.add_argument("--as-of", help="测算日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--policy", help="政策编号（只有一个政策带测算规则、或只有一个政策有该项目时可省略）")
    p.add_argument("--check", action="store_true", help="同时检查申报条件（本项条件及适用于本项的条件组）")
    p.add_argument("--list", action="store_true", help="列出资助项目、最高金额及其信息项")
    p.add_argument("--json", action="store_true", help="输出 JSON（含 amount_yuan、trace）")
    p.set_defaults(func=_cmd_calc)
