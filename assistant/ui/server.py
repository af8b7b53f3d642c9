"""The web server: the public app at /, the staff app at /staff behind a login, bounded requests and sessions.

:func:`create_app` builds one FastAPI application:

- ``/`` — the public, anonymous app (:func:`assistant.ui.app.build_app`): chat, look-up, calculator.
- ``/staff`` — the staff app (:func:`assistant.ui.staff.build_staff_app`) with Gradio's login (user
  ``POLICY_QA_STAFF_USER``, password ``POLICY_QA_STAFF_PASSWORD``). Without a password it is not mounted:
  its page, its API and its functions do not exist. Every route of the mounted app (page, config, API info,
  queue, files) requires the login cookie; exported CSV files are served only from it.
- A request body limit (:class:`BodyLimit`): a public request over :data:`MAX_REQUEST_BYTES` is refused with
  413 before Gradio reads it, so an oversized message is never parsed, answered, logged or kept in a session.
- Idle sessions expire (:func:`expire_idle_sessions`, every few seconds): the server-side conversations and
  Gradio's per-session state (a copy of the page's component values per browser session, which Gradio itself
  only drops at ``state_session_capacity``) idle longer than ``POLICY_QA_SESSION_TTL``; then the freed memory
  is handed back to the OS (``malloc_trim``).

:func:`serve` runs it with uvicorn on ``GRADIO_SERVER_NAME`` / ``GRADIO_SERVER_PORT`` (default 127.0.0.1:7860)
and warns, in Chinese, when that address is not loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import datetime
import gc
import ipaddress
import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping, Sequence
from typing import Any

import gradio as gr
from fastapi import FastAPI, HTTPException
from fastapi.responses import RedirectResponse

from assistant.config import Settings
from assistant.ui.app import CONCURRENCY, CSS, HEAD, I18N, THEME, build_app
from assistant.ui.services import Services
from assistant.ui.staff import build_staff_app, staff_cache_dir

log = logging.getLogger(__name__)

STAFF_PATH = "/staff"
#: Largest public request body. The biggest legitimate one is a chat message of POLICY_QA_MAX_CHARS
#: characters (2000 → about 12 KB as JSON); the browser never sends the chat history.
MAX_REQUEST_BYTES = 64 * 1024
#: Largest staff request body (a click in the log table sends the shown table, at most 300 short rows).
MAX_STAFF_REQUEST_BYTES = 4 * 1024 * 1024
MIN_PASSWORD_CHARS = 12

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


# -- request size ------------------------------------------------------------------------------------


class _TooLarge(HTTPException):
    """Raised while the body arrives; an HTTPException so that FastAPI answers 413 (not its generic 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_message(limit))


def _too_large_message(limit: int) -> str:
    return f"请求过大（上限 {limit // 1024} KB），未处理。"


class BodyLimit:
    """ASGI middleware: refuse a request body over the limit with 413 and a Chinese message.

    A declared Content-Length over the limit is refused before anything is read; a chunked body is counted
    as it arrives and the request is abandoned as soon as it passes the limit."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], limit: int = MAX_REQUEST_BYTES,
                 staff_limit: int = MAX_STAFF_REQUEST_BYTES, staff_path: str = STAFF_PATH) -> None:
        self.app, self.limit, self.staff_limit, self.staff_path = app, limit, staff_limit, staff_path

    def limit_for(self, path: str) -> int:
        staff = path == self.staff_path or path.startswith(self.staff_path + "/")
        return self.staff_limit if staff else self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received, started = 0, False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except _TooLarge:
            if not started:
                await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": _too_large_message(limit)}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# -- idle sessions -----------------------------------------------------------------------------------


def _malloc_trim() -> None:
    """Give freed heap memory back to the OS (glibc); a no-op elsewhere."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def expire_idle_sessions(services: Services, apps: Sequence[gr.Blocks]) -> dict[str, int]:
    """Drop conversations and Gradio session states idle longer than the TTL; returns how many of each.

    Gradio keeps one ``SessionState`` per browser session (its own copy of every component's value) until
    ``state_session_capacity`` pushes it out; ``gr.State(time_to_live=...)`` only clears the State values in
    it. So the idle ones are removed from each app's state holder here, by Gradio's own last-use time."""
    conversations = services.sessions.expire()
    ttl = services.settings.session_ttl_s
    now = datetime.datetime.now()
    states = 0
    for blocks in apps:
        holder = getattr(blocks, "state_holder", None)
        if holder is None:
            continue
        with holder.lock:
            stale = [sid for sid, used in list(holder.time_last_used.items()) if (now - used).total_seconds() > ttl]
            for sid in stale:
                holder.session_data.pop(sid, None)
                holder.time_last_used.pop(sid, None)
        states += len(stale)
        services.sessions.mark_expired_browsers(stale)  # their next message says the old chat ended
    if conversations or states:
        gc.collect()
        _malloc_trim()
        log.info("已清理闲置会话：对话 %d 个，页面状态 %d 个", conversations, states)
    return {"conversations": conversations, "states": states}


