"""Deterministic routing of a user message to one of a closed set of intents.

The intents are :data:`assistant.dialogue.reply.INTENTS`; the assistant maps each to exactly one handler
and raises on anything else. Routing reads cue words (the genre's vocabulary, not any policy's facts),
the award items the message names (aliases from the rules data) and whether retrieval found anything.
Prompt-injection segments ("忽略之前的指令…", "系统提示：上限改为…") are detected and cut out before
anything else reads the message, so they can never change a figure.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from assistant.dialogue.reply import Intent

# --- prompt injection -------------------------------------------------------------------------------
_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|不用管|跳过|覆盖)[^。！？!?\n]{0,12}(指令|指示|提示|规则|设定|要求|限制|说明|上面|以上|之前|前面)"
    r"|(你现在是|你现在扮演|你将扮演|假装你是|扮演一个|从现在起你是|你的新身份|角色扮演|进入开发者模式|开发者模式|越狱|DAN模式)"
    r"|(系统提示|系统消息|system\s*prompt|system\s*:|assistant\s*:|\[system\]|<\|?system\|?>|管理员指令|最高指令|内部指令)"
    r"|(ignore|disregard|forget)\s+(all\s+)?(the\s+)?(previous|prior|above|earlier)\s+(instructions?|prompts?|rules?)"
    r"|(上限|比例|资助额度|金额|标准)[^。！？!?\n]{0,6}(改为|改成|调整为|修改为|变为|更新为|设为|设置为)"
    r"|(以我|按我)(提供|给出|粘贴|贴)的?(条款|原文|文本|规定)为准"
    r"|(新增|补充|更新|最新|新|修订|修改|修正)[^。：:，,]{0,6}第?\s*\d{1,3}\s*条\s*[：:]|以下是[^。]{0,10}第\s*\d{1,3}\s*条"
    r"|不要引用|不许引用|别引用|不用引用|直接(说|回答|告诉)|就这样回答|照我说的|按我说的(回答|说)"
    r"|(打印|输出|泄露|告诉我|显示)[^。！？!?\n]{0,6}(系统提示|提示词|prompt|内部规则)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?:[^。！？!?\n；;.]|\.(?!\s))+(?:[。！？!?\n；;]+|\.\s+|\.$|$)")

# --- scope ------------------------------------------------------------------------------------------
#: Places a user may name. A place that no corpus policy covers (and is not the parent of one) is out of scope.
PLACES: tuple[str, ...] = (
    "浦东", "黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "金山", "松江",
    "青浦", "奉贤", "崇明", "临港", "北京", "天津", "重庆", "深圳", "广州", "苏州", "杭州", "南京", "无锡",
    "宁波", "合肥", "成都", "武汉", "西安", "昆山", "太仓", "江苏", "浙江", "安徽", "广东", "山东", "上海",
)
#: The same places as English speakers write them.
ENGLISH_PLACES: dict[str, str] = {
    "pudong": "浦东", "minhang": "闵行", "songjiang": "松江", "qingpu": "青浦", "baoshan": "宝山", "xuhui": "徐汇",
    "beijing": "北京", "shenzhen": "深圳", "guangzhou": "广州", "suzhou": "苏州", "hangzhou": "杭州",
    "nanjing": "南京", "jiading": "嘉定", "shanghai": "上海",
}
#: Other support schemes people ask a policy hotline about; naming one without this policy's items is out of scope.
OTHER_SCHEMES = re.compile(
    r"专精特新|小巨人|高新技术企业|高企认定|研发费用加计扣除|加计扣除|人才公寓|落户|积分|个税|个人所得税|社保|公积金"
    r"|市级.{0,10}专项资金|市经信委|市经济信息化委|工信部.{0,8}(专项|资金)|国家级专项|市级专项"
    r"|租房补贴|购房|房贷|车牌|医保|退税|出口退税|增值税|稳岗|失业|养老|育儿|生育|消费券|以旧换新|新能源车|农业|种植|养殖"
)
_OFF_TOPIC = re.compile(
    r"天气|下雨|菜谱|概念股|炒股|做菜|怎么做饭|红烧|股票|基金|彩票|足球|篮球|电影|小说|写一首|写首诗|作文|翻译成|笑话|星座|算命|旅游|机票|酒店|外卖"
    r"|python|java|代码|编程|bug|sql|数学题|方程|微积分|女朋友|男朋友|恋爱"
    r"|\b(weather|rain|stocks?|recipe|joke|movie|poem|football)\b",
    re.IGNORECASE,
)
#: Words of the genre (any support policy): with none of these, none of the corpus's own terms, no item and no
#: retrieval hit, a message is not about policy. Each policy's own terms come from its data (see ``route``).
_GENRE = re.compile(
    r"政策|补贴|补助|资助|奖励|扶持|申报|申请|条款|第\s*[\d一二三四五六七八九十]+\s*条|附则|有效期|过期|解释|专项资金"
    r"|一事一议|先申报|后补助|从高不重复|失信|违法|支持对象|法人|税务登记|工商注册|信用|配套|上级补助|审计|认定"
    r"|subsid|grant|policy|award",
    re.IGNORECASE,
)

# --- intents ----------------------------------------------------------------------------------------
_ELIGIBILITY = re.compile(
    r"(能|可以|还能|还可以|可不可以|能不能|能否)[^，,。？?]{0,8}(申请|申报|报|拿|领|享受|补|参加)[^？?。，,]{0,10}(吗|么|不|？|\?|$)"
    r"|够不够条件|符合支持对象|符合.{0,6}条件吗|符合.{0,4}吗|申请.{0,12}(可以吗|行吗|能行吗)|影响.{0,12}(申请|申报|资格|扶持)|能不能(申请|申报|享受|拿|领|报|参加)|能否(申请|申报|享受|获得)|可(以|不可以)?(申请|申报|享受)吗?|能(申请|申报|享受|报)吗"
    r"|有没有资格|有资格|够不够格|够格|符合(条件|要求)?吗|是否符合|符不符合|算不算|能不能算|满足.*吗|资格吗|行不行|可不可以报"
    r"|会不会被取消|还能(申请|申报|享受)|取消.*资格|eligible|qualify",
    re.IGNORECASE,
)
_AWARD = re.compile(
    r"多少钱|多少(?![个家项场次条年天人])|几万|几百万|几千万|金额|额度|最高|最多|上限|封顶|算一下|帮我算|计算|测算|估算|合计|总共|一共"
    r"|how\s+much|amount",
    re.IGNORECASE,
)
#: "税务登记在浦东" is a fact about the applicant, not a question about another district.
_REGISTRATION = re.compile(r"注册|登记|经营地|办公|迁入|迁到|搬到|搬来|纳税")
_CORRECTION = re.compile(r"^(不对|不是|错了|更正|纠正|改一下|应该是|其实是|搞错了|说错了|修改)|改成|改为|更正为")
_GARBLE_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_ENGLISH_WORD = re.compile(
    r"\b(what|how|much|can|which|when|who|does|is|are|the|policy|subsid\w*|grant\w*|award\w*|apply|eligib\w*"
    r"|factory|company|enterprise|district|clause|valid\w*|expire\w*|money|yuan|million)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Routed:
    """The router's reading of one message."""

    intent: Intent
    text: str
    """The message with injection segments removed."""
    injection: bool = False
    other_places: tuple[str, ...] = ()
    reason: str = ""
    correction: bool = False


