"""The deployment files pass the project's own checkers and agree with the app and the README."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from app.lint_cli import lint_cli
from tests.conftest import ROOT

K8S = ROOT / "deploy" / "k8s"
# kustomization.yaml is kustomize's own file, not a Kubernetes object: it is not checked.
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
README = ROOT / "README.md"


def lint(kind: str, *paths) -> str:
    """Run `flask lint KIND FILE...`; fail on any error finding; return what it printed."""
    result = CliRunner().invoke(lint_cli, [kind, *map(str, paths)])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_dockerfile_passes_the_dockerfile_checker():
    lint("dockerfile", DOCKERFILE)


def test_the_compose_file_passes_the_compose_checker():
    lint("compose", COMPOSE)


def test_the_kubernetes_manifests_pass_the_kubernetes_checker_together():
    assert {p.name for p in MANIFESTS} >= {
        "namespace.yaml", "secret.yaml", "postgres.yaml", "app.yaml", "ingress.yaml"
    }
    lint("k8s", *MANIFESTS)


def test_kustomization_lists_every_manifest():
    listed = YAML(typ="safe").load(K8S.joinpath("kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == [p.name for p in MANIFESTS]


def load_all(path) -> list[dict]:
    """Every YAML document of a file."""
    return [doc for doc in YAML(typ="safe").load_all(path.read_text()) if doc]


def test_the_deployment_has_probes_limits_and_two_replicas_on_the_app_port():
    objects = [doc for p in MANIFESTS for doc in load_all(p)]
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    assert deployment["spec"]["replicas"] >= 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert {"startupProbe", "readinessProbe", "livenessProbe"} <= container.keys()
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"cpu", "memory"} <= container["resources"]["limits"].keys()
    assert container["ports"][0]["containerPort"] == 8000
    ingress = next(o for o in objects if o["kind"] == "Ingress")
    assert ingress["spec"]["ingressClassName"] == "traefik" and ingress["spec"]["tls"]


def test_compose_runs_the_app_on_postgres_with_coolify_variables_and_health_checks():
    compose = YAML(typ="safe").load(COMPOSE.read_text())
    app, db = compose["services"]["app"], compose["services"]["db"]
    env = "\n".join(app["environment"])
    assert "SERVICE_FQDN_APP_8000" in env
    assert "${SERVICE_PASSWORD_POSTGRES}@db:5432" in env
    assert "SECRET_KEY=${SERVICE_BASE64_64_SECRETKEY}" in env
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthz" in " ".join(app["healthcheck"]["test"]) and db["healthcheck"]
    data_volume = db["volumes"][0].split(":")[0]
    assert data_volume in compose["volumes"], "the database must live in a named volume"


def test_every_variable_of_the_compose_file_is_documented_in_its_header():
    text = COMPOSE.read_text()
    header = text.split("\nservices:")[0]
    body = text[len(header):]
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", body)) | set(
        re.findall(r"^\s+- (SERVICE_[A-Z0-9_]+)$", body, re.M)
    )
    used -= {"POSTGRES_USER"}  # the db container's own, escaped as $${...}
    undocumented = sorted(v for v in used if not re.search(rf"#\s+{v}\b", header))
    assert undocumented == []


def environment_variables_read() -> set[str]:
    """Every environment variable the app, gunicorn and the container entrypoint read."""
    names: set[str] = set()
    sources = [ROOT / "app" / "config.py", ROOT / "gunicorn.conf.py"]
    for source in sources:
        text = source.read_text()
        names |= set(re.findall(r"environ\.get\(\s*[\"']([A-Z0-9_]+)", text))
        names |= set(re.findall(r"(?:env_int|env_bool|_whole)\(\s*[\"']([A-Z0-9_]+)", text))
    entrypoint = (ROOT / "scripts" / "docker-entrypoint.sh").read_text()
    names |= set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*):-", entrypoint))
    return names


def test_every_environment_variable_is_in_the_readme_configuration_reference():
    names = environment_variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "WEB_CONCURRENCY", "TRUSTED_PROXIES"} <= names
    reference = README.read_text().split("## Configuration", 1)[1]
    missing = sorted(n for n in names if f"| `{n}` |" not in reference)
    assert missing == []


@pytest.mark.parametrize("folder", ["migrations", "templates", "exercises", "runner", "static"])
def test_the_image_holds_what_the_app_reads_at_run_time(folder):
    assert re.search(rf"^COPY {folder} \./{folder}$", DOCKERFILE.read_text(), re.M)


def test_a_gunicorn_worker_freezes_what_it_built_before_serving():
    """The objects a worker built at start-up are out of the garbage collector's sight, so no
    collection while serving walks them all (a pause of every request thread in that worker)."""
    import subprocess
    import sys

    probe = (
        "import gc, runpy\n"
        "settings = runpy.run_path('gunicorn.conf.py')\n"
        "built_at_start_up = [[n] for n in range(1000)]\n"
        "settings['post_worker_init'](None)\n"
        "print(gc.get_freeze_count())\n"
    )
    frozen = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert int(frozen) >= 1000
