"""``policy-qa match [--as-of D] [--json] [--policy P] FACT=VALUE ...``: 政策匹配 for scripted use (a CRM).

Each FACT=VALUE applies to every policy that declares the fact (``policy-id:fact=value`` for one policy);
values are read as the calculator reads them (金额 "800万", 是/否, options). Every policy with rules is
matched: in force on the date first, others marked. ``--json`` prints ``matches`` (item_id, policy_id,
clause, title, status, amount_yuan, missing_facts, reasons with their clauses) and the allowed total.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from assistant.config import Settings
from assistant.errors import InputError
from assistant.rules.matching import STATUS_WORDS, PolicyMatch, match_policy
from assistant.rules.money import format_yuan


def _as_of(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"日期格式应为 YYYY-MM-DD（收到“{value}”）") from None


def _facts(pairs: list[str], rules: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(f"信息项应写成 名称=值（收到“{pair}”）")
        name, value = pair.split("=", 1)
        pid, _, fact = name.rpartition(":")
        if pid and pid != rules.policy_id:
            continue
        spec = rules.facts.get(fact.strip())
        if spec is not None:
            out[spec.name] = spec.coerce(value.strip())
    return out


def _print(pm: PolicyMatch, title: str, rules: Any) -> None:
    mark = "" if pm.in_force else "（测算日不在有效期内，仅供参考）"
    print(f"《{title}》{mark}")
    for m in pm.items:
        figure = format_yuan(m.amount_yuan) if m.amount_yuan is not None else m.max_text
        labels = [rules.facts[f].label if f in rules.facts else f for f in m.missing_facts]
        extra = f"  还需：{'、'.join(labels)}" if labels else ""
        print(f"  [{STATUS_WORDS[m.status]}] {m.label} {m.title}：{figure}{extra}")
    if pm.total_yuan is not None:
        print(f"  合计（按规则）：{format_yuan(pm.total_yuan)}")
    if pm.general_failed:
        print("  不符合支持对象：" + "；".join(r.description for r in pm.general_failed))


def _cmd_match(args: argparse.Namespace) -> int:
    from assistant.corpus import load_corpus
    from assistant.rules.model import load_all_rules

    settings = Settings.from_env()
    corpus = load_corpus(settings.corpus_dir, extra=settings.extra_corpus_dirs)
    all_rules = load_all_rules(corpus)
    if args.policy:
        if args.policy not in all_rules:
            raise InputError(f"没有带测算规则的政策“{args.policy}”；可选：{'、'.join(all_rules)}")
        all_rules = {args.policy: all_rules[args.policy]}
    as_of = _as_of(args.as_of)
    pms = [match_policy(r, _facts(args.facts, r), as_of, args.same_project) for r in all_rules.values()]
    pms.sort(key=lambda pm: not pm.in_force)
    if args.json:
        payload = {
            "as_of": as_of.isoformat(),
            "matches": [m.to_dict() for pm in pms for m in pm.items],
            "amount_yuan": sum(pm.total_yuan or sum(m.amount_yuan or 0 for m in pm.of("eligible")) for pm in pms)
            if any(pm.of("eligible") for pm in pms) else None,
            "policies": {pm.policy_id: {"in_force": pm.in_force, "total_yuan": pm.total_yuan} for pm in pms},
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for pm in pms:
        _print(pm, corpus.policy(pm.policy_id).meta.name, all_rules[pm.policy_id])
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "match",
        help="政策匹配：按企业情况列出可申请的各项支持和金额",
        description="按企业情况（名称=值）逐项判断：符合（附金额）、还需确认（缺哪些信息）、不符合（原因）。",
    )
    p.add_argument("facts", nargs="*", metavar="FACT=VALUE", help="企业情况：信息项名称=值（名称见 policy-qa calc --list），如 某金额项=800万 某是否项=是")
    p.add_argument("--as-of", help="测算日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--policy", help="只匹配这一政策")
    p.add_argument("--same-project", action="store_true", help="各项属于同一项目（同一项目只取其中最高的一项）")
    p.add_argument("--json", action="store_true", help="输出 JSON（matches、amount_yuan）")
    p.set_defaults(func=_cmd_match)
