/* 政策问答助手 — the page script (loaded in <head> by assistant/ui/server.py).
 *
 * 1. Copy gives plain text. Gradio's copy button under a chat message copies the message's raw content,
 *    which for our answers is HTML. Each message carries its plain text in a hidden .pqa-plain element;
 *    a click on a message's copy button copies that text instead (capture phase, before Gradio's handler).
 * 2. Screen readers get text. Gradio labels each message with "bot's message: " + its raw content (HTML);
 *    the label becomes 助手答复/您的消息 + the plain text.
 * 3. A new answer is scrolled into view from its start (the chat grows up to a maximum height and then
 *    scrolls; Gradio's own autoscroll follows a fixed-height box only).
 * 4. Everything in Chinese: the few labels Gradio writes in English whatever the language (Liked,
 *    Disliked, Copy, Copied …) are translated in place; the rest comes from the app's i18n strings.
 */
(() => {
  const COPY = new Set(["复制", "已复制", "Copy", "Copied", "Copy message", "Copied message"]);
  const LABELS = {
    "Liked": "已赞（有用）", "Disliked": "已踩（没用）", "Like": "赞（有用）", "Dislike": "踩（没用）",
    "Copy": "复制", "Copied": "已复制", "Copy message": "复制", "Copied message": "已复制",
    "Clear": "清空", "chatbot conversation": "对话记录", "Feedback": "反馈", "Scroll down": "滚动到底部",
  };

  const rowOf = (button) => {
    let el = button.closest(".message-buttons");
    while (el && !el.classList.contains("message-row")) el = el.previousElementSibling;
    return el;
  };
  const plainOf = (el) => {
    const plain = el && el.querySelector(".pqa-plain");
    return plain ? plain.textContent.trim() : (el ? el.innerText.trim() : "");
  };
  const write = async (text) => {
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const area = document.createElement("textarea");
      area.value = text;
      area.style.position = "fixed";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".message-buttons button");
    if (!button || !COPY.has(button.getAttribute("aria-label") || "")) return;
    const row = rowOf(button);
    if (!row || !row.querySelector(".pqa-plain")) return;  // not one of ours: leave it to Gradio
    event.stopPropagation();
    event.preventDefault();
    write(plainOf(row)).then(() => {
      button.setAttribute("aria-label", "已复制");
      button.title = "已复制";
      setTimeout(() => { button.setAttribute("aria-label", "复制"); button.title = "复制"; }, 2000);
    });
  }, true);

  const fix = () => {
    document.querySelectorAll('[data-testid="bot"], [data-testid="user"]').forEach((el) => {
      const who = el.getAttribute("data-testid") === "bot" ? "助手答复：" : "您的消息：";
      const label = who + plainOf(el);
      if (el.getAttribute("aria-label") !== label) el.setAttribute("aria-label", label);
    });
    document.querySelectorAll("[aria-label], [title]").forEach((el) => {
      const label = LABELS[el.getAttribute("aria-label")];
      if (label) el.setAttribute("aria-label", label);
      const title = LABELS[el.getAttribute("title")];
      if (title) el.setAttribute("title", title);
    });
  };
  let rows = 0;
  const follow = () => {
    const box = document.querySelector("#chatbot");
    if (!box) return;
    const all = box.querySelectorAll(".message-row");
    const grew = all.length > rows;
    rows = all.length;
    if (!grew || !all.length) return;
    const users = box.querySelectorAll(".message-row.user-row");
    const from = users.length ? users[users.length - 1] : all[all.length - 1];
    const top = from.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    box.scrollTop = Math.min(box.scrollHeight - box.clientHeight, Math.max(0, top - 8));
  };

  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fix(); follow(); });
  };
  const start = () => {
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ["aria-label", "title"],
    });
    schedule();
  };
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
