"""The app in a real browser (Playwright driving Debian's Chromium): chat with slot filling, citations,
feedback into SQLite and the staff log page behind its login, calculator, hotline search, and HTML/script
rendered inert.

One app process and one browser for the whole module; screenshots of each tab go to artifacts/.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "artifacts"
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium missing: install with `bash .ci/browser-deps`"),
]

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def page(running_app) -> Iterator:  # noqa: ANN001 - fixture
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        pg = browser.new_page(viewport={"width": 1366, "height": 960}, locale="zh-CN")
        pg.set_default_timeout(TIMEOUT_MS)
        pg.goto(running_app.url)
        pg.wait_for_selector("#chat-input textarea")
        yield pg
        browser.close()


def _tab(page, name: str) -> None:  # noqa: ANN001
    page.get_by_role("tab", name=name).click()


def _bot_messages(page):  # noqa: ANN001, ANN202
    return page.locator("#chatbot .pqa-answer")


def _ask(page, text: str) -> str:  # noqa: ANN001
    """Send one message and wait for the assistant's answer to it; return the whole last message HTML text."""
    before = _bot_messages(page).count() + page.locator("#chatbot .pqa-error").count()
    box = page.locator("#chat-input textarea")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#chatbot .pqa-answer, #chatbot .pqa-error').length > n", arg=before
    )
    return page.locator("#chatbot .pqa-answer").last.inner_text()


def _choose(page, elem_id: str, option: str) -> None:  # noqa: ANN001
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def _shot(page, name: str) -> None:  # noqa: ANN001
    page.screenshot(path=str(ARTIFACTS / f"tab-{name}.png"), full_page=True)


def test_three_turn_award_question_with_citation_and_feedback(page, running_app) -> None:  # noqa: ANN001
    _tab(page, "政策咨询")
    first = _ask(page, "我们有个标杆示范项目，想问能补多少")
    assert "区级" in first and "市级" in first  # asks for the level
    second = _ask(page, "市级的")
    assert "已投入金额" in second  # then for the invested amount
    third = _ask(page, "已投入800万元")
    assert "240万元" in third
    last = page.locator("#chatbot .message-row, #chatbot .message").last
    answer_block = page.locator("#chatbot .pqa-trace").last
    assert "240万元" in answer_block.inner_text() and "第5条" in answer_block.inner_text()

    # The citation 第5条 expands to the clause text with its path.
    # (the chat's sanitiser drops data-* attributes, so find the item by its label)
    cite = page.locator("#chatbot details.pqa-cite").filter(has=page.locator("summary", has_text="第5条")).last
    assert cite.get_attribute("open") is None
    cite.locator("summary").click()
    expect_open = cite.get_attribute("open")
    assert expect_open is not None
    assert "标杆示范项目" in cite.locator(".pqa-cite-text").inner_text()
    assert "支持范围及标准" in cite.locator(".pqa-cite-path").inner_text()
    assert last.is_visible()

    # Feedback: 没用 + 金额错误 + a comment, stored with the exchange.
    page.locator("#fb-verdict").get_by_text("没用", exact=True).click()
    _choose(page, "fb-reason", "金额错误")
    page.locator("#fb-comment textarea").fill("浏览器测试：<b>金额</b>")
    page.locator("#fb-send").click()
    page.wait_for_selector("#fb-status .pqa-ok")
    _shot(page, "政策咨询")

    with sqlite3.connect(running_app.db_path) as conn:
        row = conn.execute(
            "SELECT e.question, e.amount_yuan, e.citations, e.trace, e.as_of, f.helpful, f.reason, f.comment "
            "FROM feedback f JOIN exchanges e ON e.id = f.exchange_id ORDER BY f.id DESC LIMIT 1"
        ).fetchone()
    question, amount, citations, trace, as_of, helpful, reason, comment = row
    assert question == "已投入800万元" and amount == 2_400_000
    assert '"clause_id": "5"' in citations and "240" in trace and as_of
    assert helpful == 0 and reason == "金额错误" and comment == "浏览器测试：<b>金额</b>"


