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
    assert plan[0].turns == ("我们有个标杆示范项目，想问能补多少", "区级的", "已投入100万元")
    assert plan[0].expected_yuan == 300_000  # 100万 × 30%, under the 区级 cap of 200万


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
