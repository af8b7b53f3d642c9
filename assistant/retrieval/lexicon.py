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
"""

from __future__ import annotations

import logging
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
    # English
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
        return self.tokens(expand_query(normalise(query)))


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
