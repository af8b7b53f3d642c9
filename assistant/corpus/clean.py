"""Cleaning a scraped policy page into the policy's own text plus its metadata.

Web scrapes of government notices carry site navigation ("证书查询 | 加入收藏 | 给我留言"), an
author/date line, an "信息来源" line, "相关文章/推荐文章" blocks and a copyright/ICP footer. This module
keeps only the policy's text (preamble through its last clause), normalises half-width punctuation in
Chinese context to the full-width forms the document genre uses, and reads the metadata the page states.
Nothing here is specific to one policy: patterns are for the genre.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from assistant.errors import DataError

# Lines that are site chrome, never policy text.
_BOILERPLATE = [
    re.compile(r"^(证书查询|加入收藏|给我留言|设为首页|网站地图|联系我们)(\s*\|\s*\S+)*\s*$"),
    re.compile(r"^\s*(\S+\s*\|\s*)+\S+\s*$"),  # "a | b | c" navigation bars
    re.compile(r"^作者\s*\S*.*发布时间"),
    re.compile(r"^(信息来源|来源)\s*[:：]"),
    re.compile(r"^(相关文章|推荐文章|上一篇|下一篇|打印本页|关闭窗口|分享到)"),
    re.compile(r"(Copyright|版权所有|ICP备|公网安备|All Rights)", re.IGNORECASE),
    re.compile(r"未经授权不得转载"),
]
# The footer starts at the first of these; everything after it is dropped.
_FOOTER_START = re.compile(r"^(相关文章|推荐文章|Copyright|版权所有)", re.IGNORECASE)
_NOTICE_TITLE = re.compile(r"^关于印发《(?P<title>[^》]+)》的通知$")
_PUBLISHED = re.compile(r"发布(?:时间|日期)\s*[:：]?\s*(\d{4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})")
_SOURCE = re.compile(r"^(?:信息来源|来源)\s*[:：]\s*(?P<source>.+)$")
_VALID_UNTIL = re.compile(r"有效期(?:至|到)\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_EFFECTIVE = re.compile(r"自(?P<what>[^，。,]{1,20}?)(?:之日)?起(?:施行|实施|执行)")
_EFFECTIVE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_INTERPRETER = re.compile(r"由(?P<who>[^，。,由]{2,30}?)负责解释")
_UPSTREAM = re.compile(r"《[^》]{2,80}》")
_REGION = re.compile(r"^(?:上海市)?(?P<region>[\u4e00-\u9fff]{1,4}?(?:新区|区|县|市))")
_ISSUER = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:委员会|人民政府|办公室|局|委)")

_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》"
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
_PUNCT_IN_CJK = re.compile(rf"(?<=[{_CJK}])[,:;()?!]|[,:;()?!](?=[{_CJK}])")


@dataclass(frozen=True)
class CleanedPage:
    """The result of cleaning: the policy text and what the page says about it."""

    text: str
    title: str
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


def normalise_punctuation(line: str) -> str:
    """Half-width , : ; ( ) ? ! next to Chinese text become their full-width forms."""
    return _PUNCT_IN_CJK.sub(lambda m: _HALF_TO_FULL[m.group(0)], line)


def _normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t\u3000]+", " ", line).strip()


def _is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in _BOILERPLATE)


def _date(m: re.Match[str] | None) -> date | None:
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _region_parent(region: str | None, texts: list[str]) -> str | None:
    """'上海市' when the page writes '上海市嘉定区…' somewhere (title or source)."""
    if not region:
        return None
    pattern = re.compile(rf"([\u4e00-\u9fff]{{2,3}}[市省]){re.escape(region)}")
    return next((m.group(1) for t in texts if (m := pattern.search(t))), None)


def clean_page(raw: str) -> CleanedPage:
    """Clean one scraped page. Raises :class:`DataError` when no policy text is left."""
    lines = [_normalise_line(x) for x in raw.splitlines()]
    title: str | None = None
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
        if published is None and (m := _PUBLISHED.search(line)):
            published = _date(m)
            continue
        if m := _NOTICE_TITLE.match(line):
            title = m.group("title")
            continue
        if _is_boilerplate(line):
            continue
        body.append(line)
    # The bare title line repeats the document title; drop it from the body.
    if body and title is None and len(body[0]) <= 60 and not re.search(r"[，。；]", body[0]):
        title = body.pop(0)
    elif body and title is not None and body[0] == title:
        body.pop(0)
    body = [x for x in body if x != title]
    if not body or title is None:
        raise DataError("清洗后没有找到政策正文或标题，请检查原始文本。")
    text = "\n".join(normalise_punctuation(x) for x in body) + "\n"

    effective = _EFFECTIVE.search(text)
    effective_text = effective.group(0) if effective else None
    effective_from: date | None = None
    if effective:
        if "发布" in effective.group("what") or "印发" in effective.group("what"):
            effective_from = published
        else:
            effective_from = _date(_EFFECTIVE_DATE.search(effective.group("what")))
    interpreter = _INTERPRETER.search(text)
    region = _REGION.match(title)
    preamble = text.split("\n", 1)[0]
    issuer_candidates = [interpreter.group("who")] if interpreter else []
    if source:
        issuer_candidates += [s for s in re.split(r"[_|｜\s]", source) if _ISSUER.fullmatch(s)]
    return CleanedPage(
        text=text,
        title=title,
        published=published,
        source=source,
        valid_until=_date(_VALID_UNTIL.search(text)),
        effective_from_text=effective_text,
        effective_from=effective_from,
        interpreter=interpreter.group("who") if interpreter else None,
        region=region.group("region") if region else None,
        region_parent=_region_parent(region.group("region") if region else None, [title, source or ""]),
        issuer=issuer_candidates[0] if issuer_candidates else None,
        upstream=tuple(dict.fromkeys(_UPSTREAM.findall(preamble))),
    )
