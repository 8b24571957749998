"""Fixtures shared by the integration tests of the instructor's side."""

from __future__ import annotations

import shutil

import pytest

from app.auth.services import create_user
from app.extensions import db
from tests.conftest import FIXTURE_EXERCISES
from tests.conftest import PASSWORD


@pytest.fixture
def author(app_factory, tmp_path):
    """An app on a copy of the fixture catalog, with a signed-in instructor."""
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURE_EXERCISES, catalog)
    app = app_factory(EXERCISES_DIR=catalog, AUTHORING_DIR=tmp_path / "authoring")
    with app.app_context():
        create_user("tess@example.org", PASSWORD, "Tess", "instructor")
        create_user("ada@example.org", PASSWORD, "Ada")
        db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"email": "tess@example.org", "password": PASSWORD})
    return app, client, catalog
