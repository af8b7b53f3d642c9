"""The Gradio app: 政策咨询 (chat) · 政策匹配 · 热线查询 · 计算器, and the staff 记录 at /staff.

Services are loaded once (``services``); answers are rendered from their structured parts (``render``); forms
come from the rules data (``forms``, ``calculator``, ``matching``). ``app.py`` at the repository root starts it;
``policy-qa serve`` does the same and ``policy-qa loadtest`` drives a running one. See docs/ui.md.
"""
