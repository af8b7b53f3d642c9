"""Cleaning a scraped policy page into the policy's own text plus what the page says about it.

Web scrapes of government notices carry site navigation ("证书查询 | 加入收藏 | 给我留言"), an
author/date line, an "信息来源" line, "相关文章/推荐文章" blocks and a copyright/ICP footer. This module
keeps only the policy's text (preamble through its last clause, without the closing signature), normalises
half-width punctuation in Chinese context to the full-width forms the document genre uses, and hands the
page to :mod:`assistant.corpus.metadata` to read title, issuer, dates and region. Nothing here is specific to
one policy: patterns are for the genre.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from assistant.corpus import metadata as md
from assistant.errors import DataError

# Lines that are site chrome, never policy text.
_BOILERPLATE = [
    re.compile(r"^(证书查询|加入收藏|给我留言|设为首页|网站地图|联系我们|无障碍|长者模式)(\s*\|\s*\S+)*\s*$"),
    re.compile(r"^\s*(\S+\s*\|\s*)+\S+\s*$"),  # "a | b | c" navigation bars
    re.compile(r"^作者\s*\S*.*发布时间"),
    re.compile(r"^(信息来源|来源)\s*[:：]"),
    re.compile(r"^(相关文章|推荐文章|上一篇|下一篇|打印本页|关闭窗口|分享到|【打印】|【关闭】|扫一扫)"),
    re.compile(r"^(字号|浏览次数|阅读次数|访问量|索引号|主题分类|发文字号|文号|发布机构|发文机关|发布日期|成文日期)\s*[:：]"),
    re.compile(r"^当前位置\s*[:：>＞]"),
    re.compile(r"^\S+(?:\s*[>＞»]\s*\S+){2,}$"),  # breadcrumbs "首页 > 信息公开 > 文件"
    # The covering notice's own lines: salutation and "现将《…》印发给你们" (not the policy's text).
    re.compile(r"^各[^，。；]{1,40}[：:]$"),
    re.compile(r"^现将《[^》]+》印发给你们"),
    re.compile(r"(Copyright|版权所有|ICP备|公网安备|All Rights)", re.IGNORECASE),
    re.compile(r"未经授权不得转载"),
]
# The footer starts at the first of these; everything after it is dropped.
_FOOTER_START = re.compile(r"^(相关文章|推荐文章|Copyright|版权所有)", re.IGNORECASE)
_SOURCE = re.compile(r"^(?:信息来源|来源)\s*[:：]\s*(?P<source>.+)$")

_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》"
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
_PUNCT_IN_CJK = re.compile(rf"(?<=[{_CJK}])[,:;()?!]|[,:;()?!](?=[{_CJK}])")


@dataclass(frozen=True)
class CleanedPage:
    """The result of cleaning: the policy text and what the page says about it (None where it is silent)."""

    text: str
    title: str | None
    published: date | None
    source: str | None
    valid_until: date | None
    effective_from_text: str | None
    effective_from: date | None
    interpreter: str | None
    region: str | None
    region_parent: str | None
    issuer: str | None
    upstream: tuple[str, ...] = field(default_factory=tuple)
    validity: md.Validity | None = None
    """The validity as read, kept so dates counted from publication follow a supplied date."""
    signature: md.Signature | None = None


def normalise_punctuation(line: str) -> str:
    """Half-width , : ; ( ) ? ! next to Chinese text become their full-width forms."""
    return _PUNCT_IN_CJK.sub(lambda m: _HALF_TO_FULL[m.group(0)], line)


def _normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t\u3000]+", " ", line).strip()


def _is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in _BOILERPLATE)


def clean_page(raw: str) -> CleanedPage:
    """Clean one scraped page. Raises :class:`DataError` when no policy text is left."""
    lines = [_normalise_line(x) for x in raw.splitlines()]
    title: str | None = None
    notice_issuer: str | None = None
    labelled_issuer: str | None = None
    source: str | None = None
    published: date | None = None
    body: list[str] = []
    for line in lines:
        if not line:
            continue
        if _FOOTER_START.search(line):
            break
        if m := _SOURCE.match(line):
            source = m.group("source").strip()
            continue
        if published is None and (found := md.labelled_published(line)):
            published = found
            continue
        if who := md.labelled_issuer(line):
            labelled_issuer = labelled_issuer or who
            continue
        if notice := md.notice_title(line):
            title, notice_issuer = notice
            continue
        if _is_boilerplate(line):
            continue
        body.append(line)
    # The bare title line repeats the document title; drop it from the body.
    if body and title is None and len(body[0]) <= 60 and not re.search(r"[，。；]", body[0]):
        title = body.pop(0)
    body = [x for x in body if x != title]
    signature = md.read_signature(body)
    if signature.lines:
        body = body[: -signature.lines]
    if not body:
        raise DataError("清洗后没有找到政策正文，请检查原始文本。")
    text = "\n".join(normalise_punctuation(x) for x in body) + "\n"

    # The document's own date (its signature) wins over a page's posting date (reposts carry their own).
    published = signature.signed or published
    validity = md.read_validity(text, published)
    who = md.interpreter(text)
    issuer = signature.issuer or labelled_issuer or notice_issuer or who or md.issuer_from_source(source)
    texts = [t for t in (title, source, issuer, *lines) if t]
    region, parent = md.read_region(title, issuer, texts)
    return CleanedPage(
        text=text,
        title=title,
        published=published,
        source=source,
        valid_until=validity.valid_until,
        effective_from_text=validity.effective_from_text,
        effective_from=validity.effective_from,
        interpreter=who,
        region=region,
        region_parent=parent,
        issuer=issuer,
        upstream=md.read_upstream(body, title),
        validity=validity,
        signature=signature,
    )
