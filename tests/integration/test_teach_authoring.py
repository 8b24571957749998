"""Publishing an exercise from a zip: bad uploads are refused with the file and the problem and
change nothing; a good one is proven, published, mirrored in the database and kept as a version."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Exercise as ExerciseRow
from tests.conftest import FIXTURE_EXERCISES
from tests.conftest import PASSWORD

SOURCE = FIXTURE_EXERCISES / "basics" / "010-add"


def folder_files(root: Path = SOURCE) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def make_zip(files: dict[str, bytes], top: str = "042-add-again", links=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(f"{top}/{name}" if top else name, content)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def renamed(files: dict[str, bytes], new_id="fixture-add-again") -> dict[str, bytes]:
    toml = files["exercise.toml"].decode().replace('id = "fixture-add"', f'id = "{new_id}"')
    return {**files, "exercise.toml": toml.encode()}


def upload(client, data: bytes, folder="042-add-again", track="basics"):
    return client.post(
        "/teach/author",
        data={"archive": (io.BytesIO(data), "exercise.zip"), "track": track, "folder": folder},
        content_type="multipart/form-data",
    )


def tree(catalog: Path) -> dict[str, bytes]:
    return {
        p.relative_to(catalog).as_posix(): p.read_bytes() for p in catalog.rglob("*") if p.is_file()
    }


BAD_UPLOADS = {
    "zip slip": (
        lambda: make_zip({"../../evil.py": b"print(1)", **renamed(folder_files())}, top=""),
        "../../evil.py: a path outside the exercise folder is refused (zip slip).",
    ),
    "absolute path": (
        lambda: make_zip({"/tmp/evil.py": b"x", **renamed(folder_files())}, top=""),
        "/tmp/evil.py: a path outside the exercise folder is refused",
    ),
    "link": (
        lambda: make_zip(renamed(folder_files()), top="", links=["starter/passwd"]),
        "starter/passwd: links are refused",
    ),
    "huge file": (
        lambda: make_zip({**renamed(folder_files()), "prompt.md": b"a" * (300 * 1024)}),
        "prompt.md: the file is over 262,144 bytes unpacked.",
    ),
    "invalid toml": (
        lambda: make_zip({**folder_files(), "exercise.toml": b'id = "fixture-add-again\n'}),
        "exercise.toml: TOML syntax error",
    ),
    "missing tests": (
        lambda: make_zip(
            {n: c for n, c in renamed(folder_files()).items() if not n.startswith("tests/")}
        ),
        "tests: no tests: add at least one tests/test_*.py",
    ),
    "failing solution": (
        lambda: make_zip(
            {**renamed(folder_files()), "solution/adder.py": b"def add(a, b):\n    return a - b\n"}
        ),
        "The proof failed: fixture-add-again",
    ),
    "not a zip": (lambda: b"PK but not really", "The upload is not a zip file."),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
def test_bad_uploads_are_refused_naming_the_file_and_nothing_changes(author, case):
    app, client, catalog = author
    before = tree(catalog)
    make, message = BAD_UPLOADS[case]
    response = upload(client, make())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message.replace("'", "&#39;") in page.replace("&#34;", '"'), page[-3000:]
    assert tree(catalog) == before  # nothing half-published, no staging left behind
    with app.app_context():
        assert db.session.get(ExerciseRow, "fixture-add-again") is None
    assert not (Path(app.config["AUTHORING_DIR"]) / "fixture-add-again").exists()


def test_a_good_upload_is_published_mirrored_and_kept_and_a_new_version_replaces_it(author):
    app, client, catalog = author
    first = renamed(folder_files())
    response = upload(client, make_zip(first))
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert (catalog / "basics" / "042-add-again" / "exercise.toml").is_file()
    assert client.get("/exercises/fixture-add-again").status_code == 200
    with app.app_context():
        row = db.session.get(ExerciseRow, "fixture-add-again")
        assert row is not None and row.track == "basics"
        first_version = row.version

    changed = {**first, "prompt.md": first["prompt.md"] + b"\nNow with a second paragraph.\n"}
    assert upload(client, make_zip(changed)).status_code == 302
    with app.app_context():
        second_version = db.session.get(ExerciseRow, "fixture-add-again").version
    assert second_version != first_version
    kept = Path(app.config["AUTHORING_DIR"]) / "fixture-add-again"
    assert sorted(p.name for p in kept.iterdir()) == sorted([first_version, second_version])
    page = client.get("/teach/author").get_data(as_text=True)
    assert first_version in page and second_version in page
    assert not [p for p in (catalog / "basics").iterdir() if p.name.startswith(".")]


def test_an_upload_cannot_take_another_exercises_id_or_folder(author):
    app, client, catalog = author
    same_id = upload(client, make_zip(folder_files()))  # id fixture-add lives in 010-add
    assert same_id.status_code == 400
    assert "id &#39;fixture-add&#39; is already used by another exercise" in same_id.text
    other_folder = upload(client, make_zip(renamed(folder_files())), folder="010-add")
    assert other_folder.status_code == 400
    assert "basics/010-add already holds another exercise." in other_folder.text


def test_learners_cannot_publish(author):
    app, client, catalog = author
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert upload(client, make_zip(renamed(folder_files()))).status_code == 403
    assert not (catalog / "basics" / "042-add-again").exists()


def test_another_worker_process_sees_a_publish_on_its_next_request(author, app_factory):
    """A second app on the same exercise folder stands for another gunicorn worker: it loaded
    the catalog before the publish and must not keep serving the old one."""
    app, client, catalog = author
    other = app_factory(EXERCISES_DIR=catalog, AUTHORING_DIR=Path(app.config["AUTHORING_DIR"]))
    with other.app_context():
        from app.catalog import get_catalog

        assert get_catalog().get("fixture-add-again") is None
        loaded = get_catalog()
        assert get_catalog() is loaded  # nothing published: no reload per request
    assert upload(client, make_zip(renamed(folder_files()))).status_code == 302
    with other.app_context():
        assert get_catalog().get("fixture-add-again") is not None
