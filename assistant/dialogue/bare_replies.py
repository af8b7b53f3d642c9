"""A bare reply to the assistant's question ("是的", "没有", "20家", "1:1", "市里评的", "500"): the value of the fact
the assistant asked for, read with the question in mind (the NLU reads the message alone).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.dialogue.domain import Domain
from assistant.dialogue.state import DialogueState, Observation, Request
from assistant.errors import AmountError, InputError
from assistant.nlu import Parse
from assistant.nlu.genre import load_genre
from assistant.nlu.money_facts import MoneyReading
from assistant.nlu.numerals import small_int
from assistant.nlu.spans import option_stem
from assistant.rules.money import parse_amount

_NUMBER = re.compile(r"\d+")


def spec_type(domain: Domain, policy_id: str, fact: str | None) -> str | None:
    spec = domain.fact_spec(policy_id, fact) if fact else None
    return spec.type if spec is not None else None


#: A cue right before an amount ("服务金额900万") scores about 100; one a few words away, less.
STRONG_CLAIM = 90.0


def _claimed_elsewhere(m: Any, fact: str | None) -> bool:
    """An amount a cue says is another fact ("…大赛，审计确认费用三十八万" to "平台投入多少？")."""
    return fact not in m.claims and max(m.claims.values(), default=0) >= STRONG_CLAIM


def answers_request(req: Request, parse: Parse, policy_id: str, domain: Domain) -> bool:
    """Whether the message gives a value for the fact the assistant asked for."""
    kind = spec_type(domain, policy_id, req.fact)
    facts = parse.facts_of(policy_id)
    if kind in ("money", "money_list"):
        spec = domain.fact_spec(policy_id, req.fact or "")
        optional_none = spec is not None and spec.default == 0 and "deny" in parse.acts
        given = [m for m in facts.money if not m.expected_award and not m.denied and not _claimed_elsewhere(m, req.fact)]
        return bool(given) or optional_none or _bare_wan(parse) is not None
    if kind == "choice":
        return req.fact in facts.values or any(o.fact == req.fact for o in parse.options) \
            or _option_by_stem(domain.fact_spec(policy_id, req.fact or ""), parse.reading) is not None \
            or _option_by_place(req, parse) is not None
    if kind == "bool":
        return req.fact in facts.values or bool(parse.acts & {"affirm", "deny"})
    if kind == "count":
        return req.fact in facts.values or bool(_NUMBER.search(parse.reading))
    if kind == "ratio":
        return req.fact in facts.values or _bare_ratio(req, parse, policy_id, domain) is not None
    return False


def answers_fact_request(state: DialogueState, parse: Parse, domain: Domain) -> bool:
    """The message gives a value for the fact the assistant asked for last."""
    req = state.requested
    return req is not None and req.kind == "fact" and state.policy_id is not None \
        and answers_request(req, parse, state.policy_id, domain)


def item_by_words(state: DialogueState, obs: Observation, policy_id: str, domain: Domain) -> tuple[str, ...]:
    """The reply to "which item?" ("就是那个示范的"): the item of the one clause its words match, when that was asked."""
    req = state.requested
    if req is None or req.kind != "item" or req.policy_id not in (policy_id, None):
        return ()
    return _item_of(obs.sole_match(policy_id), policy_id, domain)


def item_by_its_clause(state: DialogueState, obs: Observation, policy_id: str, domain: Domain) -> tuple[str, ...]:
    """A figure asked with no item named and none under discussion ("和高校合作建的协同研发平台，平台投入能补多少"):
    the item whose clause the message's own words match decisively, rather than the menu."""
    if state.goal is not None and state.goal.policy_id == policy_id and state.goal.items:
        return ()
    hit = obs.decisive_hit(policy_id)
    if hit is None:
        return ()
    reading, terms = obs.parse.reading.lower(), getattr(hit, "matched_terms", ())
    if not terms:
        return _item_of(hit, policy_id, domain)  # (a retriever that does not say which words matched)
    # the words said that set it apart from the runner-up
    runner_up = next((h for h in obs.hits if h is not hit and h.clause.policy_id == policy_id), None)
    others = set(getattr(runner_up, "matched_terms", ()))
    own = [t for t in terms if t not in others]
    if len(own) < 2 and not any(t in hit.clause.text for t in own):
        # "…厂房两千多平，…能拿多少": one word, and not the clause's own (a word retrieval relates to it), tells no
        # project of it ("学院建了«the clause's own word»平台" does)
        return ()
    trades = [m.span() for m in load_genre().trade.finditer(reading)]
    if all(any(s <= reading.find(t.lower()) < e for s, e in trades) for t in own):
        return ()  # "我们是做«the clause's words»的": the enterprise's trade, not a project it did — which item
    return _item_of(hit, policy_id, domain)


