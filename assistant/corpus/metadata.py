"""Reading a policy's metadata from its own text: title, issuer, dates, region, upstream documents.

Patterns are for the genre (Chinese local support measures), never for one policy:

- title: "（发文单位）关于印发《…》的通知", else the bare title line at the top;
- issuer: the signature at the end ("…委员会  2026年3月1日", on one line or two), a "发布机构：" line, the
  notice title's prefix, "由…负责解释", or the page's source line — in that order;
- dates: publication from a "发布日期/印发日期" line or the signature; effective date and validity from the
  body in any common form ("自2026年4月1日起施行，有效期至2028年3月31日", "自发布之日起实施",
  "有效期两年" counted from the effective date, "有效期自…至…");
- region from the title or the issuer ("示例新区…"), its parent from any "上海市示例新区" on the page;
- upstream documents: the 《…》 named where the text says why it was made (贯彻/根据/落实…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.corpus.dates import DATE_PATTERN, add_years_inclusive, find_dates, parse_date, years_word

_D = rf"(?P<date>{DATE_PATTERN})"
_FROM_PUBLICATION = re.compile(
    r"自(?:本(?:措施|办法|意见|细则|规定|通知|政策|方案))?(?:发布|印发|公布|颁布)之日起(?:施行|实施|执行|生效)"
)
_FROM_DATE = re.compile(rf"(?:自|于|从)?{_D}起(?:施行|实施|执行|生效|开始施行)")
_PERIOD = re.compile(rf"有效期(?:为)?(?:自|从)?{_D}(?:起)?至(?P<until>{DATE_PATTERN})(?:止)?")
_UNTIL = re.compile(rf"有效期(?:至|到|截至|截止到?){_D}|至(?P<zhi>{DATE_PATTERN})止")
_VALIDITY_SENTENCE = re.compile(
    r"有效期(?:至|到|为|自|从|截|暂定|[\d两一二三四五六七八九十]+年)|本(?:措施|办法|意见|细则|规定|政策|方案|通知)"
)
_YEARS = re.compile(r"有效期(?:为|暂定为?)?(?P<n>[\d两一二三四五六七八九十]{1,3})年")

_ORG_END = r"(?:委员会|人民政府|政府办公室|办公室|办公厅|管理委员会|管委会|局|委|厅|部|中心|署)"
_ORG = re.compile(rf"[\u4e00-\u9fff（）]{{2,30}}{_ORG_END}")
_ORG_LINE = re.compile(rf"^(?:{_ORG.pattern})(?:[ \u3000]+{_ORG.pattern})*$")
_PUBLIC_NOTE = re.compile(r"^[（(]此件.{0,10}[)）]$")
_NOTICE_TITLE = re.compile(r"^(?P<issuer>.{0,40}?)关于印发《(?P<title>[^》]+)》的通知$")
_LABELLED_PUBLISHED = re.compile(rf"(?:发布|印发|成文)(?:时间|日期)\s*[:：]?\s*(?P<date>{DATE_PATTERN})")
_LABELLED_ISSUER = re.compile(r"^(?:发布机构|发文机关|发文单位|发布单位)\s*[:：]\s*(?P<who>\S+)")
_INTERPRETER = re.compile(r"由(?P<who>[^，。,由]{2,30}?)负责解释")
_UPSTREAM = re.compile(r"《[^》]{2,80}》")
_WHY = re.compile(r"贯彻|落实|根据|依据|按照|为进一步|为加快|为推动|为促进|为支持")
_REGION = re.compile(
    r"^(?:(?P<parent>[\u4e00-\u9fff]{2,3}[市省]))?(?P<region>[\u4e00-\u9fff]{1,4}?(?:新区|区|县|市))"
)


@dataclass(frozen=True)
class Validity:
    """The dates a text gives for itself."""

    effective_from: date | None
    effective_from_text: str | None
    """As written: '自发布之日起实施', '自2026年4月1日起施行'."""
    from_publication: bool
    """The text says '自发布之日起…': the effective date is the publication date."""
    valid_until: date | None
    valid_years: int | None
    """N of '有效期N年' when the end date is counted rather than written."""


@dataclass(frozen=True)
class Signature:
    """The issuer/date lines that close a document ('示例区科学技术和经济委员会  2026年3月1日')."""

    issuer: str | None
    signed: date | None
    lines: int
    """How many lines at the end of the body the signature takes."""


def read_validity(text: str, published: date | None) -> Validity:
    """Effective date and end of validity as ``text`` states them.

    Only sentences about the document itself count (those naming 有效期 or 本措施/本办法/…), so a date range
    in an award clause ("2026年1月1日起实施的项目") is never taken for the validity; the last statement wins.
    """
    sentences = [s for s in re.split(r"(?<=[。；;\n])", text) if _VALIDITY_SENTENCE.search(s)]
    effective: date | None = None
    effective_text: str | None = None
    from_publication = False
    until: date | None = None
    years: int | None = None
    for sentence in sentences:
        hits = [(m.start(), name, m) for name, pattern in (("pub", _FROM_PUBLICATION), ("date", _FROM_DATE),
                ("period", _PERIOD)) for m in pattern.finditer(sentence)]
        for _, name, m in sorted(hits, key=lambda h: h[0]):
            effective_text = m.group(0)
            from_publication = name == "pub"
            effective = published if from_publication else parse_date(m.group("date"))
            if name == "period":
                until = parse_date(m.group("until"))
        for m in _UNTIL.finditer(sentence):
            until = parse_date(m.group("date") or m.group("zhi"))
        if (m_years := _YEARS.search(sentence)) is not None:
            years = years_word(m_years.group("n"))
    if until is not None:
        years = None  # an end date written out wins over a counted one
    elif years and effective is not None:
        until = add_years_inclusive(effective, years)
    return Validity(effective, effective_text, from_publication, until, years)


def with_dates(v: Validity, published: date | None, effective_from: date | None) -> Validity:
    """``v`` again after the publication or effective date was supplied: dates counted from them follow."""
    effective = effective_from or (published if v.from_publication else v.effective_from)
    until = v.valid_until
    if v.valid_years and effective is not None:
        until = add_years_inclusive(effective, v.valid_years)
    return Validity(effective, v.effective_from_text, v.from_publication, until, v.valid_years)


def read_signature(lines: list[str]) -> Signature:
    """The issuer and date closing ``lines`` (a document's body), if they are there."""
    issuer: str | None = None
    signed: date | None = None
    taken = 0
    for line in reversed(lines[-4:]):
        text = line.strip()
        if _PUBLIC_NOTE.match(text):
            taken += 1
            continue
        dates = find_dates(text)
        if signed is None and len(dates) == 1 and dates[0].end == len(text.rstrip("印发")):
            head = text[: dates[0].start].strip()
            if head and not _ORG_LINE.match(head):
                break
            signed = dates[0].value
            issuer = _join_orgs(head) if head else issuer
            taken += 1
            continue
        if issuer is None and _ORG_LINE.match(text):
            issuer = _join_orgs(text)
            taken += 1
            continue
        break
    if issuer is None and signed is None:
        return Signature(None, None, 0)
    return Signature(issuer, signed, taken)


def _join_orgs(text: str) -> str:
    return "、".join(part for part in text.replace("\u3000", " ").split() if _ORG.fullmatch(part))


def notice_title(line: str) -> tuple[str, str | None] | None:
    """('title', 'issuer prefix' or None) for a line '（X）关于印发《title》的通知'."""
    m = _NOTICE_TITLE.match(line)
    if not m:
        return None
    prefix = m.group("issuer").strip()
    return m.group("title"), (prefix if prefix and _ORG.fullmatch(prefix) else None)


def labelled_published(line: str) -> date | None:
    m = _LABELLED_PUBLISHED.search(line)
    return parse_date(m.group("date")) if m else None


def labelled_issuer(line: str) -> str | None:
    m = _LABELLED_ISSUER.match(line)
    return m.group("who") if m and _ORG.fullmatch(m.group("who")) else None


def interpreter(text: str) -> str | None:
    m = _INTERPRETER.search(text)
    return m.group("who") if m else None


def issuer_from_source(source: str | None) -> str | None:
    if not source:
        return None
    return next((s for s in re.split(r"[_|｜\s]", source) if _ORG.fullmatch(s)), None)


def read_region(title: str | None, issuer: str | None, texts: list[str]) -> tuple[str | None, str | None]:
    """(region, parent region): '嘉定区' from the title or issuer; '上海市' where the page writes '上海市嘉定区'."""
    region = parent = None
    for candidate in (title, issuer):
        m = _REGION.match(candidate or "")
        if m:
            region, parent = m.group("region"), m.group("parent")
            break
    if region and not parent:
        pattern = re.compile(rf"([\u4e00-\u9fff]{{2,3}}[市省]){re.escape(region)}")
        parent = next((m.group(1) for t in texts if (m := pattern.search(t))), None)
    return region, parent


def read_upstream(body: list[str], title: str | None) -> tuple[str, ...]:
    """The documents named where the text says why it was made (first such line of the body)."""
    own = f"《{title}》" if title else None
    for line in body[:6]:
        if _WHY.search(line) and _UPSTREAM.search(line):
            return tuple(dict.fromkeys(d for d in _UPSTREAM.findall(line) if d != own))
    return ()
