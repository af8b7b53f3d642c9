"""Start the 政策问答助手 web app: ``python app.py`` (host/port: GRADIO_SERVER_NAME / GRADIO_SERVER_PORT).

The embedding model, the index, the rules and the log are loaded once here, before the server starts.
The staff views are served under /staff only when POLICY_QA_STAFF_PASSWORD is set (see .env.example).
"""

from __future__ import annotations

import logging
import sys

from assistant.errors import PolicyQAError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from assistant.ui.server import serve
    from assistant.ui.services import load_services

    try:
        services = load_services()
    except PolicyQAError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    serve(services)
    return 0


if __name__ == "__main__":
    sys.exit(main())
