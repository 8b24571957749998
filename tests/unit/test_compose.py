"""The compose checker: real-world files pass, each rule fires with a reason, bad input is
reported, never raised."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.grading import compose
from app.grading.compose import ComposeError
from app.grading.findings import Finding
from app.lint_cli import lint_cli

REALWORLD = Path(__file__).resolve().parents[1] / "fixtures" / "realworld" / "compose"
REALWORLD_FILES = sorted(REALWORLD.glob("*.yaml"))

# The app and its database, as the Coolify track asks for; the tests break it line by line.
STACK = """\
services:
  web:
    build: .
    environment:
      DATABASE_URL: postgresql://app:${DB_PASSWORD}@db:5432/app
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}
    volumes:
      - db-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
volumes:
  db-data:
"""


def review(text: str) -> list[Finding]:
    return compose.check(text, "compose.yaml")


def only(text: str, rule: str) -> Finding:
    found = [f for f in review(text) if f.rule == rule]
    assert len(found) == 1, [f.format() for f in review(text)]
    return found[0]


def changed(old: str, new: str) -> str:
    assert old in STACK, old
    return STACK.replace(old, new, 1)


def test_realworld_fixtures_are_there():
    assert {p.name for p in REALWORLD_FILES} >= {"flask-postgres.yaml", "traefik-labels.yaml"}


@pytest.mark.parametrize("path", REALWORLD_FILES, ids=lambda p: p.name)
def test_realworld_compose_files_pass_cleanly(path):
    assert [f.format() for f in compose.check(path.read_text(), path.name)] == []


def test_the_stack_is_clean():
    assert review(STACK) == []


def test_load_gives_lines_or_a_compose_error():
    doc = compose.load(STACK)
    assert doc.line_of("services", "db", "volumes", 0) == 14
    with pytest.raises(ComposeError) as info:
        compose.load("- web\n- db\n")
    assert "is a list" in info.value.message


@pytest.mark.parametrize(
    ("text", "rule", "line", "words"),
    [
        ("", "compose-shape", 1, "empty"),
        ("- web\n- db\n", "compose-shape", 1, "is a list"),
        ("services:\n\tweb: {}\n", "yaml-syntax", 2, "tab"),
        ("services:\n  web:\n    image: a\n    image: b\n", "yaml-syntax", 4, "appears twice"),
        ("\x00\x00PK\x03\x04", "not-text", 1, "binary file"),
        ("services: [web, db]\n", "compose-shape", 1, "not a mapping"),
        ("name: x\n", "no-services", 1, "nothing to run"),
    ],
)
def test_unreadable_compose_files_become_findings(text, rule, line, words):
    found = [f for f in review(text) if f.is_error]
    assert [(f.rule, f.line) for f in found][:1] == [(rule, line)]
    assert words in found[0].message


def test_a_json_compose_file_is_read():
    text = '{"services": {"web": {"image": "nginx:1.27", "ports": ["8080:80"]}}}'
    assert review(text) == []


def test_one_megabyte_is_refused_quickly():
    text = STACK + "x-pad:\n" + "  - padding line\n" * 70_000
    started = time.perf_counter()
    [finding] = review(text)
    assert finding.rule == "file-too-large" and time.perf_counter() - started < 0.5


def test_several_documents_are_a_warning():
    assert only(STACK + "---\nservices: {}\n", "several-documents").severity == "warning"


# (old, new, rule, severity, line, words): one broken line of STACK and what it must raise.
RULE_CASES = [
        ("services:\n", "version: '3.8'\nservices:\n", "version-obsolete", "warning", 1,
         "obsolete"),
        ("volumes:\n  db-data:\n", "volume:\n  db-data:\n", "unknown-top-level", "error", 17,
         "did you mean 'volumes'"),
        ("    build: .\n", "    biuld: .\n", "unknown-key", "error", 3, "did you mean 'build'"),
        ("    build: .\n", "    command: run\n", "no-image-or-build", "error", 2,
         "neither image: nor build:"),
        ("    image: postgres:16\n", "    image: postgres\n", "db-image-unpinned", "warning", 10,
         "cannot read the old data directory"),
        ("      - db-data:/var/lib/postgresql/data\n", "      - pgdata:/var/lib/postgresql/data\n",
         "undeclared-volume", "error", 14, "refers to undefined volume pgdata"),
        ("      - db-data:/var/lib/postgresql/data\n", "      - /var/lib/postgresql/data\n",
         "db-without-volume", "error", 14, "empty database"),
        ("    volumes:\n      - db-data:/var/lib/postgresql/data\n", "", "db-without-volume",
         "error", 9, "mounted at /var/lib/postgresql/data"),
        ("/var/lib/postgresql/data", "/var/lib/postgresql", "db-volume-path", "error", 14,
         "one level higher"),
        ("postgres:16", "postgres:18", "db-volume-path", "error", 14,
         "refuses to start"),
        ("    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n", "",
         "healthy-without-healthcheck", "error", 8, "never starts"),
        ("        condition: service_healthy\n", "        condition: service_ready\n",
         "invalid-condition", "error", 8, "service_healthy"),
        ("    depends_on:\n      db:\n", "    depends_on:\n      dbs:\n", "unknown-service",
         "error", 7, "did you mean 'db'"),
        ("    depends_on:\n      db:\n        condition: service_healthy\n",
         "    depends_on:\n      - db\n", "depends-on-not-ready", "warning", 7,
         "not to be ready"),
        ("      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}\n",
         "      POSTGRES_PASSWORD: example\n", "plain-secret", "error", 12, "goes to git"),
        ("postgresql://app:${DB_PASSWORD}@db", "postgresql://app:s3cret@db", "plain-secret",
         "error", 5, "password written into the URL"),
        ("    image: postgres:16\n", "    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
         "db-port-published", "warning", 12, "bypass ufw"),
        ("    build: .\n", "    build: .\n    restart: sometimes\n", "invalid-restart", "error", 4,
         "unless-stopped"),
        ("    build: .\n", "    build: .\n    networks: [backend]\n", "undeclared-network",
         "error", 4, "refuses to start"),
        ("    build: .\n", "    build: .\n    secrets: [api_key]\n", "undeclared-secret",
         "error", 4, "api_key"),
        ("    build: .\n", "    build: .\n    ports:\n      - \"99999:80\"\n", "invalid-port",
         "error", 5, "1 to 65535"),
        ("    build: .\n", "    build: .\n    ports:\n      - \"80-a\"\n", "invalid-port",
         "error", 5, "HOST:CONTAINER"),
        ("    build: .\n", "    build: .\n    ports:\n      - 22:22\n", "unquoted-port", "warning",
         5, "base-60"),
        ('test: ["CMD-SHELL", "pg_isready -U postgres"]', 'test: ["pg_isready"]',
         "healthcheck-test", "error", 16, "CMD-SHELL"),
        ('pg_isready -U postgres"]', 'pg_isready -U $POSTGRES_USER"]\n      intervall: 5s',
         "unknown-key", "error", 17, "did you mean 'interval'"),
]


@pytest.mark.parametrize(("old", "new", "rule", "severity", "line", "words"), RULE_CASES)
def test_compose_rules(old, new, rule, severity, line, words):
    finding = only(changed(old, new), rule)
    assert (finding.severity, finding.line) == (severity, line)
    assert words in f"{finding.message} {finding.fix}"


# A message says what is wrong and what follows; what to write instead is the fix, which the
# linter prints and an exercise does not show (PEDAGOGY.md: never the corrected text).
ADVICE_IN_MESSAGE = re.compile(
    r"did you mean|e\.g\.|(?:^|[.;:] )(?:Write|Mount|Give|Pin|Use|Remove|Add|Bind|Declare|Quote)\b"
)


@pytest.mark.parametrize(("old", "new", "rule", "severity", "line", "words"), RULE_CASES)
def test_a_message_never_holds_the_fix(old, new, rule, severity, line, words):
    for finding in review(changed(old, new)):
        assert not ADVICE_IN_MESSAGE.search(finding.message), finding.message
        assert not finding.fix or finding.fix not in finding.message
    assert only(changed(old, new), rule).fix, f"{rule} says what to do about it"


def test_the_linter_prints_the_fix_beside_the_message(tmp_path):
    broken = tmp_path / "compose.yaml"
    broken.write_text(changed(
        "    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n", ""))
    result = CliRunner().invoke(lint_cli, ["compose", str(broken)])
    [line] = [out for out in result.output.splitlines() if "healthy-without-healthcheck" in out]
    assert "never starts" in line and "Give 'db' a healthcheck, e.g. test:" in line
    assert result.exit_code == 1


def test_a_healthcheck_variable_from_the_container_needs_double_dollars():
    text = changed("      POSTGRES_PASSWORD", "      POSTGRES_USER: app\n      POSTGRES_PASSWORD")
    text = text.replace("pg_isready -U postgres", "pg_isready -U $POSTGRES_USER")
    assert "$$POSTGRES_USER" in only(text, "compose-interpolation").fix
    assert "compose-interpolation" not in {
        f.rule for f in review(text.replace("$POSTGRES_USER", "$$POSTGRES_USER"))
    }


def test_a_built_dependency_may_have_its_healthcheck_in_its_dockerfile():
    text = changed("    image: postgres:16\n", "    build: ./db\n").replace(
        "    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n", "")
    assert only(text, "healthy-without-healthcheck").severity == "warning"


def test_traefik_labels_are_checked_and_published_ports_questioned():
    text = changed("    build: .\n", "    build: .\n    ports: [\"8000:8000\"]\n    labels:\n"
                   "      - traefik.http.routers.web.rule=Host('shop.example.com')\n"
                   "      - traefik.http.services.web.loadbalancer.server.port=http\n")
    found = {(f.rule, f.severity) for f in review(text)}
    assert found == {("traefik-rule", "error"), ("traefik-port", "error"),
                     ("port-bypasses-proxy", "warning")}


def test_an_interpolated_traefik_port_is_left_to_compose():
    text = changed("    build: .\n", "    build: .\n    labels:\n"
                   "      - traefik.http.services.web.loadbalancer.server.port=${PORT:-8000}\n")
    assert "traefik-port" not in {f.rule for f in review(text)}


def test_the_proxy_itself_may_publish_its_ports():
    text = changed("volumes:\n  db-data:\n", "  proxy:\n    image: traefik:v3.2\n"
                   "    ports: [\"80:80\", \"443:443\"]\n    labels:\n"
                   "      - traefik.http.routers.api.rule=Host(`proxy.example.com`)\n"
                   "volumes:\n  db-data:\n")
    assert review(text) == []


def test_a_cache_without_volume_is_only_a_warning_and_localhost_ports_are_fine():
    text = changed("volumes:\n  db-data:\n", "  cache:\n    image: redis:7.4\n"
                   "    ports: [\"127.0.0.1:6379:6379\"]\nvolumes:\n  db-data:\n")
    finding = only(text, "db-without-volume")
    assert finding.severity == "warning" and "only a cache" in finding.fix


def test_top_level_secrets_need_a_source():
    text = STACK + "secrets:\n  api_key: {}\n  ok: {file: ./api_key.txt}\n"
    assert only(text, "secret-source").line == 20


def test_odd_shapes_never_crash_the_review():
    lines = STACK.splitlines()
    for i, line in enumerate(lines):
        if ":" not in line:
            continue
        key = line.split(":", 1)[0]
        for value in ("[1, 2]", "{a: 1}", "5", "null", "[{}]"):
            text = "\n".join([*lines[:i], f"{key}: {value}", *lines[i + 1 :]])
            for finding in review(text):
                assert finding.severity in ("error", "warning") and finding.line >= 1
                assert finding.rule != "unchecked", finding.format()


@pytest.mark.parametrize(("value", "flagged"), [
    ("${SERVICE_PASSWORD_POSTGRES:-Sh0p-2024!}", True),
    ("${DB_PASSWORD-changeme}", True),
    ("postgresql://shop:${SERVICE_PASSWORD_POSTGRES:-Sh0p-2024!}@db/shop", True),
    ("${SERVICE_PASSWORD_POSTGRES}", False),
    ("${DB_PASSWORD:?set it in Coolify}", False),
    ("postgresql://${SERVICE_USER_DB}:${SERVICE_PASSWORD_DB}@db/shop", False),
])
def test_a_secret_that_falls_back_to_a_written_password_is_reported(value, flagged):
    text = ("services:\n  web:\n    image: shop:1.0\n    environment:\n"
            f"      DB_PASSWORD: \"{value}\"\n      DATABASE_URL: \"{value}\"\n")
    found = [f for f in compose.check(text) if f.rule == "secret-default"]
    assert bool(found) is flagged
    assert all(f.severity == "warning" and f.line in (5, 6) for f in found)


def test_a_duration_named_like_a_token_is_not_a_secret():
    text = ("services:\n  web:\n    image: shop:1.0\n    environment:\n"
            "      PASSWORD_RESET_TOKEN_EXPIRES_IN: ${PASSWORD_RESET_TOKEN_EXPIRES_IN:-5m}\n")
    assert not [f for f in compose.check(text) if "secret" in f.rule]


@pytest.mark.parametrize(("healthcheck", "error"), [
    ('    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U shop"]\n', False),
    ("    healthcheck:\n      test: pg_isready -U shop\n", False),
    ('    healthcheck:\n      test: ["NONE"]\n', True),  # Docker turns the check off
    ("    healthcheck:\n      interval: 5s\n      retries: 5\n", True),  # postgres: no test
    ("    healthcheck:\n      disable: true\n", True),
    ("", True),
])
def test_waiting_for_a_healthy_database_needs_a_test_docker_runs(healthcheck, error):
    text = ("services:\n  web:\n    image: shop:1.0\n    depends_on:\n      db:\n"
            "        condition: service_healthy\n  db:\n    image: postgres:17\n"
            "    volumes: [pg:/var/lib/postgresql/data]\n" + healthcheck + "volumes:\n  pg:\n")
    found = [f for f in compose.check(text) if f.rule == "healthy-without-healthcheck"]
    assert bool([f for f in found if f.is_error]) is error


@pytest.mark.parametrize(("url", "plain"), [
    ("postgresql://${SERVICE_USER_DB:?}:${SERVICE_PASSWORD_DB:?}@db:5432/shop", False),
    ("postgresql://shop:${DB_PASSWORD:?set it}@db/shop", False),
    ("postgresql://${DB_USER}:s3cret-pw@db/shop", True),
    ("postgresql://shop:s3cret-pw@db/shop", True),
])
def test_a_password_in_a_url_is_judged_after_interpolation(url, plain):
    text = ("services:\n  web:\n    image: shop:1.0\n    environment:\n"
            f"      DATABASE_URL: \"{url}\"\n")
    assert bool([f for f in compose.check(text) if f.rule == "plain-secret"]) is plain


def test_a_list_merged_with_a_merge_key_is_refused_except_in_a_coolify_template():
    body = ("services:\n  web:\n    image: nginx:1.27\n    volumes: &volumes\n"
            "      - data:/data\n  worker:\n    image: nginx:1.27\n    volumes:\n"
            "      <<: *volumes\nvolumes:\n  data:\n")
    plain = compose.check(body)
    assert [(f.rule, f.severity) for f in plain] == [("yaml-syntax", "error")]
    header = "# documentation: https://example.com\n# slogan: A service.\n"
    template = compose.check(header + body)
    assert [(f.rule, f.severity) for f in template] == [("unchecked", "warning")]
    assert "not reviewed" in template[0].message


def test_a_traefik_rule_finding_keeps_the_corrected_rule_in_its_fix():
    text = changed("    build: .\n", "    build: .\n    labels:\n      - traefik.enable=true\n"
                   "      - traefik.http.routers.web.rule=Host('shop.example.com')\n"
                   "      - traefik.http.routers.api.rule=Headers(`X-Api`, `1`)\n")
    found = {f.message.split(": ", 2)[1]: f for f in review(text) if f.rule == "traefik-rule"}
    quoted = found["Traefik rule Host('shop.example.com')"]
    assert "single quotes are not accepted" in quoted.message and "404" in quoted.message
    assert "`" not in quoted.message and "backticks" in quoted.fix
    v2 = found["Traefik rule Headers(`X-Api`, `1`)"]
    assert "v2 syntax" in v2.message and "Header()" not in v2.message
    assert v2.fix == "v3 calls it Header()"


@pytest.mark.parametrize(("port", "flagged"), [
    ("http", True),
    ("${APP_PORT:-http}", True),  # Compose makes it 'http' where APP_PORT is unset
    ("70000", True),  # digits, but no port
    ("0", True),
    ("${PORT:-8000}", False),
    ("${PORT}", False),  # only the server knows its value
    ("${PORT:?set PORT}", False),
    ("8000", False),
])
def test_the_traefik_port_is_judged_as_compose_hands_it_to_traefik(port, flagged):
    text = changed("    build: .\n", "    build: .\n    labels:\n"
                   f"      - traefik.http.services.web.loadbalancer.server.port={port}\n")
    found = [f for f in review(text) if f.rule == "traefik-port"]
    assert bool(found) == flagged, [f.format() for f in found]


@pytest.mark.parametrize(("environment", "test", "warned"), [
    ("POSTGRES_USER: app", "pg_isready -U $POSTGRES_USER", True),
    ("POSTGRES_USER: app", "pg_isready -U $$POSTGRES_USER", False),
    # $$ is a literal $, then $POSTGRES_USER is Compose's.
    ("POSTGRES_USER: app", "pg_isready -U $$$POSTGRES_USER", True),
    # The same default on both sides: Compose gives the check what the container gets.
    ("POSTGRES_USER: ${POSTGRES_USER:-app}", "pg_isready -U ${POSTGRES_USER:-app}", False),
    ("POSTGRES_USER: ${POSTGRES_USER:-app}", "pg_isready -U ${POSTGRES_USER:-shop}", True),
    # The container's variable is filled from another one: Compose's own differs.
    ("POSTGRES_USER: ${DB_USER:-app}", "pg_isready -U ${POSTGRES_USER}", True),
    # Coolify's way: the same magic variable on both sides.
    ("POSTGRES_USER: ${SERVICE_USER_POSTGRES}", "pg_isready -U ${SERVICE_USER_POSTGRES}", False),
])
def test_healthcheck_interpolation_is_judged_by_the_value_compose_gives(environment, test,
                                                                         warned):
    text = changed("      POSTGRES_PASSWORD", f"      {environment}\n      POSTGRES_PASSWORD")
    text = text.replace("pg_isready -U postgres", test)
    found = [f for f in review(text) if f.rule == "compose-interpolation"]
    assert bool(found) == warned, [f.format() for f in review(text)]


def test_postgres_18_without_a_volume_is_told_to_mount_the_folder_the_image_declares():
    found = [f for f in compose.check("services:\n  db:\n    image: postgres:18\n")
             if f.rule == "db-without-volume"]
    assert found and found[0].is_error
    assert found[0].fix.startswith("mount a named volume: - db-data:/var/lib/postgresql ")
    assert "- db-data:/var/lib/postgresql (and" in found[0].format()
    assert ". Mount a named volume" in found[0].format()
