"""The load test, small: 10 simulated users at once against the running app, each in its own
three-turn slot-filling conversation with its own numbers — no error, no cross-talk."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.loadtest import MAX_USERS, check_loopback, run_loadtest, scripts

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_scripts_give_every_user_a_different_figure() -> None:
    from datetime import date

    plan = scripts(50, date(2025, 6, 1))
    assert len({s.expected_yuan for s in plan}) == 50
    # Read from the rules data: 第5条's short name, its level options, its base's words.
    assert plan[0].turns == ("我们有个标杆示范项目，想问能补多少", "区级的", "项目已投入金额100万元")
    assert plan[0].expected_yuan == 300_000 and plan[0].clause == "5"  # 100万 × 30%, under the 区级 cap of 200万
    assert [s.level for s in plan[:4]] == ["区级", "市级", "国家级", "区级"]  # 未认定 keys no amount


def test_a_policy_without_a_rate_capped_by_level_has_no_scenario(all_rules) -> None:  # noqa: ANN001 - fixture
    from assistant.loadtest import scenario_of

    found = {pid: scenario_of(rules) for pid, rules in all_rules.items()}
    assert found.pop("jiading-iiot-2024") is not None
    assert found and all(s is None for s in found.values())  # the fixtures pay fixed sums, brackets, per unit


def test_only_loopback_and_bounded() -> None:
    with pytest.raises(InputError, match="本机"):
        check_loopback("http://example.com:7860/")
    with pytest.raises(InputError, match="用户数"):
        run_loadtest("http://127.0.0.1:9/", MAX_USERS + 1)


def test_ten_users_no_errors_no_cross_talk(running_app) -> None:  # noqa: ANN001 - fixture
    report = run_loadtest(running_app.url, 10, timeout_s=180)
    print("\n" + "\n".join(report.lines()))
    assert report.errors == 0, report.failures
    assert report.cross_talk == 0, report.failures
    assert report.turns == 30


def test_sessions_in_waves_report_the_apps_memory(running_app) -> None:  # noqa: ANN001 - fixture
    from assistant.loadtest import app_pid, run_sessions

    assert app_pid(running_app.url) == running_app.pid  # found by the port it listens on
    report = run_sessions(running_app.url, 2, 5, pid=running_app.pid, expire_wait_s=0.5, timeout_s=120)
    assert report.ok, report.failures
    assert report.sessions == 5 and report.turns == 15
    memory = report.memory or {}
    assert memory["before_mb"] > 100 and memory["after_sessions_mb"] > 100 and memory["after_expiry_mb"] > 100
    assert any("应用内存" in line for line in report.lines())


def test_big_message_probe_reports_the_refusal(running_app) -> None:  # noqa: ANN001 - fixture
    from assistant.loadtest import send_big_message

    result = send_big_message(running_app.url, 100_000, pid=running_app.pid, home=running_app.home, settle_s=0.2)
    assert result["outcome"].startswith("拒绝") and "413" in result["outcome"]
    assert result["log_growth_mb"] == 0
    small = send_big_message(running_app.url, 3_000, home=running_app.home, settle_s=0.2)
    assert "消息过长" in small["outcome"] and small["log_growth_mb"] == 0