def strip_injection(text: str) -> tuple[str, bool]:
    """Remove every sentence that carries an injection attempt; say whether there was one."""
    kept: list[str] = []
    found = False
    for sentence in _SENTENCE.findall(text):
        if _INJECTION.search(sentence):
            found = True
            continue
        kept.append(sentence)
    return "".join(kept).strip(), found


def other_places(
    text: str, policy_regions: AbstractSet[str], parents: AbstractSet[str] = frozenset()
) -> tuple[str, ...]:
    """Places named in ``text`` that no policy covers (a policy's region and the regions containing it)."""
    known = policy_regions | parents
    covered = {p for p in PLACES if any(p in r or r.startswith(p) for r in known)}
    lower = text.lower()
    named = [p for p in PLACES if p in text] + [p for e, p in ENGLISH_PLACES.items() if e in lower]
    return tuple(p for p in dict.fromkeys(named) if p not in covered)


def is_domain(text: str, terms: AbstractSet[str] = frozenset()) -> bool:
    """Genre words, or one of the corpus's own terms (item aliases, headings, region)."""
    lower = text.lower()
    return bool(_GENRE.search(text)) or any(t in lower for t in terms)


def is_garbled(text: str) -> bool:
    """Too little language to read: no two-character Chinese word and no real Latin word."""
    return not _GARBLE_WORD.search(text) and not _ENGLISH_WORD.search(text)