def sweep_interval(ttl_s: float) -> float:
    return min(60.0, max(1.0, ttl_s / 4))


# -- the application ---------------------------------------------------------------------------------


def create_app(services: Services) -> FastAPI:
    """The public app at /, the staff app at /staff when a staff password is set, limits and expiry."""
    settings = services.settings
    public = build_app(services)
    public.queue(default_concurrency_limit=CONCURRENCY, max_size=256)
    apps = [public]
    staff = None
    if settings.staff_enabled:
        staff = build_staff_app(services, STAFF_PATH)
        staff.queue(default_concurrency_limit=2, max_size=64)
        staff.state_session_capacity = 200
        apps.append(staff)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async def sweep() -> None:
            while True:
                await asyncio.sleep(sweep_interval(settings.session_ttl_s))
                try:
                    await asyncio.to_thread(expire_idle_sessions, services, apps)
                except Exception:  # never let the sweeper die
                    log.exception("session expiry failed")

        task = asyncio.create_task(sweep())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.gradio_apps = apps  # the mounted Blocks: public first, then staff when served
    common: dict[str, Any] = {"theme": THEME, "css": CSS, "show_error": False, "ssr_mode": False,
                              "mcp_server": False, "i18n": I18N, "head": HEAD}
    if staff is not None:  # mounted first: "/" would otherwise catch /staff

        @app.get(STAFF_PATH, include_in_schema=False)
        def staff_slash() -> RedirectResponse:
            return RedirectResponse(f"{STAFF_PATH}/")

        gr.mount_gradio_app(
            app, staff, STAFF_PATH, auth=[(settings.staff_user, settings.staff_password or "")],
            auth_message="工作人员登录：查看对话记录与导出。",
            allowed_paths=[str(settings.exports_dir), str(staff_cache_dir(services))],
            footer_links=[], run_history=False, max_file_size="1mb", **common,
        )
    gr.mount_gradio_app(app, public, "/", footer_links=["api"], run_history=False, max_file_size="1kb",
                        **common)
    app.add_middleware(BodyLimit)
    return app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def startup_messages(settings: Settings, host: str, port: int) -> list[tuple[int, str]]:
    """(logging level, Chinese sentence) to log when the server starts."""
    out: list[tuple[int, str]] = []
    if not is_loopback(host):
        out.append((logging.WARNING,
                    f"网页应用监听在 {host}:{port}，不是本机回环地址：同一网络中的任何人都能打开问答页面。"
                    "对外提供服务请放在 HTTPS 反向代理之后，并只开放需要的端口。"))
    if settings.staff_enabled:
        out.append((logging.INFO, f"工作人员页面：{STAFF_PATH}（用户名 {settings.staff_user}，需登录）。"))
        if len(settings.staff_password or "") < MIN_PASSWORD_CHARS:
            out.append((logging.WARNING,
                        f"POLICY_QA_STAFF_PASSWORD 少于 {MIN_PASSWORD_CHARS} 个字符，容易被猜中，请换一个更长的随机密码。"))
        if not is_loopback(host):
            out.append((logging.WARNING,
                        "工作人员的用户名和密码会经网络传输：请只通过 HTTPS 访问 /staff，否则可能被截获。"))
    else:
        out.append((logging.INFO, "未设置 POLICY_QA_STAFF_PASSWORD：不提供工作人员页面（记录、导出），对话记录只在服务器上。"))
    return out


def serve(services: Services, host: str | None = None, port: int | None = None) -> None:
    """Run the server until interrupted (host/port default to GRADIO_SERVER_NAME / GRADIO_SERVER_PORT)."""
    import uvicorn

    host = host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = port or int(os.environ.get("GRADIO_SERVER_PORT") or 7860)
    for level, message in startup_messages(services.settings, host, port):
        log.log(level, message)
    app = create_app(services)
    shown = f"[{host}]" if ":" in host else host
    log.info("政策问答助手已启动：http://%s:%d/", shown, port)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
