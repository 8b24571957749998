"""Authoring in the browser: the server loads a draft and hands out the proof's jobs, judges the
verdicts the page's Pyodide returns (here: the same harness under CPython), and publishes only
files proven exactly as they are, proving them once more on the way."""

from __future__ import annotations

import pytest

from app.grading import alias_as_top_level
from app.grading import harness
from app.teach.editor import SKELETON
from app.teach.editor import folder_texts
from tests.conftest import PASSWORD

BROKEN = "def count_vowels(text):\n    return len(text)\n"


def draft(**changes) -> dict:
    files = folder_texts(SKELETON)
    files.update(changes)
    return {"track": "basics", "folder": "900-vowels", "files": files}


def run_in_place_of_the_browser(cases: list[dict]) -> list[dict]:
    """What the page's Pyodide worker does with each job (the same harness)."""
    alias_as_top_level()
    return [harness.run(case["job"]).to_dict() for case in cases]


def prove(client, body: dict) -> dict:
    loaded = client.post("/teach/author/draft", json=body)
    assert loaded.status_code == 200, loaded.get_json()
    verdicts = run_in_place_of_the_browser(loaded.get_json()["cases"])
    judged = client.post("/teach/author/proof", json={**body, "verdicts": verdicts})
    assert judged.status_code == 200
    return judged.get_json()


def test_the_editor_opens_the_skeleton_or_an_existing_exercise(author):
    app, client, catalog = author
    page = client.get("/teach/author/edit").get_data(as_text=True)
    assert 'id="author-data"' in page and "count_vowels" in page
    existing = client.get("/teach/author/edit?exercise=fixture-add").get_data(as_text=True)
    assert "def add(a, b)" in existing and '"folder": "010-add"' in existing


def test_a_broken_solution_is_not_proven_and_earns_no_token(author):
    app, client, catalog = author
    judged = prove(client, draft(**{"solution/vowels.py": BROKEN}))
    assert judged["proven"] is False and judged["token"] is None
    assert any("solution should pass but is failed" in p for p in judged["problems"])


def test_a_proven_draft_publishes_and_learners_can_open_it(author):
    app, client, catalog = author
    body = draft()
    judged = prove(client, body)
    assert judged["proven"] is True, judged["problems"]
    published = client.post("/teach/author/publish", json={**body, "token": judged["token"]})
    assert published.status_code == 201, published.get_json()
    assert published.get_json()["id"] == "my-count-vowels"
    assert (catalog / "basics" / "900-vowels" / "solution" / "vowels.py").is_file()
    assert client.get("/exercises/my-count-vowels").status_code == 200


def test_publish_needs_a_proof_of_the_files_as_they_are(author):
    app, client, catalog = author
    body = draft()
    token = prove(client, body)["token"]
    unproven = client.post("/teach/author/publish", json={**body, "token": ""})
    assert unproven.status_code == 400 and "Press Prove first" in unproven.get_json()["message"]
    edited = draft(**{"prompt.md": "Count the vowels, now with more words."})
    changed = client.post("/teach/author/publish", json={**edited, "token": token})
    assert changed.status_code == 400
    assert "files changed since the proof" in changed.get_json()["message"]
    assert not (catalog / "basics" / "900-vowels").exists()


def test_a_forged_browser_proof_still_cannot_publish_a_broken_solution(author):
    """The browser claims every answer behaved; the server's CPython proof at publish refuses."""
    app, client, catalog = author
    body = draft(**{"solution/vowels.py": BROKEN})
    cases = client.post("/teach/author/draft", json=body).get_json()["cases"]
    forged = [
        {"status": "passed" if c["must_pass"] else "failed", "tests": [
            {"name": "t", "outcome": "failed", "description": c["expect"], "message": c["expect"]}
        ]}
        for c in cases
    ]
    judged = client.post("/teach/author/proof", json={**body, "verdicts": forged}).get_json()
    assert judged["proven"] is True  # the claim is consistent, so a token is signed...
    published = client.post("/teach/author/publish", json={**body, "token": judged["token"]})
    assert published.status_code == 400  # ...but the publish proves it again and refuses
    assert "solution" in published.get_json()["message"]
    assert not (catalog / "basics" / "900-vowels").exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"../evil.py": "x"}, "a path outside the exercise folder is refused"),
        ({"exercise.toml": "id = ["}, "exercise.toml"),
        ({"tests/test_vowels.py": None}, "tests"),
    ],
)
def test_a_bad_draft_is_refused_naming_the_file(author, files, message):
    app, client, catalog = author
    body = draft()
    for name, text in files.items():
        if text is None:
            body["files"].pop(name)
        else:
            body["files"][name] = text
    response = client.post("/teach/author/draft", json=body)
    assert response.status_code == 400
    assert message in response.get_json()["message"]


def test_the_preview_is_sanitised(author):
    app, client, catalog = author
    response = client.post(
        "/teach/author/preview", json={"markdown": "**bold** <script>alert(1)</script>"}
    )
    html = response.get_json()["html"]
    assert "<strong>bold</strong>" in html and "<script>" not in html


def test_learners_cannot_author(author):
    app, client, catalog = author
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert client.get("/teach/author/edit").status_code == 403
    assert client.post("/teach/author/draft", json=draft()).status_code == 403
    assert client.post("/teach/author/publish", json={**draft(), "token": "x"}).status_code == 403


@pytest.mark.parametrize("url", ["/teach/author/draft", "/teach/author/proof",
                                 "/teach/author/publish", "/teach/author/preview"])
@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'{"track": 5, "folder": [], "files": "x"}', b"[" * 10_000,
     b'{"track": "basics", "folder": "f", "files": {"a.py": "\\ud800"}}'],
    ids=["truncated", "list", "wrong types", "deep", "lone surrogate"],
)
def test_malformed_editor_requests_are_refused_clearly(author, url, body):
    app, client, catalog = author
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["message"].strip()


def test_verdicts_the_server_cannot_read_are_problems_not_errors(author):
    app, client, catalog = author
    body = draft()
    count = len(client.post("/teach/author/draft", json=body).get_json()["cases"])
    judged = client.post(
        "/teach/author/proof", json={**body, "verdicts": [{"status": 1, "tests": "x"}] * count}
    ).get_json()
    assert judged["proven"] is False
    assert all("could not be read" in p for p in judged["problems"])
