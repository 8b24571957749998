"""The workflow run in a model of GitHub Actions, beside a model of Coolify's deploy API."""

from __future__ import annotations

import pytest
from grading import submission
from grading.deploy import DeployError
from grading.deploy import checks
from grading.deploy import ci

FILE = "deploy.yml"
UUID = "k8s0g4w"
TOKEN = "7|kq2VvX1GEXAMPLEtoken"  # what GitHub's secret COOLIFY_TOKEN holds


def workflow() -> ci.Workflow:
    """The learner's workflow."""
    try:
        return ci.load_workflow(submission.read(FILE))
    except DeployError as exc:
        checks.fail(f"{FILE}: {exc}")


def run(event: str, branch: str = "main", tests_pass: bool = True,
        coolify_token: str = TOKEN) -> ci.WorkflowRun:
    """One event, with GitHub's secret set and Coolify accepting `coolify_token`."""
    try:
        return workflow().run(event, branch, tests_pass, {"COOLIFY_TOKEN": TOKEN},
                              coolify_token=coolify_token, app_uuid=UUID)
    except DeployError as exc:
        checks.fail(f"{FILE}: {exc}")


def skip_unless_main_deploys() -> None:
    """A workflow that deploys nothing at all would pass the checks that it deploys too little."""
    if not run("push").deploys:
        pytest.skip("a push to main deploys nothing yet (see the first check)")


def test_a_push_to_main_with_passing_tests_deploys_once():
    """A push to main whose tests pass deploys the shop, once, after the tests."""
    result = run("push")
    if len(result.deploys) != 1:
        checks.fail(f"A push to main with passing tests led to {len(result.deploys)} deploys "
                    "instead of one:\n" + result.trace.text())
    deployer = result.deploys[0].job
    tests = [job for job in result.order if job != deployer]
    if not tests or result.order.index(deployer) < result.order.index(tests[0]):
        checks.fail("The deploy does not wait for the tests:\n" + result.trace.text())


def test_failing_tests_do_not_deploy():
    """A push to main whose tests fail deploys nothing."""
    skip_unless_main_deploys()
    result = run("push", tests_pass=False)
    if result.deploys:
        checks.fail("The tests fail, and Coolify deploys anyway: a broken version goes live.\n"
                    + result.trace.text())


# Branch names that contain or start with "main": a condition that only looks for the word
# (contains(github.ref, 'main'), startsWith(github.ref, 'refs/heads/main')) deploys them.
@pytest.mark.parametrize(("event", "branch"), [("push", "feature/gift-cards"),
                                               ("pull_request", "feature/gift-cards"),
                                               ("push", "maintenance"),
                                               ("push", "feature/main-menu")])
def test_other_branches_and_pull_requests_do_not_deploy(event, branch):
    """Only main deploys: a {event} to {branch} does not."""
    skip_unless_main_deploys()
    result = run(event, branch)
    if result.deploys:
        checks.fail(f"A {event} on {branch} deploys the shop: whatever is on that branch "
                    "goes live.\n" + result.trace.text())


def test_the_token_comes_from_github_secrets():
    """The API token is read from secrets.COOLIFY_TOKEN, not written in the file."""
    text = submission.read(FILE)
    if "Bearer" in text and "secrets.COOLIFY_TOKEN" not in text and "secrets." not in text:
        checks.fail(f"{FILE}: the Coolify token is written in the workflow: everyone who can "
                    "read the repository (and its forks and logs) can deploy, or worse")
    rotated = "9|rotatedTOKENexample"
    result = run("push", coolify_token=rotated)
    if result.deploys:
        checks.fail(f"{FILE}: Coolify accepted a token that is not the one in GitHub's secrets: "
                    "it is written in the workflow")


def test_a_refused_call_fails_the_job():
    """If Coolify refuses the token, the deploy job fails (so somebody notices)."""
    result = run("push", coolify_token="9|rotatedTOKENexample")
    if not result.rejected:
        pytest.skip("no call to Coolify was made (see the first check)")
    failed = [job for job, status in result.jobs.items() if status == "failure"]
    if not failed:
        checks.fail("Coolify answers 401 and the workflow looks green: nobody notices that "
                    "nothing was deployed.\n" + result.trace.text())
