"""Checks the BackendTrafficPolicy by what Envoy would do with failing and crowded requests."""

from __future__ import annotations

import pytest
from grading import traces
from grading.cluster import envoy_policy as eg
from grading.cluster import testing as k8s

FILE = "policy.yaml"
ROUTE = "route.yaml"
URL = "http://api.example.com/orders"


def cluster(strict: bool = False):
    """The cluster model with the route, the backend and the learner's policy."""
    return k8s.load([ROUTE, FILE], learner=[FILE], strict=strict)


def policy(strict: bool = False):
    """The policy Envoy Gateway applies to the orders route (the first check says why none)."""
    c = cluster(strict)
    route = c.get("HTTPRoute", "orders", "shop")
    found = eg.attached(c, route)
    if found is None:
        if not strict:
            pytest.skip("no policy reaches the orders route yet (see the first check)")
        reasons = eg.not_attached_reasons(c, route)
        raise AssertionError(reasons[0] if reasons else
                             f"{FILE} has no BackendTrafficPolicy: the orders route keeps "
                             "Envoy's defaults (no retries, 1024 requests at once)")
    return found


def answer(found, answers: list[str], method: str = "GET"):
    """What Envoy does with those upstream answers, drawn as hops for the panel."""
    result = eg.attempts(found, answers)
    hops = [("Envoy Gateway 'edge'", f"{method} {URL}", ""),
            ("HTTPRoute 'orders'", f"BackendTrafficPolicy '{found.name}'",
             found.where("metadata"))]
    hops += [(f"try {i + 1}: orders pod", f"answers {a}", "") for i, a in
             enumerate(answers[:result.tries])]
    return result, hops


def test_the_policy_reaches_the_orders_route():
    """kubectl accepts the policy and Envoy Gateway attaches it to the orders route."""
    c = cluster(strict=True)
    k8s.accepted(c, FILE)
    for p in c.objects("BackendTrafficPolicy"):
        unknown = eg.unknown_fields(p)
        if unknown:
            raise AssertionError(
                f"{p.where('spec', unknown[0])}: a BackendTrafficPolicy has no field "
                f"'{unknown[0]}': kubectl's strict field validation refuses the object, so none "
                "of its settings reach Envoy")
    policy(strict=True)


def test_a_restarting_pod_is_retried():
    """A 503 from a restarting pod, or a refused connection, is tried again until a pod answers."""
    found = policy()
    for answers in (["503", "503", "200"], ["reset", "200"]):
        result, hops = answer(found, answers)
        if result.status != "200":
            traces.fail(
                f"{URL}: the backend answers {', '.join(answers)}, and the client gets "
                f"{result.status} after {result.tries} try: {result.why}. A pod restarting "
                "during a deploy shows up as failed orders",
                traces.panel(URL, hops, failure=(f"Stopped ({result.status})", result.why, "")))


def test_a_failed_order_is_not_sent_twice():
    """POST /orders answered 500, 502 or 504 (the order may be written) is not retried."""
    found = policy()
    # Only a 503 and a refused connection say the pod did nothing; a 502 or a 504 (gateway-error
    # retries both) may come after the pod stored the order.
    for failure in ("500", "502", "504"):
        result, hops = answer(found, [failure, "201"], method="POST")
        if result.tries > 1:
            settings = eg.retry_settings(found) or {}
            trigger = eg.retried(settings, failure)
            where = found.where("spec", "retry", "retryOn")
            traces.fail(
                f"{where}: POST /orders answered {failure} is sent again (trigger {trigger}); "
                "the first attempt may already have stored the order, so the customer is "
                "charged twice",
                traces.panel(URL, hops, failed_index=len(hops) - 1))


def test_retries_stop_after_three():
    """A backend that keeps failing gets at most 1 + 3 tries per request."""
    found = policy()
    result, hops = answer(found, ["503"] * 60)
    if result.tries > 4:
        traces.fail(
            f"{found.where('spec', 'retry', 'numRetries')}: one request to a failing backend "
            f"becomes {result.tries} requests; when every pod struggles, the retries multiply "
            "the load and keep it down (a retry storm)",
            traces.panel(URL, hops[:6], failure=("…", f"{result.tries} tries in all", "")))


def test_a_crowd_is_capped_and_the_excess_fails_fast():
    """With 100 requests at once: 50 run, 20 wait, 30 get 503 immediately."""
    found = policy()
    where = found.where("spec", "circuitBreaker") if found.get("spec", "circuitBreaker") \
        else found.where("spec")
    for crowd, expected in ((100, (50, 20, 30)), (60, (50, 10, 0))):
        sent, queued, refused = eg.overflow(found, crowd)
        if (sent, queued, refused) != expected:
            raise AssertionError(
                f"{where}: with {crowd} requests at once Envoy sends {sent} to the orders pods, "
                f"queues {queued} and refuses {refused}; the pods handle 50 at a time, so more "
                "in flight slows every order down, and a long queue only makes clients wait "
                "for a timeout")