def test_html_and_script_in_a_message_render_inert(page) -> None:  # noqa: ANN001
    _tab(page, "政策咨询")
    payload = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b id="inj">粗体</b>'
    _ask(page, payload)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#chatbot img[src='x']").count() == 0
    assert page.locator("#chatbot #inj").count() == 0
    assert "<script>window.__pwned=1</script>" in page.locator("#chatbot .pqa-user").last.inner_text()


def test_log_tab_needs_the_staff_login_then_finds_the_feedback(page, running_app) -> None:  # noqa: ANN001
    # The public page has no 记录 tab at all.
    _tab(page, "政策咨询")
    assert page.get_by_role("tab", name="记录").count() == 0
    staff = page.context.browser.new_page(viewport={"width": 1366, "height": 960}, locale="zh-CN")  # own cookies
    staff.set_default_timeout(TIMEOUT_MS)
    staff.goto(running_app.url + "staff/")
    staff.locator("input[type=password]").wait_for()
    assert staff.locator("#log-table").count() == 0
    staff.locator("input[data-testid=textbox]").fill(running_app.staff[0])
    staff.locator("input[type=password]").fill(running_app.staff[1] + "-wrong")
    staff.locator("button.primary").click()
    staff.wait_for_timeout(1500)
    assert staff.locator("#log-table").count() == 0  # still the login form
    staff.locator("input[data-testid=textbox]").fill(running_app.staff[0])  # the form clears itself
    staff.locator("input[type=password]").fill(running_app.staff[1])
    staff.locator("button.primary").click()
    staff.locator("#log-table").wait_for()

    _choose(staff, "log-reason", "金额错误")
    staff.locator("#log-refresh").click()
    staff.wait_for_function(
        "() => document.querySelector('#log-table').innerText.includes('已投入800万元')"
    )
    table_text = staff.locator("#log-table").inner_text()
    assert "金额错误" in table_text and "240万元" in table_text
    assert "二级节点" not in table_text  # filtered by reason
    with sqlite3.connect(running_app.db_path) as conn:
        exchange_id = conn.execute("SELECT exchange_id FROM feedback WHERE reason = '金额错误'").fetchone()[0]
    staff.locator("#log-open-id input").fill(str(exchange_id))
    staff.locator("#log-open").click()
    detail = staff.locator("#log-detail .pqa-exchange")
    detail.wait_for()
    assert "240万元" in detail.inner_text() and "浏览器测试：<b>金额</b>" in detail.inner_text()
    staff.locator("#log-export").click()
    staff.locator("#log-file").get_by_text(".csv").first.wait_for()
    _shot(staff, "记录")
    staff.close()


def test_calculator_tab(page) -> None:  # noqa: ANN001
    _tab(page, "计算器")
    page.locator("#calc-pick").get_by_text(re.compile(r"^第5条")).click()
    form = page.locator(".pqa-calc-form:visible")
    form.get_by_text("推广工业互联网创新应用及标杆建设").first.wait_for()
    form.get_by_label("市级", exact=True).check()
    amount = page.locator("#calc-5-invested_yuan textarea, #calc-5-invested_yuan input").first
    amount.fill("很多钱")
    form.locator(".pqa-calc-run").click()
    form.locator(".pqa-error").last.wait_for()
    assert "无法识别金额" in form.locator(".pqa-error").last.inner_text()
    amount.fill("2000万")
    form.locator(".pqa-calc-run").click()
    form.locator(".pqa-amount").last.wait_for()
    result = form.locator(".pqa-calc-result").last.inner_text()
    assert "500万元" in result and "第5条" in result
    _shot(page, "计算器")


def test_hotline_search_and_standard_reply(page) -> None:  # noqa: ANN001
    _tab(page, "热线查询")
    box = page.locator("#search-input textarea, #search-input input").first
    box.fill("二级节点")
    box.press("Enter")
    first = page.locator("#search-results .pqa-hit").first
    first.wait_for()
    assert first.get_attribute("data-clause") == "6"
    assert first.locator("mark").count() >= 1
    assert "有效" in first.inner_text() or "过期" in first.inner_text()
    reply = page.locator("#std-reply textarea")
    page.wait_for_function("() => document.querySelector('#std-reply textarea').value.includes('第6条')")
    assert "200万元" in reply.input_value()
    page.get_by_text("政策全文（按章节浏览）").click()
    page.locator('details.pqa-tree-node[data-clause="二"]').first.wait_for()
    _shot(page, "热线查询")
