"""Tokens for the lexical half: jieba words (with the policy's own terms) plus character bigrams.

Enterprises and hotline staff write "规上奖励", "贯标给多少", "二级节点", "办峰会能补吗", sometimes in traditional
characters or English. So the analyser

* normalises the text (NFKC: full-width → half-width, lower case; traditional → simplified when OpenCC is
  installed),
* cuts it with a private jieba tokenizer that knows the policy's terms (the list below, plus every phrase the
  policy itself puts in quotation marks, e.g. “两化”, “一事一议”),
* keeps character bigrams of every CJK run, so a rare term still matches when jieba cuts it differently,
* keeps pinyin syllable bigrams (when pypinyin is installed), so a homophone typo from a pinyin input method
  ("惯标", "二级结点", "智能工场") still matches the policy's word,
* and, for queries only, adds the policy words behind common abbreviations and English terms (``规上`` →
  ``规模以上``, ``listing`` → ``上市``). These are domain vocabulary, not per-question rules.

A query token also gets a weight (:meth:`Analyzer.weighted_query_tokens`): a single character ("于", "办") is
carried by its bigrams and weighs nothing by itself; a word weighs by how specific it is in general Chinese (the
inverse document frequencies jieba ships for keyword extraction: "情况", "适用", "开始" are everyday words,
"封顶", "歇业" are not); a term of the policy (the list below and every quoted phrase) weighs double, so "一事一议"
outweighs whatever generic words surround it.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jieba

#: Terms of the industrial-internet policies that jieba's general dictionary would cut apart.
POLICY_TERMS: tuple[str, ...] = (
    "工业互联网",
    "两化融合",
    "两化",
    "贯标",
    "融合贯标",
    "标识解析",
    "二级节点",
    "服务节点",
    "智能工厂",
    "规模以上",
    "规上",
    "标杆示范",
    "服务商",
    "实训基地",
    "人才实训基地",
    "边缘计算",
    "股改",
    "上市挂牌",
    "一事一议",
    "绿色通道",
    "大院大所",
    "工业app",
    "工业大数据",
    "峰会",
    "先申报",
    "后补助",
    "从高不重复",
    "单项不重复",
    "失信行为",
    "申报指南",
    "经济委员会",
    "经委",
    "态势感知",
    "工业防火墙",
    "入侵检测",
    "科研院所",
    "创新中心",
    "产教融合",
    "校企合作",
    "产学研",
    "专项审计",
    "事前备案",
    "事后资助",
    "个性化定制",
    "网络化协同",
    "服务化转型",
    "有效期",
    "嘉定区",
    "上级补助",
    "资金配套",
    "就高执行",
    "人才引育",
    "知识产权",
    "金融支持",
    "研发机构",
    "应用推广",
    "公共创新服务载体",
    "创业孵化",
    "跨行业跨领域",
    "土建",
    "一次性",
    "授牌",
    "信用记录",
    "税务登记",
    "工商注册",
    "法人企业",
    # noun phrases of the clauses themselves (so jieba keeps them whole; "政策" alone is a stop word)
    "支持对象",
    "支持范围",
    "经营状态",
    "新政策",
    "重大项目",
    "区政府",
    "扶持资格",
    "扶持标准",
    "支持比例",
    "资助额度",
    "安全生产",
    "节能环保",
    "社会诚信",
    "经济贡献",
)

#: Query-side vocabulary: an abbreviation, colloquial or English term → the words the policy uses.
#: Matched as a substring of the normalised query (English in lower case).
QUERY_SYNONYMS: dict[str, str] = {
    # abbreviations and colloquial Chinese
    "规上": "规模以上",
    "小升规": "首次 规模以上",
    "升规": "规模以上",
    "ipo": "上市",
    "挂牌": "上市",
    "新三板": "上市 挂牌",
    "科创板": "上市",
    "智慧工厂": "智能工厂",
    "灯塔工厂": "智能工厂",
    "数字化转型": "数字化 网络化 智能化 改造",
    "智改数转": "数字化 网络化 智能化 改造",
    "节点": "标识解析",
    "展会": "会议 论坛 活动",
    "研讨会": "会议 论坛",
    "办会": "举办 会议 活动",
    "大学": "高等院校",
    "高校": "高等院校",
    "研究院": "科研院所",
    "研发中心": "研发机构",
    "供应商": "服务商",
    "解决方案商": "服务商",
    "到期": "有效期",
    "截止": "有效期",
    "过期": "有效期",
    "失效": "有效期",
    "黑名单": "失信行为 违法",
    "失信": "失信行为",
    "违法": "违法 失信行为",
    "重复享受": "不重复 从高",
    "叠加": "不重复 从高",
    "同时享受": "不重复",
    "配套": "上级补助 资金配套",
    "特事特办": "一事一议",
    "一企一策": "一事一议",
    "谁解释": "负责解释",
    "解释权": "负责解释",
    "申请条件": "支持对象",
    "申报条件": "支持对象",
    "门槛": "支持对象",
    # who may apply (一、支持对象: "实际经营、工商注册和税务登记均在本区的法人企业，经营状态正常、信用记录良好"):
    # the everyday names of what that sentence admits or excludes
    "申请主体": "支持对象",
    "申报主体": "支持对象",
    "申请资格": "支持对象",
    "申报资格": "支持对象",
    "个体户": "法人企业 支持对象",
    "个体工商户": "法人企业 支持对象",
    "分公司": "法人企业 支持对象",
    "合伙企业": "法人企业 支持对象",
    "个人独资": "法人企业 支持对象",
    "自然人": "法人企业 支持对象",
    "歇业": "经营状态正常",
    "停业": "经营状态正常",
    "停产": "经营状态正常",
    "注销": "经营状态正常",
    "吊销": "经营状态正常",
    "经营异常": "经营状态正常",
    "营业执照": "工商注册",
    "注册地": "工商注册",
    "纳税": "税务登记",
    "税务关系": "税务登记",
    "经营地": "实际经营",
    "生产地": "实际经营",
    "信用": "信用记录",
    # the preamble ("为贯彻落实《…》等文件精神，…，制定本实施细则"): why and on what basis the policy is made
    "目的": "制定目的",
    "宗旨": "制定目的",
    "初衷": "制定目的",
    "出台": "制定",
    "依据": "制定依据 贯彻落实",
    "上位文件": "制定依据 贯彻落实",
    "上级文件": "制定依据 贯彻落实",
    # the parts of the policy: "支持范围及标准" lists the categories, "附则" holds the supplementary provisions
    "几类": "支持范围",
    "几大类": "支持范围",
    "类别": "支持范围",
    "种类": "支持范围",
    "清单": "支持范围",
    "一览": "支持范围",
    "汇总": "支持范围",
    "列出": "支持范围",
    "列举": "支持范围",
    "补充规定": "附则",
    "补充条款": "附则",
    "补充说明": "附则",
    # a ceiling: "封顶" is "上限"; going past the caps is "不受上述标准限制" (the "一事一议" clause)
    "封顶": "上限 最高",
    "突破上限": "不受上述标准限制",
    "超过上限": "不受上述标准限制",
    "超出上限": "不受上述标准限制",
    "突破封顶": "不受上述标准限制",
    "超过封顶": "不受上述标准限制",
    "超出封顶": "不受上述标准限制",
    "不封顶": "不受上述标准限制",
    # English
    "purpose": "制定目的",
    "objective": "制定目的",
    "basis": "制定依据",
    "upstream": "制定依据 贯彻落实",
    "higher-level": "制定依据 贯彻落实",
    "implement": "贯彻落实",
    "sole proprietor": "法人企业 支持对象",
    "branch": "法人企业 支持对象",
    "subsidy": "补贴 资助",
    "subsidies": "补贴 资助",
    "grant": "资助",
    "reward": "奖励",
    "award": "奖励",
    "listing": "上市",
    "listed": "上市",
    "go public": "上市",
    "smart factory": "智能工厂",
    "intelligent factory": "智能工厂",
    "certification": "认证 贯标",
    "above designated size": "规模以上",
    "above-scale": "规模以上",
    "scale": "规模",
    "identifier resolution": "标识解析",
    "identification resolution": "标识解析",
    "secondary node": "二级节点",
    "node": "节点",
    "service provider": "服务商",
    "summit": "峰会",
    "forum": "论坛",
    "conference": "会议",
    "event": "活动",
    "competition": "大赛",
    "contest": "大赛",
    "training": "培训 实训",
    "university": "高等院校",
    "universities": "高等院校",
    "research institute": "科研院所",
    "platform": "平台",
    "benchmark": "标杆示范",
    "demonstration": "示范",
    "pilot": "示范",
    "expire": "有效期",
    "valid": "有效期",
    "validity": "有效期",
    "eligible": "支持对象",
    "eligibility": "支持对象",
    "green channel": "绿色通道",
    "interpret": "解释",
    "duplicate": "不重复",
    "edge computing": "边缘计算",
    "security": "安全",
    "firewall": "防火墙",
    "industrial internet": "工业互联网",
    "investment": "投资",
    "first time": "首次",
    "talent": "人才",
}

_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "么",
        "嘛",
        "是",
        "有",
        "在",
        "和",
        "与",
        "及",
        "或",
        "等",
        "对",
        "给",
        "把",
        "被",
        "就",
        "都",
        "也",
        "还",
        "又",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "她",
        "它",
        "这",
        "那",
        "哪",
        "什么",
        "怎么",
        "怎样",
        "如何",
        "多少",
        "几",
        "吗",
        "能",
        "能不能",
        "可以",
        "可不可以",
        "会",
        "要",
        "想",
        "请问",
        "一下",
        "一个",
        "个",
        "这个",
        "那个",
        "哪些",
        "有没有",
        "是不是",
        "the",
        "a",
        "an",
        "of",
        "for",
        "to",
        "in",
        "on",
        "and",
        "or",
        "is",
        "are",
        "be",
        "can",
        "do",
        "does",
        "how",
        "what",
        "which",
        "who",
        "when",
        "much",
        "many",
        "my",
        "our",
        "we",
        "i",
    ]
    # every question here is about "this policy": these words say nothing about which clause answers it
    + ["政策", "这个政策", "本政策", "该政策", "文件", "规定"]
)
#: Words for "money from the district" are interchangeable in questions ("补贴") and clauses ("资助", "奖励"):
#: each of them also yields one shared concept token, so a question's wording does not pick the clause.
FUNDING_WORDS = frozenset(
    ["补贴", "补助", "资助", "奖励", "奖补", "扶持", "补助资金", "资金补助", "奖金", "资金", "支持资金", "钱"]
)
FUNDING_CONCEPT = "<资助>"

#: Query-token weights. A policy term (POLICY_TERMS and the policy's quoted phrases) weighs TERM_WEIGHT; any other
#: word or bigram weighs by its general-language IDF (jieba's table), rising linearly from MIN_WEIGHT at
#: GENERAL_IDF_LOW (everyday words: 情况 4.0, 开始 3.8, 没有 3.1) to 1 at GENERAL_IDF_HIGH (specific words: 封顶
#: 10.3, 歇业 11.2); a word missing from the table is rare and weighs 1.
TERM_WEIGHT = 2.0
GENERAL_IDF_LOW = 3.0
GENERAL_IDF_HIGH = 7.0
MIN_WEIGHT = 0.2
_CJK = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"[a-z0-9][a-z0-9+.%]*")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,20})[”\"」』]")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _t2s():
    """OpenCC's traditional → simplified converter when the optional ``opencc`` package is installed."""
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:
        return None


