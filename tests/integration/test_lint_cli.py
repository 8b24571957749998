"""`flask lint k8s|dockerfile|compose FILE...`: findings as FILE:LINE lines, exit 1 on errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.lint_cli import lint_cli

REALWORLD = Path(__file__).resolve().parents[1] / "fixtures" / "realworld"

GOOD_DOCKERFILE = """\
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 PORT=8000
WORKDIR /app
RUN useradd --create-home app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER app
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')"
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT} app:app"]
"""


def lint(*args: str, stdin: str | bytes | None = None):
    """Run `lint ...` directly through click (no app needed)."""
    return CliRunner().invoke(lint_cli, list(args), input=stdin)


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def test_flask_lint_is_registered_on_the_app(runner, tmp_path):
    path = write(tmp_path, "Dockerfile", GOOD_DOCKERFILE)
    result = runner.invoke(args=["lint", "dockerfile", path])
    assert result.exit_code == 0, result.output
    assert "1 file checked: no problems" in result.output


def test_clean_realworld_files_exit_zero():
    k8s = sorted(str(p) for p in (REALWORLD / "k8s").iterdir())
    assert lint("k8s", *k8s).exit_code == 0
    docker = sorted(str(p) for p in (REALWORLD / "docker").rglob("*.Dockerfile"))
    result = lint("dockerfile", *docker)
    assert result.exit_code == 0, result.output
    assert "warning [port-hard-coded]" in result.stdout  # warnings are printed, not fatal
    compose = sorted(str(p) for p in (REALWORLD / "compose").rglob("*.yaml"))
    assert lint("compose", *compose).exit_code == 0


def test_findings_are_printed_as_file_line_severity_rule_message(tmp_path):
    path = write(tmp_path, "Dockerfile", GOOD_DOCKERFILE.replace("USER app\n", ""))
    result = lint("dockerfile", path)
    assert result.exit_code == 0  # running as root is advice: base images often do
    lines = result.stdout.splitlines()
    assert lines == [
        f"{path}:1: warning [runs-as-root] There is no USER instruction, so the container runs as "
        "root. Whoever breaks into the app is then root inside the container, one "
        "container-escape bug away from root on the VPS that runs all your apps. Create a user "
        "(RUN useradd --create-home app) and switch to it with USER app before CMD."
    ]
    assert "1 file checked: 1 warning" in result.stderr


def test_manifests_are_checked_together_so_references_resolve(tmp_path):
    deployment = write(tmp_path, "deploy.yaml", (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec:\n      containers:\n        - name: web\n          image: web:1.0\n"
        "          ports: [{name: http, containerPort: 8000}]\n"
        "          readinessProbe: {tcpSocket: {port: http}}\n"
    ))
    service = write(tmp_path, "svc.yaml", (
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
        "  selector: {app: api}\n  ports: [{port: 80, targetPort: http}]\n"
    ))
    assert lint("k8s", service).exit_code == 0  # alone: its pods may live elsewhere
    result = lint("k8s", deployment, service)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{service}:5: error [service-selects-no-pods] ")


def test_warnings_alone_exit_zero_and_can_be_hidden(tmp_path):
    path = write(tmp_path, "compose.yaml", "version: '3'\nservices:\n  web: {image: 'a:1'}\n")
    result = lint("compose", path)
    assert result.exit_code == 0
    assert f"{path}:1: warning [version-obsolete]" in result.stdout
    quiet = lint("compose", "--errors-only", path)
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert "1 warning" in quiet.stderr


@pytest.mark.parametrize(
    ("kind", "name", "content", "words"),
    [
        ("k8s", "bin.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
        ("k8s", "tabs.yaml", "kind: Service\nspec:\n\tports: []\n", ":3: error [yaml-syntax]"),
        ("dockerfile", "Dockerfile", b"\xff\xfeF\x00R\x00", "not UTF-8 text"),
        ("compose", "compose.yaml", "- web\n", ":1: error [compose-shape]"),
    ],
)
def test_bad_files_give_a_message_and_exit_one(tmp_path, kind, name, content, words):
    path = write(tmp_path, name, content)
    result = lint(kind, path)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert words in result.stdout


def test_unreadable_paths_are_reported_and_the_rest_still_checked(tmp_path):
    good = write(tmp_path, "Dockerfile", GOOD_DOCKERFILE)
    missing = str(tmp_path / "nope")
    result = lint("dockerfile", missing, str(tmp_path), good)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{missing}: error [unreadable-file] cannot read the file: no such file",
        f"{tmp_path}: error [unreadable-file] cannot read the file: this is a directory; pass "
        "the files inside it",
    ]
    assert "3 files checked: 2 errors" in result.stderr


def test_standard_input_is_read_with_a_dash():
    result = lint("k8s", "-", stdin="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
                  "data: {PORT: 8000}\n")
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>:4: error [configmap-not-string]")


def test_the_size_limit_is_an_option(tmp_path):
    path = write(tmp_path, "big.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"
                 + "# padding\n" * 2000)
    assert lint("k8s", path).exit_code == 0
    result = lint("k8s", "--max-kb", "8", path)
    assert result.exit_code == 1 and "[file-too-large]" in result.stdout


def test_files_are_required():
    result = lint("compose")
    assert result.exit_code == 2 and "Missing argument" in result.output
