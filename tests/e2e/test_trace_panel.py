"""A failing request-based Kubernetes check shows where the request went: an ordered list of
hops under the failing test, the failing hop marked in words, readable on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.exercises import load_catalog
from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_core_loop import FAILED
from tests.e2e.test_core_loop import expect_verdict
from tests.e2e.test_core_loop import replace_code
from tests.e2e.test_core_loop import sign_up
from tests.e2e.test_core_loop import wait_until_ready
from tests.e2e.test_learner_page import no_sideways_scroll

EXERCISE_ID = "service-and-ingress"
# The Service selects the Deployment's own labels, not its pods': Traefik finds no endpoints.
WRONG = "selector-matches-deployment-labels"


@pytest.fixture(scope="module")
def exercise():
    """The bundled Service and Ingress exercise, from disk."""
    return load_catalog(ROOT / "exercises").get(EXERCISE_ID)


def test_a_failing_request_shows_its_hops_with_the_failing_one_marked(phone, live_server, exercise):
    page = phone
    sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    wrong = next(w for w in exercise.wrong if w.name == WRONG)
    replace_code(page, wrong.files["service-ingress.yaml"])
    page.get_by_role("button", name="Check").click()
    expect_verdict(page, FAILED)

    # The list is named by its title, so a screen reader announces what the hops are.
    hops = page.get_by_role("list", name=re.compile(r"Where the request went: http"))
    expect(hops.first).to_be_visible()
    hops = hops.first
    items = hops.get_by_role("listitem")
    assert items.count() >= 3, hops.inner_text()
    expect(items.first).to_contain_text("Traefik")
    expect(hops).to_contain_text("Ingress")
    expect(hops).to_contain_text("Service")
    # Exactly one hop fails, it is the last one, and it says so in words, not by colour alone.
    failed = hops.locator("li[aria-current=step]")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("Fails here")
    expect(failed).to_contain_text("503")
    expect(failed).to_contain_text("no endpoints")
    assert failed.evaluate("(li) => li === li.parentElement.lastElementChild")
    # The line the failure points at is a button that opens it in the editor.
    line = failed.get_by_role("button", name=re.compile(r"service-ingress\.yaml line \d+"))
    expect(line).to_be_visible()

    failed.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#results").screenshot(path=str(ARTIFACTS / "trace-panel-phone.png"))
    no_sideways_scroll(page)
    assert_accessible(page, "the results with a request's trace, on a phone")
    line.click()
    expect(page.locator("#status-line, .cm-activeLine").first).to_be_visible()
    assert page.page_errors == []
