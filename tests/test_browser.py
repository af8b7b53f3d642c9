"""The app in a real browser (Playwright driving Debian's Chromium), as an enterprise user and a hotline operator
use it, at desktop and phone size: answers rendered from their parts, option buttons completing a slot,
feedback bound to the message it was given on, the trash button and 新对话 resetting the conversation, copy
giving plain text, the phone layout, everything in Chinese, the hotline (relevant hits, a click loads the
答复口径), the 政策匹配 cards, the calculator, HTML/script rendered inert, and the staff log behind its login.

One app process and one browser for the whole module; each test takes a screenshot to
artifacts/screenshots/ (gitignored) — look at them.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import REPO_ROOT
from assistant.logstore import MAX_COMMENT_CHARS

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
TIMEOUT_MS = 60_000
DESKTOP = {"width": 1366, "height": 960}
PHONE = {"width": 390, "height": 844}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium missing: install with `bash .ci/browser-deps`"),
]

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser(running_app) -> Iterator[Any]:  # noqa: ANN001 - fixture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def _open(browser: Any, url: str, viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN", permissions=["clipboard-read", "clipboard-write"],
                                  **options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector("#chat-input textarea")
    return page


@pytest.fixture(scope="module")
def page(browser, running_app) -> Iterator[Any]:  # noqa: ANN001
    pg = _open(browser, running_app.url)
    yield pg
    pg.context.close()


def _tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _answers(page: Any) -> Any:
    return page.locator("#chatbot .pqa-reply")


def _wait_answers(page: Any, n: int) -> str:
    page.wait_for_function("n => document.querySelectorAll('#chatbot .pqa-reply, #chatbot .pqa-error').length >= n",
                           arg=n)
    return _answers(page).last.inner_text()


def _ask(page: Any, text: str) -> str:
    """Send one message and wait for the answer to it; return its text as shown."""
    before = page.locator("#chatbot .pqa-reply, #chatbot .pqa-error").count()
    box = page.locator("#chat-input textarea")
    box.fill(text)
    box.press("Enter")
    return _wait_answers(page, before + 1)


def _new_chat(page: Any) -> None:
    """新对话, and wait until the server has answered (it clears the input box too)."""
    _tab(page, "政策咨询")
    page.locator("#chat-input textarea").fill("…")
    page.locator("#new-chat").click()
    page.wait_for_function("() => document.querySelectorAll('#chatbot .message-row').length === 0 "
                           "&& document.querySelector('#chat-input textarea').value === ''")


def _buttons_of_answer(page: Any, i: int) -> Any:
    """The button row (copy, 踩, 赞) under the i-th answer (0-based)."""
    return page.locator("#chatbot .message-buttons-left").nth(i)


def _shot(page: Any, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _db(running_app: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(running_app.db_path) as conn:
        return conn.execute(sql, params).fetchall()


def _exchange_id(running_app: Any, question: str) -> int:
    return int(_db(running_app, "SELECT id FROM exchanges WHERE question = ? ORDER BY id DESC LIMIT 1", question)[0][0])


# -- chat ------------------------------------------------------------------------------------------


def test_option_buttons_complete_the_slot_and_the_answer_comes_from_its_parts(page) -> None:  # noqa: ANN001
    _new_chat(page)
    first = _ask(page, "我们有个标杆示范项目，想问能补多少")
    assert "区级" in first and "市级" in first
    options = page.locator("#chatbot button.option")
    assert options.all_inner_texts()[:3] == ["区级", "市级", "国家级"]
    options.filter(has_text=re.compile("^市级$")).click()
    second = _wait_answers(page, 2)
    assert "已投入金额" in second  # the level slot is complete: the next question
    assert page.locator("#chatbot .pqa-user").last.inner_text().strip() == "市级"  # sent as the user's message
    assert page.locator("#chatbot button.option").count() == 0  # the buttons belonged to the question
    third = _ask(page, "已投入800万元")
    answer = _answers(page).last
    assert answer.locator(".pqa-headline").inner_text() == "按第5条，最高可获资助240万元。"
    assert answer.locator(".pqa-headline strong").inner_text() == "240万元"
    assert answer.locator("ol li").count() == 2 and answer.locator("table").count() == 0  # the steps once
    assert third.count("已过期") <= 1 and answer.locator(".pqa-banner").count() == 0
    assert answer.locator("details.pqa-notes").get_attribute("open") is None  # 申报须知 folded
    cards = answer.locator(":scope > .pqa-basis > details.pqa-cite")  # the primary ones, not the notes'
    assert 1 <= cards.count() <= 3 and cards.first.locator("summary").inner_text().startswith("第5条")
    cards.first.locator("summary").click()
    assert cards.first.get_attribute("open") is not None
    assert "标杆示范项目" in cards.first.locator(".pqa-cite-text").inner_text()
    assert "支持范围及标准" in cards.first.locator(".pqa-cite-path").inner_text()
    assert "测算日" in third  # the answer states the date it used
    _shot(page, "chat-options-and-answer")


def _status_has(page: Any, text: str) -> None:
    page.wait_for_function("t => document.querySelector('#fb-status').innerText.includes(t)", arg=text)


def test_feedback_is_bound_to_the_message_it_is_given_on(page, running_app) -> None:  # noqa: ANN001
    _new_chat(page)
    _ask(page, "贯标通过了给多少？")
    _ask(page, "二级节点给多少")
    first, second = _exchange_id(running_app, "贯标通过了给多少？"), _exchange_id(running_app, "二级节点给多少")
    before = _db(running_app, "SELECT COUNT(*) FROM feedback")[0][0]

    def rows() -> list[tuple[Any, ...]]:
        return _db(running_app, "SELECT id, exchange_id, helpful, reason, comment FROM feedback ORDER BY id")[before:]

    # 没用 on the FIRST answer while the second is the latest: logged at the click, and the panel opens for it.
    _buttons_of_answer(page, 0).get_by_role("button", name="踩（没用）").click()
    panel = page.locator("#fb-send")  # the panel's own button: visible while the panel is open
    panel.wait_for(state="visible")
    _status_has(page, "第1条答复没用")
    assert "第1条答复" in page.locator("#fb-head").inner_text() and "第2条" in page.locator("#fb-head").inner_text()
    [(record, *judged)] = rows()
    assert judged == [first, 0, None, None]
    # The comment box stops at the limit; a longer one forced past it is refused and the panel stays open.
    comment = page.locator("#fb-comment textarea")
    assert comment.get_attribute("maxlength") == str(MAX_COMMENT_CHARS)
    comment.evaluate("(t, n) => { t.value = '长'.repeat(n); t.dispatchEvent(new Event('input', {bubbles: true})); }",
                     MAX_COMMENT_CHARS + 1)
    page.locator("#fb-send").click()
    _status_has(page, "过长")
    assert panel.is_visible() and rows() == [(record, first, 0, None, None)]
    # The reason and comment go into the same record.
    page.locator("#fb-reason").get_by_text("金额错误", exact=True).click()
    comment.fill("浏览器测试：<b>第一条</b>")
    page.locator("#fb-send").click()
    page.wait_for_selector("#fb-status .pqa-ok")
    _status_has(page, "第1条答复的意见")
    panel.wait_for(state="hidden")
    assert rows() == [(record, first, 0, "金额错误", "浏览器测试：<b>第一条</b>")]  # updated, not added
    # 有用 on the second answer: written at once, for the second exchange.
    _buttons_of_answer(page, 1).get_by_role("button", name="赞（有用）").click()
    _status_has(page, "第2条答复有用")
    assert rows()[1:] == [(rows()[1][0], second, 1, None, None)]
    # Clicking it again takes it back (the record goes); once more is again one record, not a duplicate.
    _buttons_of_answer(page, 1).get_by_role("button", name="已赞（有用）").click()
    _status_has(page, "已撤销")
    assert [r[1] for r in rows()] == [first]
    _buttons_of_answer(page, 1).get_by_role("button", name="赞（有用）").click()
    _status_has(page, "第2条答复有用")
    assert [r[1:] for r in rows()] == [(first, 0, "金额错误", "浏览器测试：<b>第一条</b>"), (second, 1, None, None)]
    # The thumbs stay on their own answers when the chat moves on; the new answer has none.
    _ask(page, "规上企业奖励多少")
    _buttons_of_answer(page, 0).get_by_role("button", name="已踩（没用）").wait_for()
    _buttons_of_answer(page, 1).get_by_role("button", name="已赞（有用）").wait_for()
    assert _buttons_of_answer(page, 2).get_by_role("button", name=re.compile("^已")).count() == 0
    # A panel left open does not carry over to the next answer: its 没用 stays, without a reason.
    _buttons_of_answer(page, 2).get_by_role("button", name="踩（没用）").click()
    panel.wait_for(state="visible")
    _ask(page, "贯标通过了给多少？")
    panel.wait_for(state="hidden")
    third = _exchange_id(running_app, "规上企业奖励多少")
    assert [r[1:] for r in rows()][2:] == [(third, 0, None, None)]
    _shot(page, "chat-feedback")


def test_trash_button_and_new_chat_reset_the_conversation_on_the_server(page) -> None:  # noqa: ANN001
    for how in ("trash", "新对话"):
        _new_chat(page)
        asked = _ask(page, "我们有个市级标杆示范项目，想问能补多少")
        assert "已投入金额" in asked
        page.locator("#chat-input textarea").fill("…")
        if how == "trash":
            page.locator("#chatbot").get_by_role("button", name="清空对话（重新开始）").click()
        else:
            page.locator("#new-chat").click()
        page.wait_for_function("() => document.querySelectorAll('#chatbot .message-row').length === 0 "
                               "&& document.querySelector('#chat-input textarea').value === ''")
        after = _ask(page, "已投入800万元")  # in the old conversation this would be 240万元
        assert "240万元" not in after and "认定为哪一级" in after, how
        assert "闲置" not in page.locator("#chatbot").inner_text()  # a reset, not an expired session
    _shot(page, "chat-after-reset")


def test_copy_gives_plain_text_and_screen_readers_get_text(page) -> None:  # noqa: ANN001
    _new_chat(page)
    _ask(page, "已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？")
    copy = _buttons_of_answer(page, 0).get_by_role("button", name="复制")
    assert copy.get_attribute("title") == "复制"  # the tooltip in Chinese
    copy.click()
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t.length > 0)")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("按第1条，最高可获资助200万元。\n") and "测算日" in copied
    assert "<" not in copied and "pqa-" not in copied
    assert "计算过程：\n- 项目实际投资800万元×30%=240万元" in copied
    label = page.locator('#chatbot [data-testid="bot"]').last.get_attribute("aria-label")
    assert label.startswith("助手答复：按第1条，最高可获资助200万元。") and "<" not in label
    user = page.locator('#chatbot [data-testid="user"]').last.get_attribute("aria-label")
    assert user == "您的消息：已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？"
    assert page.locator("#chatbot [role=log]").get_attribute("aria-label") == "对话记录"


def test_html_and_script_in_a_message_render_inert(page) -> None:  # noqa: ANN001
    _new_chat(page)
    payload = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b id="inj">粗体</b>'
    _ask(page, payload)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#chatbot img[src='x']").count() == 0
    assert page.locator("#chatbot #inj").count() == 0
    assert "<script>window.__pwned=1</script>" in page.locator("#chatbot .pqa-user").last.inner_text()


def test_everything_in_chinese_and_the_header_follows_the_date(page) -> None:  # noqa: ANN001
    _new_chat(page)
    _ask(page, "贯标通过了给多少？")
    english = re.compile(r"\b(Copy|Copied|Like|Liked|Dislike|Disliked|Clear|January|Today|Now|Done|Submit)\b")
    labels = page.evaluate("() => Array.from(document.querySelectorAll('[aria-label], [title]'))"
                           ".map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || ''))")
    assert not [x for x in labels if english.search(x)]
    assert not english.search(page.locator("#tab-chat").inner_text())
    picker = page.locator("#as-of")
    assert picker.locator("select.pqa-date-m option").first.inner_text() == "1月"
    assert picker.get_by_role("button", name="今天").count() == 1
    header = page.locator(".pqa-header")
    assert "已过期" in header.inner_text()  # today (after 2025-12-31)
    picker.locator("select.pqa-date-y").select_option("2025")
    picker.locator("select.pqa-date-m").select_option("6")
    picker.locator("select.pqa-date-d").select_option("1")
    page.wait_for_selector('.pqa-policies[data-as-of="2025-06-01"]')
    assert "有效" in header.locator(".pqa-tag").first.inner_text() and "已过期" not in header.inner_text()
    answer = _ask(page, "贯标通过了给多少？")
    assert "测算日：2025年6月1日" in answer and "已过期" not in answer  # the answer used the chosen date
    _shot(page, "chat-in-force-date")
    picker.get_by_role("button", name="今天").click()
    page.wait_for_function("() => document.querySelector('.pqa-header').innerText.includes('已过期')")


def test_phone_shows_the_input_and_examples_without_scrolling(browser, running_app) -> None:  # noqa: ANN001
    phone = _open(browser, running_app.url, PHONE, is_mobile=True, has_touch=True)
    try:
        _shot(phone, "phone-first-screen", full_page=False)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
        for selector in ("#chat-input textarea", "#chat-send", ".pqa-examples button"):
            box = phone.locator(selector).first.bounding_box()
            assert box and box["y"] + box["height"] <= PHONE["height"], selector
        empty = phone.locator("#chatbot").bounding_box()
        assert empty and empty["height"] < 250  # no empty 600 px box
        _ask(phone, "已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？")
        answer = phone.locator("#chatbot .pqa-reply").last.bounding_box()
        assert answer and answer["height"] <= 560  # a short answer on a phone: it fits on the screen
        box = phone.locator("#chat-input textarea").bounding_box()
        assert box and box["y"] + box["height"] <= PHONE["height"]  # the input is still on the first screen
        _shot(phone, "phone-answer", full_page=False)
    finally:
        phone.context.close()


# -- hotline, match, calculator ---------------------------------------------------------------------


def test_hotline_shows_relevant_hits_and_a_click_loads_the_standard_reply(page) -> None:  # noqa: ANN001
    _tab(page, "热线查询")
    box = page.locator("#search-input textarea, #search-input input").first
    box.fill("今天上海天气怎么样")
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#search-results').innerText.includes('没有找到')")
    assert page.locator("#search-results .pqa-hit").count() == 0  # nothing relevant: no six nearest clauses
    box.fill("项目资助额度不超过多少")
    box.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#search-results .pqa-hit').length > 0")
    hits = page.locator("#search-results .pqa-hit")
    keys = [hits.nth(i).get_attribute("data-clause") for i in range(hits.count())]
    assert 1 <= len(keys) < 8 and not set(keys) & {"二", "三", "二（一）", "二（二）", "二（三）"}  # no bare headings
    reply = page.locator("#std-reply textarea")
    page.wait_for_function("() => document.querySelector('#std-reply textarea').value.length > 0")
    target = hits.nth(1) if len(keys) > 1 else hits.nth(0)
    label = target.locator(".pqa-hit-label").inner_text()
    target.click()
    page.wait_for_function("l => document.querySelector('#std-reply textarea').value.startsWith(l)", arg=label)
    text = reply.input_value()
    assert text.splitlines()[-1].startswith("依据：") and len(text) <= 400
    # The tree, before the date changes (a date change re-renders it; see the note on the tree below).
    page.get_by_text("政策全文（按章节浏览").click()
    page.locator('#tree details.pqa-tree-node[data-clause="二（二）"] > summary').click()
    node = page.locator('#tree details.pqa-tree-node[data-clause="6"] > summary')
    assert node.inner_text() == "第6条 推进标识解析体系"  # the number once
    node.click()
    page.wait_for_function("() => document.querySelector('#std-reply textarea').value.startsWith('第6条')")
    # The tab's own date: in force in June 2025 — no warning in the reply, 有效 on the results. The month is
    # picked first (June of this year, expired), so the waits below can only pass once the year's change has
    # landed too: picked the other way round, the first change alone is already in force.
    picker = page.locator("#hotline-as-of")
    picker.locator("select.pqa-date-m").select_option("6")
    picker.locator("select.pqa-date-y").select_option("2025")
    page.wait_for_function("() => !document.querySelector('#std-reply textarea').value.includes('⚠')")
    page.wait_for_function("() => document.querySelector('#search-results .pqa-tag').innerText === '有效'")
    # The results came back for the new date; the clause being read out stays picked (the search once re-picked
    # its top hit on a date change and swapped the reply to 第12条).
    assert page.locator("#clause-pick input").input_value().startswith("第6条")
    page.wait_for_timeout(500)  # any late reply swap would land here
    assert reply.input_value().startswith("第6条")  # the reply of the clause picked, for the new date
    assert "已过期" in page.locator(".pqa-header").inner_text()  # the tab's own date: the header keeps the other
    # The tree was re-rendered for the new date; its clicks still pick clauses.
    page.wait_for_function("() => document.querySelector('#tree .pqa-tag').innerText === '有效'")
    page.locator('#tree details.pqa-tree-node[data-clause="二（二）"] > summary').click()
    page.locator('#tree details.pqa-tree-node[data-clause="7"] > summary').click()
    page.wait_for_function("() => document.querySelector('#std-reply textarea').value.startsWith('第7条')")
    _shot(page, "hotline")


def test_match_tab_shows_cards_sorted_by_figure(page) -> None:  # noqa: ANN001
    _tab(page, "政策匹配")
    prefix = "#match-jiading-iiot-2024-"
    for fact in ("registered_in_jiading", "tax_registered_in_jiading", "smart_factory_awarded",
                 "two_integration_certified"):
        page.locator(prefix + fact).get_by_label("是", exact=True).check()
    amount = page.locator(f"{prefix}investment_yuan textarea, {prefix}investment_yuan input").first
    amount.wait_for(state="visible")  # 第1条's amount appears once its condition is answered
    amount.fill("800万")
    page.locator("#match-run").click()
    page.wait_for_function("() => document.querySelector('#match-results').innerText.includes('合计最高')")
    results = page.locator("#match-results")
    assert "符合 2 项，按规则合计最高 220万元" in results.inner_text()
    figures = results.locator(".pqa-card-ok .pqa-card-figure b").all_inner_texts()
    assert figures == ["200万元", "20万元"]
    first = results.locator(".pqa-card-ok").first
    assert "第1条" in first.inner_text() and "800万元×30%=240万元" in first.inner_text()
    _shot(page, "match")


def test_calculator_tab(page) -> None:  # noqa: ANN001
    _tab(page, "计算器")
    page.locator("#calc-pick").get_by_text(re.compile(r"^第5条")).click()
    form = page.locator(".pqa-calc-form:visible")
    form.get_by_text("推广工业互联网创新应用及标杆建设").first.wait_for()
    assert form.get_by_label("未认定", exact=True).count() == 1  # the none option of the choice
    form.get_by_label("市级", exact=True).check()
    amount = page.locator("#calc-5-invested_yuan textarea, #calc-5-invested_yuan input").first
    amount.fill("很多钱")
    form.locator(".pqa-calc-run").click()
    form.locator(".pqa-error").last.wait_for()
    assert "无法识别金额" in form.locator(".pqa-error").last.inner_text()
    amount.fill("2000万")
    form.locator(".pqa-calc-run").click()
    form.locator(".pqa-amount").last.wait_for()
    result = form.locator(".pqa-calc-result").last
    assert "500万元" in result.inner_text() and "第5条" in result.inner_text()
    cell = result.locator("td.pqa-clause").first
    box = cell.bounding_box()
    assert box and box["height"] < 30  # "第5条" on one line
    _shot(page, "calculator")


def test_log_tab_needs_the_staff_login_then_finds_the_feedback(page, running_app) -> None:  # noqa: ANN001
    # The public page has no 记录 tab at all.
    _tab(page, "政策咨询")
    assert page.get_by_role("tab", name="记录").count() == 0
    staff = page.context.browser.new_page(viewport=DESKTOP, locale="zh-CN")  # own cookies
    staff.set_default_timeout(TIMEOUT_MS)
    staff.goto(running_app.url + "staff/")
    staff.locator("input[type=password]").wait_for()
    assert staff.locator("#log-table").count() == 0
    assert "浏览器测试" not in staff.content()  # a visitor without the login reads no feedback
    staff.locator("input[data-testid=textbox]").fill(running_app.staff[0])
    staff.locator("input[type=password]").fill(running_app.staff[1] + "-wrong")
    staff.locator("button.primary").click()
    staff.wait_for_timeout(1500)
    assert staff.locator("#log-table").count() == 0  # still the login form
    staff.locator("input[data-testid=textbox]").fill(running_app.staff[0])  # the form clears itself
    staff.locator("input[type=password]").fill(running_app.staff[1])
    staff.locator("button.primary").click()
    staff.locator("#log-table").wait_for()

    since = staff.locator("#log-since input, #log-since textarea").first
    assert "留空不限" in (since.get_attribute("placeholder") or "")  # Chinese, no English date picker
    staff.locator("#log-reason input").click()
    staff.get_by_role("option", name="金额错误", exact=True).click()
    staff.locator("#log-refresh").click()
    staff.wait_for_function(  # filtered by reason: the other answer had 有用
        "() => { const t = document.querySelector('#log-table').innerText;"
        " return t.includes('贯标通过了给多少') && !t.includes('二级节点给多少'); }")
    table_text = staff.locator("#log-table").inner_text()
    assert "金额错误" in table_text and "20万元" in table_text
    exchange_id = _db(running_app, "SELECT exchange_id FROM feedback WHERE reason = '金额错误' AND comment LIKE '浏览器测试%'")[0][0]
    staff.locator("#log-open-id input").fill(str(exchange_id))
    staff.locator("#log-open").click()
    detail = staff.locator("#log-detail .pqa-exchange")
    detail.wait_for()
    assert "20万元" in detail.inner_text() and "浏览器测试：<b>第一条</b>" in detail.inner_text()
    staff.locator("#log-export").click()
    staff.locator("#log-file").get_by_text(".csv").first.wait_for()
    _shot(staff, "staff-log")
    staff.close()
