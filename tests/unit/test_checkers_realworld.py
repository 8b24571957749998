"""Official images' Dockerfiles and Coolify's own templates raise no error in the checkers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from app.grading import compose
from app.grading import dockerfile
from app.grading.deploy import rules

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "realworld"
OFFICIAL = sorted((FIXTURES / "docker" / "official").glob("*.Dockerfile"))
TEMPLATES = sorted((FIXTURES / "compose" / "coolify-templates").glob("*.yaml"))


def test_the_fixtures_are_there():
    assert len(OFFICIAL) >= 9 and len(TEMPLATES) >= 20


@pytest.mark.parametrize("path", OFFICIAL, ids=lambda p: p.name)
def test_official_dockerfiles_have_no_errors(path):
    findings = dockerfile.check(path.read_text(), path.name)
    assert [f.format() for f in findings if f.is_error] == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_coolify_templates_have_no_errors(path):
    findings = compose.check(path.read_text(), path.name)
    assert [f.format() for f in findings if f.is_error] == []


def test_plain_compose_still_needs_declared_volumes():
    text = ("services:\n  db:\n    image: postgres:17\n    volumes:\n"
            "      - pg:/var/lib/postgresql/data\n")
    assert [f.rule for f in compose.check(text) if f.is_error] == ["undeclared-volume"]


def test_codename_tags_count_as_pinned_and_root_is_advice():
    findings = dockerfile.check("FROM debian:bookworm-slim\nCMD [\"bash\"]\n")
    assert not [f for f in findings if f.is_error]
    assert "base-image-unpinned" not in {f.rule for f in findings}


def test_gosu_entrypoints_are_not_called_root():
    text = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y gosu "
            "&& rm -rf /var/lib/apt/lists/*\nENTRYPOINT [\"docker-entrypoint.sh\"]\n"
            "CMD [\"postgres\"]\n")
    assert "runs-as-root" not in {f.rule for f in dockerfile.check(text)}


def test_billion_laughs_is_a_quick_clear_error():
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\nservices:\n  web:\n    image: nginx:1.27\n"
    assert len(text) < 600
    started = time.process_time()
    findings = compose.check(text)
    assert time.process_time() - started < 5
    assert [f.rule for f in findings] == ["yaml-aliases"]
    assert "billion laughs" in findings[0].message


@pytest.mark.parametrize(("mapping", "ok"), [
    ("127.0.0.1:8080:80", True), ("[::1]:8080:80", True), ("0.0.0.0:80:80", True),
    ("999.1.1.1:80:80", False), ("10.0.0:80:80", False),
])
def test_port_host_ip_is_checked_as_an_address(mapping, ok):
    text = f'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "{mapping}"\n'
    errors = [f.rule for f in compose.check(text) if f.is_error]
    assert (errors == []) is ok


RULE_ID_RE = re.compile(r'(?:finding|self\.add|Finding)\(\s*"([a-z0-9-]+)"')


def test_every_rule_the_checkers_report_is_in_the_registry():
    root = Path(__file__).resolve().parents[2] / "app" / "grading"
    used = set()
    for name in ("dockerfile.py", "compose.py"):
        used |= set(RULE_ID_RE.findall((root / name).read_text()))
    assert used, "no rule ids found"
    assert sorted(used - set(rules.RULES)) == []


def test_the_reference_page_is_generated_from_the_registry():
    page = Path(__file__).resolve().parents[2] / "docs" / "checker-rules.md"
    assert page.read_text() == rules.reference_markdown()


@pytest.mark.parametrize(("base", "advice", "not_advice"), [
    ("node:22-slim", "node -e", "python"),
    ("nginx:1.27", "curl", "python"),
    ("python:3.12-slim", "python -c", "curl"),
])
def test_health_check_advice_fits_the_image(base, advice, not_advice):
    text = f'FROM {base}\nUSER 1000\nCMD ["x"]\n'
    found = [f for f in dockerfile.check(text) if f.rule == "no-healthcheck"]
    assert found and found[0].severity == "warning"
    assert advice in found[0].fix and not_advice not in found[0].fix
    assert "HEALTHCHECK CMD" not in found[0].message


@pytest.mark.parametrize(("text", "words"), [
    ("FROM python:3.12-alpine\nRUN useradd -m app\n", "useradd"),
    ("FROM python:3.12-slim\nRUN apt-get install -y curl\n", "apt-get update"),
    ("FROM python:3.12-slim\nHEALTHCHECK CMD true\nRUN curl -fsSL https://example.com/x.sh | sh\n",
     "curl"),
])
def test_a_step_that_fails_in_the_build_model_is_an_error(text, words):
    found = [f for f in dockerfile.check(text) if f.rule == "build-fails"]
    assert found and found[0].is_error and words in found[0].message
