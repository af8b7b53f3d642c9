"""A date input in Chinese: 年 / 月 / 日 selects and a 今天 button, whatever the browser's language.

Gradio's ``gr.DateTime`` picker is English only (month names, "Now", "Done"); this is a ``gr.HTML`` component
(Gradio 6's custom HTML components) whose value is the ISO date ("2025-06-01"), so handlers and the public
API receive the same string as before. Native ``<select>`` elements keep it usable on a phone (the system
wheel) and by keyboard and screen reader (each select is labelled 年/月/日).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import gradio as gr

#: Runs once per component: a change of any select sets the value (the day clamped to the month's length;
#: setting ``props.value`` is what fires the component's ``change``); 今天 sets today's date. Delegated on the
#: root, so re-rendering keeps it working.
DATE_JS = """
const pad = (n) => String(n).padStart(2, '0');
const set = (y, m, d) => {
  const last = new Date(y, m, 0).getDate();
  props.value = `${y}-${pad(m)}-${pad(Math.min(d, last))}`;
};
element.addEventListener('change', (e) => {
  if (!e.target.matches('select')) return;
  const v = (k) => Number(element.querySelector(`select.pqa-date-${k}`).value);
  set(v('y'), v('m'), v('d'));
});
element.addEventListener('click', (e) => {
  if (!e.target.closest('.pqa-date-today')) return;
  const t = new Date();
  set(t.getFullYear(), t.getMonth() + 1, t.getDate());
});
"""

CSS = """
.pqa-date-row { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; }
.pqa-date-row select { padding: 4px 6px; border: 1px solid var(--border-color-primary); border-radius: 4px;
  background: var(--input-background-fill); color: var(--body-text-color); font-size: 14px; }
.pqa-date-today { padding: 4px 8px; border: 1px solid var(--border-color-primary); border-radius: 4px;
  background: var(--button-secondary-background-fill); cursor: pointer; font-size: 13px; }
.pqa-date-label { display: block; font-size: 13px; font-weight: 600; margin-bottom: 4px;
  color: var(--block-title-text-color); }
.pqa-date-info { display: block; font-size: 12px; color: var(--body-text-color-subdued); margin-top: 3px; }
"""


def _options(kind: str, values: Iterable[int], unit: str, start: int, width: int) -> str:
    """One select; each option is marked selected by a template expression on the current value."""
    end = start + width
    options = "".join(
        f"<option value='{v}' ${{Number((value || '').slice({start}, {end})) === {v} ? 'selected' : ''}}>{v}{unit}</option>"
        for v in values
    )
    return f"<select class='pqa-date-{kind}' aria-label='{unit}'>{options}</select>"


def template(label: str, info: str, years: Iterable[int]) -> str:
    return (
        f"<div class='pqa-date' role='group' aria-label='{label}'>"
        f"<span class='pqa-date-label'>{label}</span><div class='pqa-date-row'>"
        + _options("y", years, "年", 0, 4)
        + _options("m", range(1, 13), "月", 5, 2)
        + _options("d", range(1, 32), "日", 8, 2)
        + "<button type='button' class='pqa-date-today'>今天</button></div>"
        + (f"<span class='pqa-date-info'>{info}</span>" if info else "")
        + "</div>"
    )


def year_range(dates: Iterable[date | None], today: date | None = None) -> range:
    """Years a user may want: from a year before the earliest policy date to two years after the latest
    (and today)."""
    today = today or date.today()
    years = [d.year for d in dates if d is not None] + [today.year]
    return range(min(years) - 1, max(years) + 3)


def date_picker(value: date, *, label: str, elem_id: str, years: range, info: str = "") -> gr.HTML:
    """The component; its value is the ISO date string."""
    return gr.HTML(
        value.isoformat(), html_template=template(label, info, years), css_template=CSS, js_on_load=DATE_JS,
        elem_id=elem_id, elem_classes="pqa-date-picker", apply_default_css=True,
    )
