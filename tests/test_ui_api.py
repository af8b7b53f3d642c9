"""The public API as a gradio_client user calls it, with the client's defaults: it downloads every object in a
result that has a string ``path``, so a payload with such a key fails the call (issue: ``citation_details[].path``).

Against the running app (``python app.py``, :func:`tests.fixtures_ui.running_app`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gradio_client import Client

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AS_OF = "2025-06-01"


def test_chat_reply_reads_through_gradio_client_with_its_defaults(running_app, tmp_path: Path) -> None:  # noqa: ANN001
    client = Client(running_app.url, verbose=False, download_files=str(tmp_path))  # downloads on, as by default
    history, box, reply = client.predict("贯标通过了给多少？", AS_OF, api_name="/chat")
    assert reply["answer"].startswith("按第2条") and box == "" and history[-1]["role"] == "assistant"
    [detail] = [d for d in reply["citation_details"] if d["clause_id"] == "2"]
    assert detail["label"] == "第2条" and detail["title"] == "支持企业“两化”融合贯标"
    assert detail["clause_path"].startswith("二、支持范围及标准") and "path" not in detail
    assert detail["text"]
    several = client.predict("第5条是什么", AS_OF, api_name="/chat")[-1]
    assert "5" in [d["clause_id"] for d in several["citation_details"]]
    assert list(tmp_path.iterdir()) == []  # nothing was taken for a file
