"""The manifest, Dockerfile and compose checkers import and run inside real Pyodide, and
find exactly what they find under CPython."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.grading import compose
from app.grading import dockerfile
from app.grading import manifests
from app.grading.node import PyodideNodeRunner

pytestmark = pytest.mark.pyodide

REALWORLD = Path(__file__).resolve().parents[1] / "fixtures" / "realworld"
LIMIT_MS = 30_000

BROKEN_MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: webapp}
    spec:
      containers:
        - name: web
          image: web
          env: [{name: PORT, value: 8000}]
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: web}
spec:
  routes:
    - match: Host(`a.example.com`, `b.example.com`)
      services: [{name: web, port: 80}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  ingress: [{toPorts: [{ports: [{port: 80}]}]}]
"""
BROKEN_DOCKERFILE = "FROM python\nCOPY . .\nRUN pip install -r requirements.txt\n" \
    "ENV SECRET_KEY=abc\nCMD flask run\n"
BROKEN_COMPOSE = "services:\n  web:\n    build: .\n    depends_on:\n      db:\n" \
    "        condition: service_healthy\n  db:\n    image: postgres\n"
DEEP_BLOCKS = "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "v\n"

TESTS = '''\
import json
import sys
from pathlib import Path

from grading import compose, dockerfile, manifests, submission

EXPECTED = json.loads(submission.read("expected.json"))


def summary(findings):
    return [[f.rule, f.severity, f.line] for f in findings]


def files(folder):
    return sorted(p for p in submission.path(folder).iterdir())


def test_it_runs_in_pyodide():
    assert sys.platform == "emscripten"


def test_realworld_manifests_pass_cleanly_in_pyodide():
    found = manifests.check_files([(p.name, p.read_text()) for p in files("k8s")])
    assert found == [], [f.format() for f in found]


def test_realworld_dockerfiles_and_compose_files_have_no_errors_in_pyodide():
    for path in files("docker"):
        assert [f for f in dockerfile.check(path.read_text()) if f.is_error] == []
    for path in files("compose"):
        assert compose.check(path.read_text()) == []


def test_findings_are_the_same_as_under_cpython():
    assert summary(manifests.check(submission.read("broken.yaml"))) == EXPECTED["manifest"]
    assert summary(dockerfile.check(submission.read("Dockerfile"))) == EXPECTED["dockerfile"]
    assert summary(compose.check(submission.read("compose.yaml"))) == EXPECTED["compose"]


def test_hostile_input_gives_findings_not_crashes_in_pyodide():
    assert summary(manifests.check("[" * 100000)) == EXPECTED["deep_flow"]
    assert summary(manifests.check(submission.read("deep.yaml"))) == EXPECTED["deep_blocks"]
    assert summary(manifests.check("x" * 1000000)) == EXPECTED["huge"]
    assert summary(manifests.check(bytes(range(256)).decode("latin-1"))) == EXPECTED["binary"]
'''


def summary(findings) -> list[list]:
    return [[f.rule, f.severity, f.line] for f in findings]


def test_checkers_run_in_pyodide_with_the_same_findings(pyodide_runner: PyodideNodeRunner):
    expected = {
        "manifest": summary(manifests.check(BROKEN_MANIFEST)),
        "dockerfile": summary(dockerfile.check(BROKEN_DOCKERFILE)),
        "compose": summary(compose.check(BROKEN_COMPOSE)),
        "deep_flow": summary(manifests.check("[" * 100000)),
        "deep_blocks": summary(manifests.check(DEEP_BLOCKS)),
        "huge": summary(manifests.check("x" * 1000000)),
        "binary": summary(manifests.check(bytes(range(256)).decode("latin-1"))),
    }
    # The cases must be interesting under CPython first, or the comparison proves nothing.
    assert {"selector-template-mismatch", "env-not-string", "traefik-rule", "cilium-port"} <= {
        rule for rule, _, _ in expected["manifest"]
    }
    assert {"runs-as-root", "dev-server", "secret-in-env", "deps-after-code"} <= {
        rule for rule, _, _ in expected["dockerfile"]
    }
    assert {"healthy-without-healthcheck", "db-without-volume"} <= {
        rule for rule, _, _ in expected["compose"]
    }
    assert [e[0] for e in expected["huge"]] == ["file-too-large"]
    files = {
        f"{folder}/{path.name}": path.read_text()
        for folder in ("k8s", "docker", "compose")
        for path in sorted((REALWORLD / folder).iterdir())
        if path.is_file()  # subfolders (official images, Coolify templates) are checked on CPython
    }
    files.update({
        "broken.yaml": BROKEN_MANIFEST, "Dockerfile": BROKEN_DOCKERFILE,
        "compose.yaml": BROKEN_COMPOSE, "deep.yaml": DEEP_BLOCKS,
        "expected.json": json.dumps(expected),
    })
    job = {"mode": "check", "files": files, "tests": {"test_checkers.py": TESTS}}
    verdict = pyodide_runner.grade(job, LIMIT_MS)
    assert verdict.status == "passed", verdict
    assert len(verdict.tests) == 5 and all(t.outcome == "passed" for t in verdict.tests), verdict
