"""One school laptop, two learners: what learner A left queued or drafted in the browser is
never sent or shown as learner B's."""

from __future__ import annotations

from tests.e2e.test_core_loop import EXERCISE_ID
from tests.e2e.test_core_loop import READY
from tests.e2e.test_core_loop import exercise  # noqa: F401 (a fixture)
from tests.e2e.test_core_loop import replace_code
from tests.e2e.test_core_loop import sign_up
from tests.e2e.test_core_loop import stored_attempts


def friction_keys(page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(localStorage).filter((k) => k.startsWith('friction:'))"
    )


def test_a_queued_attempt_and_a_draft_never_pass_to_the_next_learner(page, live_server, exercise):  # noqa: F811
    ada = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    page.wait_for_selector(READY, timeout=90_000)
    # The server cannot be reached for attempts: Ada's check waits in this browser.
    page.route("**/api/attempts", lambda route: route.abort())
    replace_code(page, "# Ada's private draft\n" + exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector(".verdict-passed", timeout=60_000)
    page.wait_for_function(
        "() => document.getElementById('queue-status').textContent.includes('waiting')"
    )
    assert friction_keys(page)  # the queue and the draft are in localStorage

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/auth/login")
    assert friction_keys(page) == []  # Clear-Site-Data: nothing of Ada's stays behind

    bob = sign_up(page)
    page.unroute("**/api/attempts")
    page.goto(f"/exercises/{EXERCISE_ID}")
    page.wait_for_selector(READY, timeout=90_000)
    page.evaluate("() => window.frictionLab.queue.flush()")
    assert "Ada's private draft" not in page.locator(".cm-content").inner_text()
    assert stored_attempts(live_server, bob) == []
    assert stored_attempts(live_server, ada) == []