@lru_cache(maxsize=1)
def _pinyin():
    """pypinyin's ``lazy_pinyin`` when the optional ``pypinyin`` package is installed."""
    try:
        from pypinyin import lazy_pinyin

        return lazy_pinyin
    except Exception:
        return None


@lru_cache(maxsize=1)
def general_idf() -> dict[str, float]:
    """jieba's general-language IDF table (``jieba/analyse/idf.txt``, ~270 000 words); empty if missing."""
    path = os.path.join(os.path.dirname(jieba.__file__), "analyse", "idf.txt")
    table: dict[str, float] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                word, _, value = line.rstrip().partition(" ")
                if value:
                    table[word] = float(value)
    except OSError:
        pass
    return table


def general_weight(word: str) -> float:
    """How much a word says in general Chinese: MIN_WEIGHT for everyday words … 1 for specific ones."""
    idf = general_idf().get(word)
    if idf is None:
        return 1.0
    ramp = (idf - GENERAL_IDF_LOW) / (GENERAL_IDF_HIGH - GENERAL_IDF_LOW)
    return float(min(1.0, max(MIN_WEIGHT, ramp)))


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, traditional → simplified when OpenCC is available."""
    text = unicodedata.normalize("NFKC", text).lower()
    converter = _t2s()
    return converter.convert(text) if converter is not None else text


def quoted_terms(text: str) -> list[str]:
    """Phrases a policy puts in quotation marks (“两化”, “一事一议”), split at 、."""
    terms: list[str] = []
    for match in _QUOTED.finditer(text):
        terms.extend(part.strip() for part in re.split(r"[、，,]", match.group(1)) if len(part.strip()) >= 2)
    return terms


class Analyzer:
    """jieba with the policy's terms, plus character bigrams. One private jieba instance per analyser."""

    def __init__(self, extra_terms: Iterable[str] = ()) -> None:
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self.terms = tuple(dict.fromkeys(normalise(t) for t in (*POLICY_TERMS, *extra_terms) if t.strip()))
        self._term_set = frozenset(self.terms)
        with _lock:
            self._jieba.initialize()
            for term in self.terms:
                self._jieba.add_word(term, freq=200_000)

    def words(self, text: str) -> list[str]:
        """jieba words (search mode: long words and their parts), without punctuation and stop words."""
        with _lock:  # jieba's lazy state is not thread-safe
            pieces = list(self._jieba.cut_for_search(text))
        words = [w for w in (p.strip() for p in pieces) if w and w not in _STOPWORDS and _is_content(w)]
        return words + [FUNDING_CONCEPT for w in words if w in FUNDING_WORDS]

    def content_runs(self, text: str) -> list[str]:
        """The text cut at punctuation and stop words: the runs that bigrams are taken from."""
        with _lock:
            pieces = list(self._jieba.cut(text))
        runs: list[str] = []
        current = ""
        for piece in pieces:
            if piece.strip() and piece not in _STOPWORDS and _CJK.fullmatch(piece):
                current += piece
            else:
                if current:
                    runs.append(current)
                current = ""
        if current:
            runs.append(current)
        return runs

    def tokens(self, text: str) -> list[str]:
        """Tokens of a document: words, ``#``-prefixed character bigrams, ``@``-prefixed pinyin bigrams."""
        norm = normalise(text)
        runs = " ".join(self.content_runs(norm))
        return self.words(norm) + bigrams(runs) + pinyin_bigrams(runs)

    def query_tokens(self, query: str) -> list[str]:
        """Tokens of a query: like :meth:`tokens`, plus the policy words behind abbreviations/English terms."""
        return [t for t, _ in self.weighted_query_tokens(query)]

    def weighted_query_tokens(self, query: str) -> list[tuple[str, float]]:
        """The query's tokens with their weights (see the module docstring)."""
        norm = expand_query(normalise(query))
        words = [(w, self.word_weight(w)) for w in self.words(norm)]
        runs = " ".join(self.content_runs(norm))
        grams = bigrams(runs)
        gram_weights = [self.word_weight(g[1:]) for g in grams]
        syllables = pinyin_bigrams(runs)
        # a pinyin bigram stands for the character bigram at the same place (both skip the same run breaks)
        pinyin = list(zip(syllables, gram_weights, strict=True)) if len(syllables) == len(grams) else []
        return words + list(zip(grams, gram_weights, strict=True)) + pinyin

    def word_weight(self, word: str) -> float:
        if word == FUNDING_CONCEPT:
            return 1.0
        if word in FUNDING_WORDS:
            return MIN_WEIGHT  # mostly carried by FUNDING_CONCEPT: "补贴" must not pick the one clause saying "补贴"
        if word in self._term_set:
            return TERM_WEIGHT
        if len(word) == 1 and _CJK.fullmatch(word):
            return 0.0
        return general_weight(word)


