"""A corpus of bad input against every endpoint and form: malformed JSON, huge and deep bodies,
wrong types, invalid Unicode, script tags and another learner's ids. Each is answered with the
right status and a message that says what to fix; none is a 500."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tests.integration.test_attempts import attempt

JSON_POSTS = [
    "/api/attempts",
    "/api/journal",
    "/api/friction-events",
    "/api/exercises/fixture-add/friction",
    "/api/exercises/fixture-add/hints",
]
GETS = [
    "/",
    "/tracks/basics",
    "/tracks/<script>alert(1)</script>",
    "/exercises/fixture-add",
    "/exercises/%3Cscript%3E",
    "/exercises/" + "x" * 5000,
    "/journal",
    "/journal?track=<script>&kind=%00",
    "/journal?kind=" + "k" * 5000,
    "/journal/export.json",
    "/journal/export.csv",
    "/account/delete",
    "/api/attempts/not-a-uuid",
    "/api/attempts/" + "%ud800",
    "/api/exercises/fixture-add/attempts",
    "/api/exercises/%00/attempts",
    "/api/exercises/fixture-add/reference",
    "/api/exercises/nope/reference",
    "/api/exercises/fixture-add/hints",
    "/api/exercises/<img src=x>/hints",
    "/runtime/../../etc/passwd",
    "/runtime/x/%2e%2e%2fpyodide.mjs",
]
MALFORMED = [
    b"{",
    b"nul",
    b"[1, 2",
    b"\x00\x01\x02",
    b'"just a string"',
    b"[]",
    b"null",
    b"123",
    b"\xff\xfe{}",
    b'{"a": NaN}',
    b"[" * 10_000,
    b"{" * 5_000,
    b'{"kind": "free", "text": "\\ud800"}',
    b'{"\\udfff": 1}',
]
WRONG_TYPES = [
    {"id": 5, "files": "x", "verdict": []},
    {"kind": 7, "exercise_id": ["x"]},
    {"level": "1", "stuck_text": 5},
    {"level": 10**30, "stuck_text": "x"},
    {"level": -1, "stuck_text": "x"},
    {"exercise_id": "fixture-add", "rule": "F6", "action": "break_taken",
     "details": {"a": {"b": 1}}},
    {"exercise_id": "fixture-add", "rule": None, "action": True},
    {"files": {"adder.py": 1, "x": None}, "moment": ["open"]},
    {"files": [1, 2], "moment": {"a": 1}},
    {"kind": "free", "text": "t" * 100_000},
    {"kind": "plan", "exercise_id": "fixture-add", "goal": "x", "confidence": "high"},
    {"kind": "after_failure", "exercise_id": "fixture-add", "emotions": "angry"},
    attempt(files={"../../etc/passwd": "x"}),
    attempt(files={"adder.py": "x" * 200_000}),
    attempt(exercise_id="<script>alert(1)</script>"),
    attempt(client_time="yesterday"),
    attempt(duration_ms=-5),
    attempt(verdict={"status": "passed", "tests": [{"name": 1, "outcome": "maybe"}]}),
    {**attempt(), "extra": "field"},
]


@pytest.fixture
def learner(client):
    AuthActions(client).signup(email="ada@example.org")
    return client


def assert_clear_refusal(response, allowed: set[int]) -> None:
    assert response.status_code != 500, response.get_data(as_text=True)[:500]
    assert response.status_code in allowed, (response.status_code, response.get_data()[:300])
    if response.status_code >= 400 and response.is_json:
        assert response.get_json()["message"].strip()


@pytest.mark.parametrize("url", JSON_POSTS)
@pytest.mark.parametrize("body", MALFORMED, ids=lambda b: repr(b[:12]))
def test_malformed_json_is_refused_clearly(learner, url, body):
    response = learner.post(url, data=body, content_type="application/json")
    # The friction endpoint treats anything that is not an object as "no files, no moment".
    assert_clear_refusal(response, {400} | ({200} if url.endswith("/friction") else set()))


@pytest.mark.parametrize("url", JSON_POSTS)
# Ids name each body by its position and keys: the bodies hold fresh UUIDs, and parallel test
# workers must collect the same ids.
@pytest.mark.parametrize("body", WRONG_TYPES,
                         ids=[f"{n}-{'-'.join(sorted(b))}"[:40] for n, b in enumerate(WRONG_TYPES)])
def test_wrong_types_are_refused_clearly(learner, url, body):
    response = learner.post(url, json=body)
    allowed = {400, 403, 404, 413}
    if url.endswith("/friction"):
        allowed.add(200)  # advisory: it answers with the friction that applies
    assert_clear_refusal(response, allowed)


@pytest.mark.parametrize("url", JSON_POSTS)
def test_a_body_over_the_size_limit_is_a_413_with_a_message(learner, url):
    response = learner.post(url, data=b'{"a": "' + b"x" * 600_000 + b'"}',
                            content_type="application/json")
    assert_clear_refusal(response, {413})
    assert "limit" in response.get_json()["message"]


@pytest.mark.parametrize("url", JSON_POSTS)
def test_a_form_body_to_a_json_endpoint_is_refused(learner, url):
    response = learner.post(url, data={"kind": "free"})
    assert_clear_refusal(response, {400} | ({200} if url.endswith("/friction") else set()))


@pytest.mark.parametrize("url", GETS)
def test_odd_addresses_never_fail(learner, url):
    assert_clear_refusal(learner.get(url), {200, 302, 308, 400, 403, 404})


@pytest.mark.parametrize("url", GETS + JSON_POSTS)
def test_signed_out_requests_are_refused_or_redirected(client, url):
    response = client.get(url) if url in GETS else client.post(url, json={})
    assert_clear_refusal(response, {200, 302, 308, 400, 401, 404})


FORMS = {
    "/auth/signup": [
        {},
        {"email": "not-an-email", "password": "x", "confirm": "y", "display_name": ""},
        {"email": "a@example.org", "password": "p" * 5000, "confirm": "p" * 5000,
         "display_name": "<script>alert(1)</script>"},
        {"email": ["a@example.org", "b@example.org"], "password": "x"},
    ],
    "/auth/login": [
        {},
        {"email": "a" * 5000, "password": "x"},
        {"email": "<script>@example.org", "password": "\x00"},
        {"email": "a@example.org", "password": "p" * 100_000},
    ],
}


@pytest.mark.parametrize(
    ("url", "form"), [(url, form) for url, forms in FORMS.items() for form in forms]
)
def test_bad_form_input_is_refused_with_the_form_again(client, url, form):
    response = client.post(url, data=form)
    assert_clear_refusal(response, {400, 413})


@pytest.mark.parametrize("url", list(FORMS))
def test_invalid_utf8_in_a_form_is_refused_with_the_form_again(client, url):
    body = b"email=%FF%FE%ED%A0%80%40example.org&password=%ED%A0%80&confirm=x&display_name=%C0"
    response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert_clear_refusal(response, {400})


@pytest.mark.parametrize("form", [{}, {"email": "x" * 5000}, {"email": "\x00"},
                                  {"email": ["a", "b"]}])
def test_bad_deletion_confirmations_delete_nothing(learner, form):
    response = learner.post("/account/delete", data=form)
    assert_clear_refusal(response, {400})
    assert learner.get("/journal").status_code == 200  # still signed in: nothing was deleted


def test_another_learners_ids_look_like_nothing(app, client):
    bob = app.test_client()
    AuthActions(bob).signup(email="bob@example.org")
    bobs = attempt()
    assert bob.post("/api/attempts", json=bobs).status_code == 201
    AuthActions(client).signup(email="ada@example.org")
    assert_clear_refusal(client.get(f"/api/attempts/{bobs['id']}"), {404})
    entry = {"kind": "free", "text": "mine", "attempt_id": bobs["id"]}
    assert_clear_refusal(client.post("/api/journal", json=entry), {404})
    assert_clear_refusal(client.post("/api/attempts", json=bobs), {409})  # never Bob's row
    listed = client.get("/api/exercises/fixture-add/attempts").get_json()["attempts"]
    assert listed == []


def test_script_tags_are_stored_as_text_and_escaped_on_the_page(learner):
    text = "<script>alert(1)</script>"
    assert learner.post("/api/journal", json={"kind": "free", "text": text}).status_code == 201
    page = learner.get("/journal").get_data(as_text=True)
    assert text not in page
