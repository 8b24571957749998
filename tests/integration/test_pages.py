"""Pages, headers and the runtime files the browser loads."""

from __future__ import annotations

import json

import pytest


def test_index_lists_tracks(client):
    html = client.get("/").get_data(as_text=True)
    assert "Basics (test fixture)" in html


def test_every_response_is_cross_origin_isolated_with_a_strict_csp(client):
    response = client.get("/")
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    csp = response.headers["Content-Security-Policy"]
    assert "connect-src 'self'" in csp and "default-src 'self'" in csp


def test_unknown_page_is_a_calm_404(client):
    response = client.get("/tracks/nope")
    assert response.status_code == 404
    assert b"Back to the tracks" in response.data


def test_an_error_page_has_a_heading_for_people_not_a_class_name(client, auth):
    auth.signup()
    page = client.get("/teach/12345")  # a learner on an instructor's page: refused
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "<h1>Forbidden</h1>" in html and "NotAllowed" not in html
    missing = client.get("/tracks/nope").get_data(as_text=True)
    assert "<h1>Not Found</h1>" in missing and "NotFound" not in missing
    # API callers still get the error's name to match on.
    api = client.get("/api/attempts/no-such-attempt")
    assert api.status_code == 404 and api.get_json()["error"] == "NotFound"


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


@pytest.fixture
def runtime_dir(tmp_path):
    """A stand-in runtime folder with a wasm file and its compressed siblings."""
    folder = tmp_path / "runtime"
    folder.mkdir()
    (folder / "runtime.json").write_text(
        json.dumps(
            {"build_id": "314.0.7-abc", "pyodide_version": "314.0.7", "grading_package": "g"}
        )
    )
    (folder / "pyodide.asm.wasm").write_bytes(b"\0asm-raw")
    (folder / "pyodide.asm.wasm.br").write_bytes(b"brotli")
    (folder / "pyodide.asm.wasm.gz").write_bytes(b"gzip")
    return folder


def test_runtime_files_are_versioned_immutable_and_precompressed(app, client, runtime_dir):
    app.config["RUNTIME_DIR"] = runtime_dir
    url = "/runtime/314.0.7-abc/pyodide.asm.wasm"
    with client.get(url, headers={"Accept-Encoding": "gzip, br"}) as response:
        assert response.status_code == 200
        assert response.mimetype == "application/wasm"
        assert response.headers["Content-Encoding"] == "br"
        assert response.data == b"brotli"
        assert "immutable" in response.headers["Cache-Control"]
    with client.get(url, headers={"Accept-Encoding": "identity"}) as plain:
        assert plain.data == b"\0asm-raw" and "Content-Encoding" not in plain.headers


def test_a_stale_build_id_is_not_cached_forever(app, client, runtime_dir):
    app.config["RUNTIME_DIR"] = runtime_dir
    with client.get("/runtime/old-build/pyodide.asm.wasm") as response:
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_runtime_refuses_paths_outside_its_folder(app, client, runtime_dir):
    app.config["RUNTIME_DIR"] = runtime_dir
    assert client.get("/runtime/314.0.7-abc/../runtime.json").status_code == 404
    assert client.get("/runtime/314.0.7-abc/%2e%2e/%2e%2e/etc/passwd").status_code == 404


def test_exercise_page_points_at_the_runtime_build(app, client, auth, runtime_dir):
    app.config["RUNTIME_DIR"] = runtime_dir
    auth.signup()
    html = client.get("/exercises/fixture-add").get_data(as_text=True)
    assert "/runtime/314.0.7-abc/" in html


def test_exercise_page_says_so_when_the_runtime_is_not_built(app, client, auth, tmp_path):
    app.config["RUNTIME_DIR"] = tmp_path / "missing"
    auth.signup()
    html = client.get("/exercises/fixture-add").get_data(as_text=True)
    assert "not built on this server" in html


def test_exercise_page_carries_the_friction_ids_from_the_server(client, auth):
    import json
    import re

    from app.friction.rules import Rule

    auth.signup()
    html = client.get("/exercises/fixture-add").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    ids = json.loads(found.group(1))["friction"]
    assert ids["rules"] == {rule.name: rule.value for rule in Rule}
    assert ids["actions"]["WAITED"] == "waited"
