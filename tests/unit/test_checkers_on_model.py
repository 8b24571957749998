"""The Dockerfile checker's rules judged on what the deploy model builds, not on words."""

from __future__ import annotations

import pytest

from app.grading import dockerfile
from app.grading.deploy import rules

SLIM = "FROM python:3.12-slim\nWORKDIR /app\n"


def found(text: str, rule: str) -> list:
    return [f for f in dockerfile.check(text) if f.rule == rule]


@pytest.mark.parametrize(("steps", "created"), [
    ("RUN useradd --create-home app\n", True),
    ("RUN useradd -ms /bin/bash app\n", True),  # combined options take a value
    ("RUN groupadd -r app && useradd -r -g app app\n", True),
    ("RUN true || useradd app\n", False),  # || skips the useradd: the name alone is not enough
    ("RUN echo useradd app\n", False),
])
def test_user_exists_only_when_a_step_that_runs_creates_it(steps, created):
    text = SLIM + steps + "USER app\nCMD [\"python\", \"-m\", \"http.server\"]\n"
    errors = [f for f in found(text, "user-not-created") if f.is_error]
    assert (errors == []) is created


def test_users_of_the_base_image_exist():
    assert not found("FROM node:22-slim\nUSER node\nCMD [\"node\", \"s.js\"]\n",
                     "user-not-created")
    assert not found(SLIM + "USER daemon\nCMD [\"python\"]\n", "user-not-created")


@pytest.mark.parametrize(("text", "warned"), [
    ("FROM python:3.12-slim\nHEALTHCHECK CMD curl -f http://127.0.0.1/\n", True),
    ("FROM python:3.12\nHEALTHCHECK CMD curl -f http://127.0.0.1/\n", False),  # full: has curl
    ("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
     "curl && rm -rf /var/lib/apt/lists/*\nHEALTHCHECK CMD curl -f http://127.0.0.1/\n", False),
    ("FROM python:3.12-slim\nRUN true || apt-get install -y curl\n"
     "HEALTHCHECK CMD curl -f http://127.0.0.1/\n", True),
    ("FROM python:3.12-alpine\nHEALTHCHECK CMD wget -q --spider http://127.0.0.1/\n", False),
    ("FROM example.org/custom:1.0\nHEALTHCHECK CMD curl -f http://127.0.0.1/\n", False),
])
def test_health_check_tool_is_looked_up_in_the_built_image(text, warned):
    assert bool(found(text, "healthcheck-tool-missing")) is warned


def test_a_secret_in_a_build_stage_only_is_not_in_the_image():
    builder = "FROM python:3.12-slim AS build\nWORKDIR /src\nCOPY .env .\n"
    final = "FROM python:3.12-slim\nWORKDIR /app\n"
    assert not found(builder + final, "secret-file-copied")
    leaked = found(builder + final + "COPY --from=build /src/.env /app/.env\n",
                   "secret-file-copied")
    assert leaked and leaked[0].line == 6


def test_every_rule_id_in_the_checkers_tables_is_registered():
    ids = {rule for rule, *_ in dockerfile.LEAK_RULES.values()}
    ids |= {rule for _, rule in dockerfile.BUILD_FAILURE_RULES}
    assert sorted(ids - set(rules.RULES)) == []


def test_a_requirements_file_never_copied_is_its_own_rule():
    text = SLIM + "RUN pip install --no-cache-dir -r requirements.txt\n"
    assert [f.rule for f in dockerfile.check(text) if f.is_error] == ["deps-file-missing"]


def compose_rules(volumes: str, image: str = "postgres:17", top: str = "volumes:\n  pg: {}\n"):
    from app.grading import compose

    text = (f"services:\n  db:\n    image: {image}\n    environment:\n"
            f"      POSTGRES_PASSWORD: ${{PG_PASSWORD:?set it in Coolify}}\n{volumes}{top}")
    return {(f.rule, f.severity): f.message for f in compose.check(text)}


@pytest.mark.parametrize(("volumes", "image", "rule"), [
    ("    volumes:\n      - pg:/var/lib/postgresql/data\n", "postgres:17", None),
    ("    volumes:\n      - pg:/var/lib/postgresql\n", "postgres:18", None),
    ("    volumes:\n      - pg:/var/lib/postgresql/data:ro\n", "postgres:17",
     "db-volume-read-only"),
    ("    tmpfs:\n      - /var/lib/postgresql/data\n", "postgres:17", "db-without-volume"),
    ("    volumes:\n      - pg:/var/lib/postgresql/data\n", "postgres:18", "db-volume-path"),
    ("    volumes:\n      - pg:/var/lib/postgresql\n", "postgres:16", "db-volume-path"),
])
def test_database_volumes_are_judged_by_a_redeploy_in_the_model(volumes, image, rule):
    errors = {r for (r, severity) in compose_rules(volumes, image) if severity == "error"}
    assert errors == ({rule} if rule else set())


def test_coolify_declares_the_named_volumes_of_its_templates():
    from app.grading import compose

    text = ("# documentation: https://example.com\n# slogan: x\nservices:\n  db:\n"
            "    image: postgres:17\n    volumes:\n      - pg-data:/var/lib/postgresql/data\n")
    assert not [f for f in compose.check(text) if f.is_error]


def test_a_whole_context_copy_may_hold_the_requirements_file():
    text = (SLIM + "COPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
            "FROM python:3.12-slim\nCOPY --from=0 /app/dist /app/dist\n")
    assert not [f for f in dockerfile.check(text) if f.rule in ("deps-file-missing",
                                                                "build-fails")]


SERVER = ("FROM python:3.12-slim\nWORKDIR /app\nRUN pip install --no-cache-dir flask gunicorn\n"
          "COPY app.py .\nRUN useradd app\nUSER app\nENV PORT=8000\n")


@pytest.mark.parametrize(("start", "loopback"), [
    ("CMD HOST=127.0.0.1; exec gunicorn --bind $HOST:$PORT app:app\n", True),
    ("CMD export HOST=localhost && exec gunicorn -b $HOST:$PORT app:app\n", True),
    ('ENV GUNICORN_CMD_ARGS="--bind 127.0.0.1:8000"\nCMD exec gunicorn app:app\n', True),
    ("CMD HOST=0.0.0.0; exec gunicorn --bind $HOST:$PORT app:app\n", False),
    ("CMD cd /app && exec gunicorn --bind 0.0.0.0:$PORT app:app\n", False),
])
def test_the_bind_address_is_the_one_the_started_shell_gives_the_server(start, loopback):
    assert bool([f for f in found(SERVER + start, "binds-loopback") if f.is_error]) is loopback


@pytest.mark.parametrize(("start", "error"), [
    ('CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]\n', True),
    ('ENTRYPOINT ["tini", "--"]\nCMD ["sh", "-c", "exec gunicorn -b 0.0.0.0:$PORT app:app"]\n',
     False),  # the init hands the script to a shell, which expands $PORT
    ('CMD ["dumb-init", "sh", "-c", "exec gunicorn -b 0.0.0.0:$PORT app:app"]\n', False),
])
def test_a_variable_in_exec_form_is_an_error_only_when_no_shell_expands_it(start, error):
    assert bool(found(SERVER + start, "variable-in-exec-form")) is error
