"""The app's look: its stylesheet (``style.css``) and page script (``page.js``), the <head> additions for
Gradio's own frame, Gradio's interface strings in Chinese (:data:`I18N`) and the theme. Part of
:mod:`assistant.ui.app`, which re-exports them; :mod:`assistant.ui.server` gives them to Gradio.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr

CSS = (Path(__file__).parents[1] / "style.css").read_text(encoding="utf-8")
PAGE_JS = (Path(__file__).parents[1] / "page.js").read_text(encoding="utf-8")
#: Rules for Gradio's own page frame, which the app's CSS cannot reach (Gradio scopes it inside the frame).
FRAME_CSS = "@media (max-width: 640px) { .gradio-container .main.app { padding: 0 8px !important; } }"
HEAD = f"<style>{FRAME_CSS}</style><script>{PAGE_JS}</script>"

#: Gradio's own interface strings in Chinese, whatever the browser's language (en is the fallback locale).
_ZH = {
    "chatbot.copy_message": "复制", "chatbot.copied_message": "已复制", "chatbot.like": "赞（有用）",
    "chatbot.dislike": "踩（没用）", "chatbot.clear": "清空对话（重新开始）", "chatbot.retry": "重试",
    "chatbot.undo": "撤销", "chatbot.edit": "编辑", "chatbot.submit": "发送", "chatbot.cancel": "取消",
    "common.clear": "清除", "common.download": "下载", "common.loading": "加载中", "common.error": "错误",
    "common.edit": "编辑", "common.remove": "移除", "common.share": "分享", "common.undo": "撤销",
    "common.settings": "设置", "common.language": "语言", "common.display_theme": "显示主题",
    "common.built_with_gradio": "使用 Gradio 构建", "common.submit": "提交", "common.empty": "空",
    "radio.radio": "单选", "dropdown.dropdown": "下拉菜单",
}
I18N = gr.I18n(**{"en": _ZH, "zh-CN": _ZH, "zh-TW": _ZH, "zh": _ZH})

THEME = gr.themes.Soft(
    primary_hue="blue",
    secondary_hue="slate",
    neutral_hue="slate",
    radius_size="sm",
    font=["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "sans-serif"],
    font_mono=["Menlo", "DejaVu Sans Mono", "monospace"],
).set(
    block_label_background_fill="transparent",
    block_title_background_fill="transparent",
    block_label_text_color="*neutral_600",
    block_title_text_color="*neutral_700",
    block_title_text_weight="600",
    body_background_fill="#f6f7f9",
)