def _item_of(hit: Any, policy_id: str, domain: Domain) -> tuple[str, ...]:
    item = domain.item_by_clause(policy_id, hit.clause.clause_id) if hit is not None else None
    return (item,) if item else ()


def _bare_ratio(req: Request, parse: Parse, policy_id: str, domain: Domain) -> str | None:
    """A bare "1:1" / "1比0.5" / "50%" given when the assistant asked for a ratio."""
    spec = domain.fact_spec(policy_id, req.fact or "")
    if spec is None:
        return None
    try:
        return str(spec.coerce(parse.reading.strip().rstrip("。.!！吧呢啊")))
    except InputError:
        return None


def bare_value(req: Request | None, parse: Parse, policy_id: str, domain: Domain) -> dict[str, Any]:
    """A bare answer to the requested fact: "是的"/"没有" for yes/no, "20家" for a count, "无" for an optional amount."""
    if req is None or req.fact is None:
        return {}
    kind = spec_type(domain, policy_id, req.fact)
    if kind == "bool" and req.fact not in parse.facts_of(policy_id).values:
        if "affirm" in parse.acts:
            return {req.fact: True}
        if "deny" in parse.acts:
            return {req.fact: False}
    if kind == "count" and req.fact not in parse.facts_of(policy_id).values:
        m = _NUMBER.search(parse.reading)
        if m:
            return {req.fact: int(m.group(0))}
    if kind == "ratio" and req.fact not in parse.facts_of(policy_id).values:
        ratio = _bare_ratio(req, parse, policy_id, domain)
        if ratio is not None:
            return {req.fact: ratio}
    if kind == "choice" and req.fact not in parse.facts_of(policy_id).values:
        picked = _option_by_stem(domain.fact_spec(policy_id, req.fact), parse.reading) or _option_by_place(req, parse)
        if picked:
            return {req.fact: picked}
    if kind in ("money", "money_list") and "deny" in parse.acts and not parse.amounts:
        spec = domain.fact_spec(policy_id, req.fact)
        if spec is not None and spec.default == 0:
            return {req.fact: 0}
    wan = _bare_wan(parse) if kind in ("money", "money_list") else None
    if wan is not None:
        return {req.fact: [wan] if kind == "money_list" else wan}
    return {}


#: A number as people say it without its unit: digits or a Chinese numeral ("500", "五百五", "一千二").
_NUMBER_SAID = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"


#: A bare number this large is already in 元 ("3000000"): no project is 三百亿 said in 万.
YUAN_IF_AT_LEAST = 100_000


def _in_wan(number: str) -> int | None:
    """``number`` read in 万元, the unit the assistant's questions ask for — unless it is too large to be."""
    try:
        if number.replace(".", "", 1).isdigit() and float(number) >= YUAN_IF_AT_LEAST:
            return parse_amount(number + "元")
        return parse_amount(number + "万")
    except AmountError:
        return None


#: A reply that is only a number ("500", "大概1200左右", "五百", "投了一千出头", "差不多五百五吧"), to a question that
#: asks for an amount in 万元; said roughly ("出头", "来", "多"), the number said is the amount.
_BARE_WAN = re.compile(
    r"^\s*(?:(?:我们|我司|咱们|大概|大约|约|差不多|将近|接近|投了|花了|投资|投入|一共|总共|共|就是|也是|一样是|还是|是)\s*)*"
    rf"{_NUMBER_SAID}\s*(?:出头|左右|上下|来|多|吧|的样子)*\s*[。.!！]?\s*$"
)


def _bare_wan(parse: Parse) -> int | None:
    """A bare number answering the assistant's question for an amount: in 万元, the unit the question asks for
    (the figure's steps show the amount used, so a misreading is visible)."""
    m = _BARE_WAN.match(parse.reading)
    return None if m is None or parse.amounts else _in_wan(m.group(1))



def _option_by_place(req: Request, parse: Parse) -> str | None:
    """An option picked by its place in the question's list ("第一个", "选第3个" to "（区级/市级/国家级）")."""
    m = load_genre().menu_pick.match(parse.reading)
    n = small_int(m.group("n")) or 0 if m is not None else 0
    return req.options[n - 1] if 0 < n <= len(req.options) else None


