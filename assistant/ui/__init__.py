"""The Gradio app (政策咨询 · 热线查询 · 计算器 · 记录): services loaded once, HTML helpers, forms from rules data.

``app.py`` at the repository root starts it; ``policy-qa serve`` does the same and ``policy-qa loadtest``
drives a running one.
"""