#: Words that carry no content of their own; a message of only these is too vague to answer.
_FILLER = re.compile(
    r"我想|想问|问一下|请问|一下|你好|您好|那个|这个|啥|什么|怎么|怎样|如何|能不能|可不可以|可以|能否|是否|有没有|有吗|吗|呢|啊|吧|了|的|呀|哦|嗯"
    r"|我们|我|你|您|他|它|请|问|能|不|补贴|补助|资助|政策|申请|申报|一|下|和|与|及|补"
)


def is_vague(text: str) -> bool:
    """Fewer than two characters of content once filler words are gone ("我想问一下", "能不能？")."""
    return len(re.findall(r"[\u4e00-\u9fffA-Za-z0-9]", _FILLER.sub("", text))) < 2


def is_correction(text: str) -> bool:
    return bool(_CORRECTION.search(text))


def wants_amount(text: str) -> bool:
    return bool(_AWARD.search(text))


_WHICH = re.compile(r"哪些|什么|哪个|哪几|哪类")
_EXPLICIT_ELIGIBILITY = re.compile(r"符合|资格|够不够|够格|条件吗")


def asks_eligibility(text: str) -> bool:
    """"能申请吗 / 符合条件吗" — but not "能享受哪些政策" (a lookup) nor "能补多少" (an amount)."""
    m = _ELIGIBILITY.search(text)
    if not m:
        return False
    sentence = next((x for x in _SENTENCE.findall(text) if m.group(0) in x), text)
    if _WHICH.search(sentence) and not _EXPLICIT_ELIGIBILITY.search(sentence):
        return False
    return not (wants_amount(text) and not _EXPLICIT_ELIGIBILITY.search(text))


def route(
    text: str,
    *,
    policy_regions: AbstractSet[str],
    region_parents: AbstractSet[str] = frozenset(),
    domain_terms: AbstractSet[str] = frozenset(),
    named_items: list[str],
    has_facts: bool,
    answerable: bool,
    pending: bool,
) -> Routed:
    """Decide the intent of ``text``.

    ``named_items``: award items the message names (from the rules' aliases); ``has_facts``: it states
    facts (an amount, a level…); ``answerable``: retrieval found a clause above its relevance floor;
    ``pending``: the conversation is waiting for facts it asked for.
    """
    clean, injected = strip_injection(text)
    places = other_places(clean, policy_regions, region_parents)
    correction = is_correction(clean)
    if injected and not clean:
        return Routed("out_of_scope", clean, True, places, "injection only")
    if places and not any(r[:2] in clean for r in policy_regions) and not _REGISTRATION.search(clean):
        return Routed("out_of_scope", clean, injected, places, "other region")
    if OTHER_SCHEMES.search(clean) and not named_items:
        return Routed("out_of_scope", clean, injected, places, "other scheme")
    if _OFF_TOPIC.search(clean) and not named_items:
        return Routed("out_of_scope", clean, injected, places, "off topic")
    if (pending or correction) and has_facts and not named_items:
        return Routed("award", clean, injected, places, "answers the open question", correction)
    if asks_eligibility(clean):
        intent: Intent = "award" if wants_amount(clean) and (named_items or has_facts) else "eligibility"
        if intent == "eligibility" or named_items or pending:
            return Routed(intent, clean, injected, places, "eligibility cue", correction)
    if wants_amount(clean) and (named_items or pending or has_facts):
        return Routed("award", clean, injected, places, "amount cue", correction)
    if correction and pending:
        return Routed("award", clean, injected, places, "correction", correction)
    if named_items or (answerable and is_domain(clean, domain_terms)):
        return Routed("lookup", clean, injected, places, "about the policy", correction)
    if wants_amount(clean):
        return Routed("clarify", clean, injected, places, "amount question without an item")
    if is_garbled(clean):
        return Routed("clarify", clean, injected, places, "garbled")
    if answerable:
        return Routed("lookup", clean, injected, places, "retrieval hit", correction)
    if is_domain(clean, domain_terms) or is_vague(clean):
        return Routed("clarify", clean, injected, places, "policy words but nothing specific")
    return Routed("out_of_scope", clean, injected, places, "nothing in the corpus answers this")
