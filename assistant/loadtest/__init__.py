"""Load test: many simulated users at once, each in its own multi-turn slot-filling conversation.

Each user is one ``gradio_client.Client`` (one Gradio session, hence one server-side conversation) and
talks to the running app's ``/chat`` endpoint in three turns about the first item of a loaded policy whose
figure is a rate on one amount capped by one level ("我们有个«item»，想问能补多少" → its own level → its own
amount; :func:`~assistant.loadtest.conversations.scenario_of` reads all three from the rules data) — so every
user must end with a different figure. The expected figure comes from the calculator (``calculate`` on the rules data), not from the
app. A user whose final figure is not their own is *cross-talk*; an exception, a timeout or a final
reply without a figure is an *error*.

Memory: with ``--sessions N`` the users come in waves of ``--users`` until N sessions have run, and the
app's resident memory (RSS, read with psutil from the process listening on the URL's port, or ``--pid``) is
reported before, after the N sessions, and — with ``--expire-wait S`` against an app started with a short
``POLICY_QA_SESSION_TTL`` — after S seconds of idleness, when the app should have expired them.

``--big-message CHARS`` first sends one chat message of that many characters and reports whether it was
refused, how long that took, and how much the app's memory and (with ``--home``) its log grew.

Bounded on purpose: at most :data:`MAX_USERS` users at once, only loopback URLs, and an overall deadline.

The modules: :mod:`~assistant.loadtest.conversations` (the users' scripts and expected figures),
:mod:`~assistant.loadtest.users` (running them at once), :mod:`~assistant.loadtest.report` (results),
:mod:`~assistant.loadtest.memory` (the app's memory, sessions in waves, the oversized message) and
:mod:`~assistant.loadtest.command` (``policy-qa loadtest``). Import from here: this package re-exports their names.
"""

from __future__ import annotations

from assistant.loadtest.command import cmd_loadtest
from assistant.loadtest.conversations import Scenario, Script, load_scenario, scenario_of, scripts
from assistant.loadtest.memory import (
    MAX_SESSIONS,
    app_pid,
    log_size_mb,
    rss_mb,
    run_sessions,
    send_big_message,
)
from assistant.loadtest.report import LoadReport, UserResult
from assistant.loadtest.users import LOOPBACK, MAX_USERS, check_loopback, run_loadtest

__all__ = [
    "Scenario",
    "load_scenario",
    "scenario_of",
    "LOOPBACK",
    "MAX_SESSIONS",
    "MAX_USERS",
    "LoadReport",
    "Script",
    "UserResult",
    "app_pid",
    "check_loopback",
    "cmd_loadtest",
    "log_size_mb",
    "rss_mb",
    "run_loadtest",
    "run_sessions",
    "scripts",
    "send_big_message",
]