def _option_by_stem(spec: Any, text: str) -> str | None:
    """An option named by its stem in a short reply to "哪一级？": "市里评的" → 市级, "区里" → 区级."""
    if spec is None or not spec.options or len(text.strip()) > 12:
        return None
    stems = {o: option_stem(o) for o in spec.options}
    hits = [o for o, stem in stems.items() if stem and stem in text]
    longest = max((len(stems[o]) for o in hits), default=0)
    hits = [o for o in hits if len(stems[o]) == longest]
    return hits[0] if len(hits) == 1 else None


#: A corrected amount said without its unit at the end of a correction ("投资说多了，其实是600", "不对 560").
_CORRECTED_WAN = re.compile(rf"(?:是|为|改成|改为|应该是|^\s*(?:不对|错了|说错了|打错了|写错了)[，,。.!！\s]*)\s*{_NUMBER_SAID}"
                            rf"\s*(?:左右|吧|啊)?\s*[。.!！]?\s*$")


#: "不是620是680，620是去年年底的数": the number said instead, wherever the sentence goes on.
_INSTEAD_WAN = re.compile(rf"(?:不是|并非|而不是)\s*{_NUMBER_SAID}\s*[，,]?\s*(?:而|应该|其实|实际)?(?:是|为)\s*{_NUMBER_SAID}")


def corrected_wan(parse: Parse) -> int | None:
    """The amount of a correction given as a bare number, in 万元 like the amounts it corrects."""
    instead = _INSTEAD_WAN.search(parse.reading)
    if instead is not None and not parse.amounts and "correction" in parse.acts:
        return _in_wan(instead.group(instead.lastindex or 0))
    m = _CORRECTED_WAN.search(parse.reading)
    if m is not None and load_genre().expected_award.search(parse.reading[: m.start(1)]):
        return None  # "老板说按30%算应该是270啊": the figure someone expects, not a fact corrected
    return None if m is None or parse.amounts or "correction" not in parse.acts else _in_wan(m.group(1))


#: "那六百呢", "要是投八百的话呢": a what-if of the amount given last, its number said without the unit.
_WHAT_IF_WAN = re.compile(r"^\s*(?:那|那么)?\s*(?:要是|如果|假如|假设|换成|改成)?\s*(?:投|投了|投资|投入|花|花了|是|只有|只投)?\s*"
                          rf"{_NUMBER_SAID}\s*(?:的话)?\s*(?:呢|怎么算|会怎样|怎样)\s*[？?]*\s*$")


def what_if_wan(parse: Parse) -> int | None:
    """The amount of a what-if said as a bare number ("那六百呢"), in 万元 like the amount it stands in for."""
    m = _WHAT_IF_WAN.match(parse.reading)
    return None if m is None or parse.amounts else _in_wan(m.group(1))


#: A number said without its unit, up to the end of its clause ("一千出头，", "600。").
_UNITLESS = re.compile(rf"{_NUMBER_SAID}\s*(?:出头|左右|上下|来|多)?\s*(?=[，,。.；;！!？?\s]|$)")


def spent_wan(parse: Parse) -> int | None:
    """An amount spent, said without its unit inside a longer message ("改造总共投了一千出头，能补多少"), in 万元
    like the assistant's questions; None when the message gives any amount with its unit."""
    if parse.amounts:
        return None
    spent = load_genre().spent_unitless
    for m in _UNITLESS.finditer(parse.reading):
        if spent.search(parse.reading[: m.start()]):
            return _in_wan(m.group(1))
    return None


def amount_now(parse: Parse, m: MoneyReading) -> bool:
    """The message gives this amount as the value now: little more than the amount ("是2亿", "如果是8 million呢"), or
    the total said ("哦，那加上安全产品那块，总共是四百万") — not a figure said back to be confirmed ("…一共690万？")."""
    rest = parse.reading[: m.mention.start] + parse.reading[m.mention.end :]
    words = len(re.findall(r"[A-Za-z]+", rest))  # an English word counts once ("OK, and if it's only 2 million?")
    rest = re.sub(r"[A-Za-z]+", "", rest)
    if sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff" or ch.isalnum()) + words <= 8:
        return True
    genre = load_genre()
    total = genre.total_reached.search(parse.reading, max(0, m.mention.start - 8), m.mention.start) is not None
    # ("那两条加起来就是四百一十万了吧？": asked back, in whatever words the clause ends with)
    asked_back = genre.confirm_tag.match(parse.reading, m.mention.end) or genre.asked_back.match(parse.reading, m.mention.end) \
        or _ASKED_AFTER.match(parse.reading, m.mention.end)
    return total and not asked_back


#: The rest of an amount's clause ending in a question ("…四百一十万了吧？", "…690万？").
_ASKED_AFTER = re.compile(r"[^，,。；;]*?(吧|吗|么|嘛|[？?])")
