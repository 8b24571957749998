"""What Run shows for YAML files and Dockerfiles: structure with lines, or the error's line."""

from __future__ import annotations

from app.grading import harness
from app.grading.describe import describe_file
from app.grading.describe import is_dockerfile

DOCKERFILE = """\
ARG PYTHON=3.12
FROM python:${PYTHON}-slim AS base
ENV PORT=8000
FROM base
RUN useradd app
USER app
EXPOSE 8000
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT} app:app"]
"""


def test_yaml_lists_each_document_with_kind_name_and_line():
    text = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n"
    )
    out = describe_file("app.yaml", text)
    assert out.splitlines() == [
        "app.yaml: 2 YAML documents",
        "  line 1: Service 'web' (v1), namespace shop",
        "  line 7: Ingress 'web' (networking.k8s.io/v1)",
    ]


def test_yaml_without_kind_shows_its_top_level_keys():
    out = describe_file("compose.yml", "services:\n  web:\n    image: x\nvolumes: {}\n")
    assert "line 1: a mapping with keys services, volumes (no kind:)" in out


def test_yaml_syntax_error_shows_its_line():
    out = describe_file("app.yaml", "kind: Service\nmetadata:\n\tname: web\n")
    assert out.splitlines()[0] == "app.yaml: could not be read."
    assert out.splitlines()[1].startswith("Line 3: ") and "tab" in out


def test_dockerfile_lists_stages_instructions_and_the_final_image():
    out = describe_file("Dockerfile", DOCKERFILE)
    assert "Dockerfile: 2 stages" in out
    assert "line   1  ARG PYTHON=3.12  (before FROM)" in out
    assert "Stage 'base' from image python:${PYTHON}-slim (= python:3.12-slim) (line 2)" in out
    assert "Stage 2 builds on stage 'base' (line 4)" in out
    assert "line   5  RUN useradd app  [shell form]" in out
    assert "runs as user: app" in out
    assert "exposes: 8000/tcp" in out
    assert "starts: exec gunicorn --bind 0.0.0.0:${PORT} app:app (through a shell" in out


def test_dockerfile_flags_broken_json_and_missing_user():
    out = describe_file("Dockerfile", "FROM python:3.12-slim\nCMD ['python', 'app.py']\n")
    assert "[shell form: not valid JSON" in out
    assert "runs as user: not set" in out


def test_dockerfile_parse_error_shows_its_line():
    out = describe_file("Dockerfile", "FROM python:3.12-slim\nRUNN pip install flask\n")
    assert out.splitlines() == [
        "Dockerfile: could not be read.",
        "Line 2: 'RUNN' is not a Dockerfile instruction. Did you mean RUN?",
    ]


def test_other_files_get_a_line_count():
    assert describe_file("notes.txt", "one\ntwo\n") == "notes.txt: 2 lines, 8 characters"
    assert describe_file("empty.txt", "") == "empty.txt: 0 lines, 0 characters"


def test_dockerfile_names_are_recognised():
    assert all(map(is_dockerfile, ["Dockerfile", "docker/Dockerfile", "Dockerfile.prod",
                                   "api.dockerfile"]))
    assert not any(map(is_dockerfile, ["app.py", "dockerfile-notes.md", "compose.yaml"]))


def test_run_mode_of_the_harness_prints_the_description():
    verdict = harness.run(
        {"mode": "run", "files": {"Dockerfile": DOCKERFILE}, "entry": "Dockerfile"}
    )
    assert verdict.status == "passed"
    assert "Stage 'base'" in verdict.stdout and "runs as user: app" in verdict.stdout
