"""Structured pastes read as sentences: form fields, tables, lists and markdown a user copies into the chat.

People paste what they already have — an application form's fields ("已投入金额（万元）：600"), a row of a
spreadsheet under its header ("项目|级别|投资额(万元)" / "智能工厂|市级|600"), a numbered memo, markdown. The reader
reads sentences, so before the message's whitespace is collapsed each structured line becomes one: a field
becomes "label：value。", a table row becomes its cells under their headers, a unit given once in a label or
header ("（万元）") goes with each bare number under it, a yes/no field ("是否要求地方配套：否") becomes the statement
it answers ("不要求地方配套"), and an empty field ("预计补助：" / "—" / "待定") is dropped — it says nothing.

Ordinary lines are left as they are. The words (empty markers, yes/no values, unit brackets, list bullets) are
the genre's data (``genre.yaml``: ``paste_*``), not code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from assistant.nlu.numerals import small_int

T = TypeVar("T")

#: A table's column separators (read before NFKC: full-width ones too).
_CELLS = re.compile(r"\s*[|｜\t]\s*")
#: A markdown table's rule line ("---|:---:|---").
_RULE = re.compile(r"^[\s|｜:：\-—－=+]*$")
#: A label and its value: "认定级别：市级", "投资额(万元)=600", "\"级别\": \"市级\"," (JSON-ish).
_FIELD = re.compile(r"^[\"'“”]?(?P<label>[^：:=＝\"'“”]{1,24}?)[\"'“”]?\s*(?P<mark>[：:=＝])\s*(?P<value>.*?)[,，;；]?$")
#: Markdown emphasis, heading and quote marks; JSON braces.
_MARKUP = re.compile(r"\*\*|__|^#{1,6}\s*|^>\s*|^[{}\[\]]\s*,?$")
#: Sentence-final punctuation: a structured line that has none gets a full stop.
_ENDS = "。！？!?；;"
_NUMBER = re.compile(r"^[¥￥]?\s*[\d０-９][\d０-９,，]*([.．][\d０-９]+)?$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class PasteWords:
    """The genre's patterns for structured pastes."""

    bullet: re.Pattern[str]
    """A list marker opening a line ("- ", "1. ", "①", "(2)")."""
    empty: re.Pattern[str]
    """A value that says nothing ("", "—", "（空）", "待定", "？")."""
    yes: re.Pattern[str]
    """A yes/no field's yes ("是", "有", "√")."""
    no: re.Pattern[str]
    """A yes/no field's no ("否", "无", "×")."""
    unit: re.Pattern[str]
    """A unit in brackets in a label or header ("（万元）"); group ``unit`` is the unit."""
    asks_whether: re.Pattern[str]
    """The yes/no word of a label ("是否", "有无"): what is before and after it is the statement."""
    row_pick: re.Pattern[str]
    """A row of the paste picked by its place ("只问第2行", "第一条记录"); group ``n`` is the place."""
    intro: re.Pattern[str]
    """A label with nothing after its colon that introduces the lines below ("投资明细：", "…，这么列的：")."""


def _is_table_line(line: str) -> bool:
    return bool(re.search(r"[|｜\t]", line.strip().strip("|｜")))


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _CELLS.split(line.strip().strip("|｜").strip())]


def _with_unit(label: str, value: str, words: PasteWords) -> tuple[str, str]:
    """A label's bracketed unit moved onto a bare number ("投资额（万元）", "600" → "投资额", "600万元")."""
    unit = words.unit.search(label)
    if unit is None:
        return label, value
    bare = words.unit.sub("", label).strip()
    if _NUMBER.match(value):
        return bare, f"{value.lstrip('¥￥').strip()}{unit.group('unit')}"
    return bare, value


def _yes_no(label: str, value: str, words: PasteWords) -> str | None:
    """A field answered yes or no as the statement it answers, else None: "上级是否要求地方配套：否" → "上级不要求地方配套",
    "配套要求：无" → "无配套要求", "已事前备案：是" → "已事前备案"."""
    yes, no = words.yes.fullmatch(value), words.no.fullmatch(value)
    if not (yes or no):
        return None
    ask = words.asks_whether.search(label)
    if ask is not None:
        return f"{label[: ask.start()]}{'' if yes else '不'}{label[ask.end():]}"
    if label.startswith("已"):
        return label if yes else f"未{label[1:]}"
    return f"{'有' if yes else '无'}{label}"


def _field(label: str, value: str, words: PasteWords) -> str | None:
    """One field as a clause, or None when its value is empty."""
    label, value = label.strip(), value.strip().strip("\"'“”").strip()
    if words.empty.fullmatch(value):
        return None
    label, value = _with_unit(label, value, words)
    if label and (statement := _yes_no(label, value, words)) is not None:
        return statement
    return f"{label}：{value}" if label else value


def _sentence(clause: str) -> str:
    return clause if clause.endswith(tuple(_ENDS)) else clause + "。"


def _only_picked(seq: list[T], pick: int | None) -> list[T]:
    """The one element of several picked by its place (from 1: "只问第2行那个"), else all of them."""
    return [seq[pick - 1]] if pick is not None and 1 <= pick <= len(seq) and len(seq) > 1 else seq


