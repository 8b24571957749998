"""What the exercise page keeps in the browser belongs to one learner: its localStorage keys
carry a per-account scope, and logging out (or deleting the account) clears the site's storage."""

from __future__ import annotations

import json
import re

from tests.conftest import ROOT
from tests.conftest import AuthActions


def page_data(client) -> dict:
    html = client.get("/exercises/fixture-add").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_each_learner_gets_their_own_storage_scope_stable_across_logins(app, client, auth):
    auth.signup(email="ada@example.org")
    ada = page_data(client)["storage_scope"]
    auth.logout()
    auth.login(email="ada@example.org")
    assert page_data(client)["storage_scope"] == ada  # Ada's queued attempts are still hers
    auth.logout()
    AuthActions(client).signup(email="bob@example.org")
    bob = page_data(client)["storage_scope"]
    assert bob != ada and len(bob) >= 16


def test_logout_clears_the_sites_storage(client, auth):
    auth.signup()
    response = auth.logout()
    assert response.headers["Clear-Site-Data"] == '"storage"'


def test_account_deletion_clears_the_sites_storage(client, auth):
    auth.signup(email="ada@example.org")
    response = client.post("/account/delete", data={"email": "ada@example.org"})
    assert response.headers["Clear-Site-Data"] == '"storage"'


def test_the_page_script_keys_storage_by_the_scope():
    source = (ROOT / "static" / "src" / "exercise.js").read_text()
    assert "learnerKey(data.storage_scope" in source
    assert '"friction:attempt-queue"' not in source and "`friction:draft:" not in source