def expand_query(norm_query: str) -> str:
    """The query followed by the policy words its abbreviations and English terms stand for. A Chinese
    abbreviation also matches when typed as a homophone ("归上" for "规上")."""
    query_pinyin = _pinyin_string(norm_query)
    extra = [
        target for source, target in QUERY_SYNONYMS.items() if _contains(norm_query, query_pinyin, source)
    ]
    return f"{norm_query} {' '.join(extra)}" if extra else norm_query


def _contains(text: str, text_pinyin: str | None, source: str) -> bool:
    if source.isascii():
        return re.search(rf"(?<![a-z]){re.escape(source)}(?![a-z])", text) is not None
    if source in text:
        return True
    if not text_pinyin:
        return False
    key = _pinyin_string(source)
    return key is not None and key.removesuffix("| ") in text_pinyin


@lru_cache(maxsize=4096)
def _pinyin_string(text: str) -> str | None:
    """' gui shang ' for '规上' (space-delimited syllables of the CJK characters), None without pypinyin."""
    lazy_pinyin = _pinyin()
    if lazy_pinyin is None:
        return None
    syllables = [s for run in _CJK.findall(text) for s in (*lazy_pinyin(run), "|")]
    return " " + " ".join(syllables) + " "


def pinyin_bigrams(norm_text: str) -> list[str]:
    """Pinyin syllable bigrams within each CJK run (``@gui_shang``); empty without pypinyin."""
    lazy_pinyin = _pinyin()
    if lazy_pinyin is None:
        return []
    grams: list[str] = []
    for run in _CJK.findall(norm_text):
        syllables = lazy_pinyin(run)
        grams.extend(f"@{syllables[i]}_{syllables[i + 1]}" for i in range(len(syllables) - 1))
    return grams


def is_word(token: str) -> bool:
    """A word token (not a character/pinyin bigram or a concept token)."""
    return not token.startswith(("#", "@", "<"))


def _is_content(word: str) -> bool:
    return bool(_CJK.search(word) or _LATIN.fullmatch(word))


def bigrams(norm_text: str) -> list[str]:
    """Character bigrams within each CJK run, prefixed with ``#`` so they never collide with words."""
    grams: list[str] = []
    for run in _CJK.findall(norm_text):
        grams.extend(f"#{run[i : i + 2]}" for i in range(len(run) - 1))
    return grams