def _listed(line: str, words: PasteWords) -> bool:
    """The line is an item of a list ("1. 嘉禾机电 智能工厂 投资400万"), once its markup is taken off."""
    return bool(words.bullet.match(_MARKUP.sub("", line.strip()).strip()))


def _table(lines: list[str], words: PasteWords, pick: int | None) -> list[str]:
    """A header line and its rows: each row as its fields under the header's labels; with ``pick`` (a row the message
    asks about by its place, from 1), that row only."""
    header = _cells(lines[0])
    out = []
    # "只问第2行那个": the other rows are not asked about
    for line in _only_picked([line for line in lines[1:] if not _RULE.match(line)], pick):
        cells = _cells(line)
        fields = [f for h, c in zip(header, cells, strict=False) if (f := _field(h, c, words))]
        if fields:
            out.append(_sentence("，".join(fields)))
    return out or [" ".join(header)]


def _picked_row(lines: list[str], words: PasteWords) -> int | None:
    """The place of the row a line outside the table picks ("先看第1行能补多少"), else None."""
    for line in lines:
        m = None if _is_table_line(line) or _listed(line, words) else words.row_pick.search(line)
        if m is not None:
            return small_int(m.group("n"))
    return None


def _line(line: str, words: PasteWords) -> tuple[str, bool]:
    """A line without its markup and bullet, as a field clause when it is one (ending "；" — the fields of one
    block are clauses of one sentence, "设备：420万元；软件：130万元；合计：550万元。"); whether it was structured."""
    bare = _MARKUP.sub("", line.strip()).strip()
    marked = bare != line.strip()
    listed = words.bullet.match(bare)
    if listed:
        bare, marked = bare[listed.end():].strip(), True
    if not bare:
        return "", True
    field = _FIELD.match(bare)
    # ("df = pd.read_excel(...)": an "=" is a field's only between words of a form)
    if field and not re.search(r"[？?]", field.group("label")) and (
            field.group("mark") in "：:" or _CJK.search(field.group("label"))):
        if not field.group("value").strip() and words.intro.search(field.group("label")):
            return f"{field.group('label').strip()}：", True  # ("«item»项目，投资明细："): runs into what it introduces
        clause = _field(field.group("label"), field.group("value"), words)
        if clause and re.search(r"[，,。！!？?]", field.group("value").rstrip("。；;，,！!？? ")):
            return _sentence(clause), True  # a field that is a sentence of its own ("系统提示：…，请按…计算")
        return (clause.rstrip("。；;") + "；" if clause else ""), True
    return (_sentence(bare) if marked else bare), marked


def _record(data: dict[Any, Any], words: PasteWords) -> str:
    fields = [f for k, v in data.items() if isinstance(v, str | int | float) and (f := _field(str(k), str(v), words))]
    return "".join(_sentence(f) for f in fields)  # one sentence each: an order in one field stays in its own


def _json_records(text: str, words: PasteWords, pick: int | None) -> str | None:
    """A JSON object or list of objects pasted from a system ("{\"级别\": \"市级\", …}") as its fields, the picked
    record only when one is picked; None when it is not JSON."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    records = [data] if isinstance(data, dict) else data if isinstance(data, list) else []
    return "".join(_record(r, words) for r in _only_picked([r for r in records if isinstance(r, dict)], pick)) or None


def flatten_paste(text: str, words: PasteWords) -> str:
    """``text`` with its structured lines (fields, tables, lists, markdown, JSON) rewritten as sentences; a message of
    one line, or with no structured line, comes back unchanged. A row or list item the message picks by its place
    ("只问第2行那个", "我们是第3个") is the only one read."""
    lines = [line for line in text.splitlines() if line.strip()]
    pick = _picked_row(lines, words)
    obj = re.match(r"\s*([{\[].*[}\]])", text, re.S)
    if obj and (fields := _json_records(obj.group(1), words, pick)) is not None:
        text = fields + "\n" + text[obj.end():]
        lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        # one line of cells ("上海市智能工厂|已授牌|投资700万"): the cells are clauses of one sentence
        return "，".join(_cells(text)) if len(lines) == 1 and _is_table_line(lines[0]) else text
    items = [i for i, line in enumerate(lines) if _listed(line, words)]
    if not any(map(_is_table_line, lines)):
        kept = _only_picked(items, pick)  # "我们是第3个": the other items of the list are not asked about
        lines = [line for i, line in enumerate(lines) if i not in items or i in kept]
    out: list[str] = []
    structured = False
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _is_table_line(lines[j]):
            j += 1
        if j - i >= 2:  # a header and at least one row
            out += _table(lines[i:j], words, pick)
            structured, i = True, j
            continue
        clause, marked = _line(lines[i], words)
        structured = structured or marked
        if clause:
            out.append(clause)
        i += 1
    if not structured:
        return text
    # the last field of a block ends its sentence
    return "\n".join(c[:-1] + "。" if c.endswith("；") and (k + 1 == len(out) or not out[k + 1].endswith("；")) else c
                     for k, c in enumerate(out))
