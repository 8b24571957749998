"""Checks for the Builder refactoring of api_client.py: requests built step by step."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import api_client
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

API = "https://api.partner.test/v2"
# Steps and their order drawn at random on every check (the seed is chosen when it runs).
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
PARTS = [
    ("with_header", ("X-Shop", "42")),
    ("with_param", ("page", 3)),
    ("with_param", ("q", "lamp")),
    ("with_bearer_token", ("t0k3n",)),
    ("with_timeout", (2.5,)),
]
STEPS = [
    ("get", (f"{API}/x",)),
    ("post", (f"{API}/x",)),
    ("with_header", ("Accept", "application/json")),
    ("with_param", ("page", 1)),
    ("with_bearer_token", ("t0k3n",)),
    ("with_json_body", ({"a": 1},)),
    ("with_timeout", (3.0,)),
]


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def builder():
    """A fresh RequestBuilder(), or a failure saying what it is."""
    cls = getattr(api_client, "RequestBuilder", None)
    if cls is None:
        fail(
            "api_client.py has no class RequestBuilder yet: the object that collects a "
            "request's parts step by step and makes the Request in build()"
        )
    try:
        return cls()
    except TypeError as exc:
        fail(f"RequestBuilder() failed: {exc}. A builder starts empty; the steps fill it in")


def step(target, name: str, *args):
    """Call one builder step, failing with a useful message if it is missing or breaks a chain."""
    method = getattr(target, name, None)
    if method is None:
        fail(f"the builder has no {name}() step (see the list in the prompt)")
    result = method(*args)
    if result is None:
        fail(
            f"{name}() returned None, so nothing can be chained after it: "
            f"RequestBuilder().{name}(...).build() fails: a step that hands nothing back "
            "breaks every chain it is part of"
        )
    return result


def build(target):
    """Call build() on a builder."""
    if not callable(getattr(target, "build", None)):
        fail("the builder has no build() method: it should check the parts and return a Request")
    return target.build()


def test_every_step_returns_the_builder():
    """Each step returns the builder, so steps can be chained."""
    for name, args in STEPS:
        try:
            result = step(builder(), name, *args)
        except ValueError as exc:
            fail(
                f"{name}() on a new, empty builder raised ValueError({exc}). Any step may come "
                "first; checks that involve several parts belong in build()"
            )
        if not callable(getattr(result, "build", None)):
            fail(
                f"{name}() returned {result!r}, not the builder, so the next step of a chain "
                "cannot be called on it and every chained call site breaks there"
            )


def test_search_request_puts_the_term_in_params():
    """search_request() sends the term and page as query parameters, with a 5 s timeout."""
    got = api_client.search_request("lamp", 2)
    expected = api_client.Request(
        "GET", f"{API}/search", headers={}, params={"q": "lamp", "page": "2"}, timeout=5.0
    )
    if got != expected:
        fail(
            f"search_request('lamp', 2) made\n  {got}\nbut it should be\n  {expected}\n"
            "With six positional arguments it is easy to put a value in the wrong slot; named "
            "builder steps (with_param, with_timeout) make that mistake visible"
        )


def test_order_request_is_a_json_post_with_a_token():
    """order_request() posts the order as JSON with the bearer token."""
    got = api_client.order_request("t0k3n", "LAMP-01", 2)
    problems = []
    if (got.method, got.url, got.params, got.timeout) != ("POST", f"{API}/orders", {}, 10.0):
        problems.append(
            f"method, url, params and timeout are {got.method!r}, {got.url!r}, {got.params!r}, "
            f"{got.timeout!r}; expected 'POST', '{API}/orders', {{}}, 10.0"
        )
    wanted_headers = {"Authorization": "Bearer t0k3n", "Content-Type": "application/json"}
    if got.headers != wanted_headers:
        problems.append(f"headers are {got.headers}; expected {wanted_headers}")
    try:
        body = json.loads(got.body) if got.body is not None else None
    except ValueError:
        body = got.body
    if body != {"sku": "LAMP-01", "quantity": 2}:
        problems.append(f"the body is {got.body!r}; expected the JSON of the order as bytes")
    if problems:
        fail("order_request('t0k3n', 'LAMP-01', 2): " + "; ".join(problems))


def test_an_unset_part_gets_its_default():
    """A request with only get(url) has no headers, no params, no body and a 10 s timeout."""
    got = build(step(builder(), "get", f"{API}/ping"))
    expected = api_client.Request("GET", f"{API}/ping")
    if got != expected:
        fail(f"RequestBuilder().get(url).build() made {got}; expected {expected}")


def test_build_refuses_a_request_without_method_and_url():
    """build() raises ValueError when get(url) or post(url) was never called."""
    b = step(builder(), "with_header", "Accept", "application/json")
    try:
        got = build(b)
    except ValueError:
        return
    fail(
        f"build() made {got} although the builder was never given a method or URL. build() is "
        "the one moment every part is known, so it checks the required ones and raises "
        "ValueError when one is missing"
    )


def test_build_refuses_a_get_with_a_body():
    """A GET with a JSON body is refused by build(), not by a step."""
    b = builder()
    try:
        step(b, "with_json_body", {"q": "lamp"})
        step(b, "get", f"{API}/search")
    except ValueError as exc:
        fail(
            f"a step raised ValueError({exc}) before the request was complete. The steps may "
            "come in any order; checks that involve several parts belong in build()"
        )
    try:
        got = build(b)
    except ValueError:
        return
    fail(
        f"build() made a GET request with a body ({got.body!r}); it should refuse it with a "
        "ValueError: a GET request cannot carry a body"
    )


def test_steps_can_come_in_any_order():
    """The same parts in another order give the same request."""
    forward = builder()
    for name, args in [
        ("post", (f"{API}/orders",)),
        ("with_bearer_token", ("t0k3n",)),
        ("with_json_body", ({"sku": "LAMP-01"},)),
    ]:
        forward = step(forward, name, *args)
    backward = builder()
    try:
        for name, args in [
            ("with_json_body", ({"sku": "LAMP-01"},)),
            ("with_bearer_token", ("t0k3n",)),
            ("post", (f"{API}/orders",)),
        ]:
            backward = step(backward, name, *args)
        got = build(backward)
    except ValueError as exc:
        fail(
            f"with_json_body(), with_bearer_token(), post() in that order raised "
            f"ValueError({exc}). The steps may come in any order: only build() sees the whole "
            "request, so the checks that involve several parts belong in build()"
        )
    expected = build(forward)
    if got != expected:
        fail(f"the same steps in reverse order made {got}, not {expected}")


def test_a_built_request_never_changes():
    """Steps taken after build() do not change a request that was already built."""
    b = builder()
    b = step(step(b, "get", f"{API}/search"), "with_header", "Accept", "application/json")
    first = build(b)
    step(step(b, "with_header", "X-Trace", "42"), "with_param", "page", 3)
    try:
        second = build(b)
    except ValueError:
        second = None  # the builder started afresh after build(): the prompt allows it
    if first.headers != {"Accept": "application/json"} or first.params != {}:
        fail(
            "a request that was already built changed afterwards: after more steps on the "
            f"builder it has headers {first.headers} and params {first.params}. Each Request "
            "needs dicts of its own, not the ones the builder keeps filling in: otherwise one "
            "builder's later steps rewrite requests that were already sent on their way"
        )
    # A builder that keeps its parts has both headers; one that starts afresh after build()
    # only the new one; an immutable builder (each step returns a new builder) only the old.
    if second is not None and second.headers not in (
        {"Accept": "application/json", "X-Trace": "42"},
        {"X-Trace": "42"},
        {"Accept": "application/json"},
    ):
        fail(
            f"after build(), one more header and a second build() gave headers "
            f"{second.headers}: neither the parts the builder had nor only the new ones"
        )


@FRESH
@given(order=st.permutations(range(len(PARTS) + 1)), json_body=st.booleans())
def test_steps_in_an_order_drawn_at_random_give_the_same_request(order, json_body):
    """Any order of the same steps (the method among them) builds the very same request."""
    steps = [*PARTS, ("post", (f"{API}/orders",))]
    if json_body:
        steps.append(("with_json_body", ({"sku": "LAMP-01"},)))
        order = [*order, len(steps) - 1]
    b = builder()
    for index in order:
        name, args = steps[index]
        try:
            b = step(b, name, *args)
        except ValueError as exc:
            fail(f"{name}() raised ValueError({exc}) when it came at that point; steps may come "
                 "in any order, and only build() checks the whole request")
    got = build(b)
    headers = {"X-Shop": "42", "Authorization": "Bearer t0k3n"}
    if json_body:
        headers["Content-Type"] = "application/json"
    want = ("POST", f"{API}/orders", headers, {"page": "3", "q": "lamp"}, 2.5)
    seen = (got.method, got.url, dict(got.headers), dict(got.params), got.timeout)
    if seen != want:
        said = ", ".join(steps[i][0] + "()" for i in order)
        fail(f"the steps {said} built {seen}; expected {want}, whatever their order")


def maker_outside_build() -> int | None:
    """Called while a Request is being made: the api_client.py line that asked for it, unless
    a build() method of api_client.py is on the way (then None: the builder made it)."""
    frame = sys._getframe(2)
    asker = None
    while frame is not None:
        if frame.f_code.co_filename.endswith("api_client.py"):
            if frame.f_code.co_name == "build":
                return None
            if asker is None:
                asker = frame.f_lineno
        frame = frame.f_back
    return asker


def test_call_sites_get_every_request_from_build():
    """search_request() and order_request() hand out only requests that build() made."""
    request_class = api_client.Request
    original = request_class.__init__
    outside: list[tuple[str, int]] = []
    current = [""]

    def watched_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        line = maker_outside_build()
        if line is not None:
            outside.append((current[0], line))

    request_class.__init__ = watched_init
    try:
        for name, args in (("search_request", ("lamp", 2)),
                           ("order_request", ("t0k3n", "LAMP-01", 2))):
            current[0] = name
            getattr(api_client, name)(*args)
    finally:
        request_class.__init__ = original
    if outside:
        name, line = outside[0]
        fail(
            f"api_client.py line {line}: {name}() got a Request that no build() made (a copy "
            "made with dataclasses.replace() or a constructor called elsewhere is one). Such a "
            "request skips build()'s checks, so a GET with a body or a missing URL would go out "
            "unnoticed; every request the call sites hand out should come from the builder"
        )
