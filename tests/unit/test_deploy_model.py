"""The deploy model answers what Docker, Compose, Traefik and Coolify would do."""

from __future__ import annotations

import json
import time

import pytest

from app.grading.deploy import DeployError
from app.grading.deploy import build
from app.grading.deploy import compose
from app.grading.deploy import coolify
from app.grading.deploy import traefik

APP = (
    "from flask import Flask\napp = Flask(__name__)\n\n"
    "@app.get('/')\ndef index():\n    return 'shop'\n\n"
    "@app.get('/healthz')\ndef healthz():\n    return 'ok'\n"
)
CONTEXT = {"app.py": APP, "requirements.txt": "flask\ngunicorn\n"}
GOOD = """FROM python:3.12-slim
ENV PORT=8000
WORKDIR /app
RUN useradd --create-home shop
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER shop
{health}
CMD {cmd}
"""
SHELL_CMD = '["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT} app:app"]'


def image(health: str = "", cmd: str = SHELL_CMD, base: str = "python:3.12-slim",
          context: dict[str, str] | None = None):
    text = GOOD.format(health=health, cmd=cmd).replace("python:3.12-slim", base)
    return build(text, context or CONTEXT)


# -- build ---------------------------------------------------------------------------------
def test_pip_user_as_root_is_not_visible_to_the_app_user():
    text = GOOD.format(health="", cmd=SHELL_CMD).replace("pip install", "pip install --user")
    container = build(text, CONTEXT).run({})
    assert container.crash is not None
    assert "/root/.local/bin/gunicorn" in container.crash.reason


def test_pip_user_as_the_app_user_lands_in_its_home():
    text = """FROM python:3.12-slim
RUN useradd -m app
USER app
WORKDIR /home/app
COPY requirements.txt .
RUN pip install --user -r requirements.txt
COPY app.py .
ENV PATH=/home/app/.local/bin:$PATH
CMD gunicorn -b 0.0.0.0:8000 app:app
"""
    container = build(text, CONTEXT).run({})
    assert container.crash is None
    assert container.listener.port == 8000


def test_env_is_expanded_at_build_time_so_a_runtime_port_does_not_change_it():
    text = GOOD.format(health="", cmd='gunicorn --bind "$BIND" app:app').replace(
        "ENV PORT=8000", "ENV PORT=8000\nENV BIND=0.0.0.0:${PORT}")
    container = build(text, CONTEXT).run({"PORT": "3000"})
    assert container.listener.port == 8000


def test_exec_form_does_not_expand_variables():
    container = image(cmd='["gunicorn", "--bind", "0.0.0.0:${PORT}", "app:app"]').run({})
    assert container.crash is not None
    assert "'${PORT}' is not a valid port number" in container.crash.reason


def test_a_user_created_only_behind_or_is_missing():
    text = GOOD.format(health="", cmd=SHELL_CMD).replace(
        "RUN useradd --create-home shop", "RUN true || useradd --create-home shop")
    container = build(text, CONTEXT).run({})
    assert "unable to find user shop" in container.crash.reason


def test_heredoc_run_creates_the_user_and_installs():
    text = """# syntax=docker/dockerfile:1
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN <<EOF
pip install -r requirements.txt
useradd -m web
EOF
COPY app.py .
USER web
CMD exec gunicorn -b 0.0.0.0:8000 app:app
"""
    container = build(text, CONTEXT).run({})
    assert container.crash is None


def test_copy_from_by_index_and_different_python_versions():
    text = """FROM python:3.11-slim
RUN python -m venv /venv && /venv/bin/pip install flask gunicorn
FROM python:3.12-slim
COPY --from=0 /venv /venv
ENV PATH=/venv/bin:$PATH
WORKDIR /app
COPY app.py .
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
"""
    container = build(text, CONTEXT).run({})
    assert container.crash is not None


def test_copy_from_a_later_stage_index_stops_the_build():
    text = "FROM python:3.12-slim\nCOPY --from=1 /x /x\nFROM python:3.12-slim AS b\n"
    assert build(text, CONTEXT).error is not None


def test_compiled_package_needs_compilers_then_its_runtime_library():
    reqs = {"app.py": "import psycopg2\n", "requirements.txt": "psycopg2==2.9.10\ngunicorn\n"}
    no_compiler = build("FROM python:3.12-slim\nCOPY requirements.txt .\n"
                        "RUN pip install -r requirements.txt\n", reqs)
    assert "compiled from source" in no_compiler.error.reason
    two_stages = """FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y build-essential libpq-dev
COPY requirements.txt .
RUN pip wheel -w /wheels -r requirements.txt
FROM python:3.12-slim
COPY --from=build /wheels /wheels
COPY requirements.txt .
RUN pip install --no-index --find-links /wheels -r requirements.txt
WORKDIR /app
COPY app.py .
CMD gunicorn -b 0.0.0.0:8000 app:app
"""
    container = build(two_stages, reqs).run({})
    assert "libpq" in container.crash.reason


def test_wheel_files_named_on_the_command_line_are_installed():
    template = """FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y build-essential libpq-dev
COPY requirements.txt .
RUN pip wheel -w /wheels -r requirements.txt
FROM {final}
RUN apt-get update && apt-get install -y libpq5
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels pip install /wheels/*.whl
WORKDIR /app
COPY app.py .
CMD gunicorn -b 0.0.0.0:8000 app:app
"""
    reqs = {"app.py": "import psycopg2\n", "requirements.txt": "psycopg2==2.9.10\ngunicorn\n"}
    assert build(template.format(final="python:3.12-slim"), reqs).run({}).crash is None
    other_python = build(template.format(final="python:3.13-slim"), reqs)
    assert "not a supported wheel" in other_python.error.reason


def test_apt_get_install_without_update_fails():
    result = build("FROM python:3.12-slim\nRUN apt-get install -y curl\n", {})
    assert "apt-get update" in result.error.reason


def test_secrets_in_env_history_and_layers():
    text = """FROM python:3.12-slim
ENV STRIPE_SECRET_KEY=sk_live_abcdef
ARG TOKEN
RUN pip install --index-url https://t:${TOKEN}@pkgs.example.com/simple flask
COPY .env .
RUN rm .env
"""
    found = build(text, {".env": "X=1\n"}, build_args={"TOKEN": "tok_123456"}).leaks()
    assert {(leak.where, leak.line) for leak in found} == {
        ("config", 2), ("history", 4), ("layer", 5), ("history", 6)}


def test_secret_mount_leaves_no_trace_but_a_copy_of_it_does():
    clean = """FROM python:3.12-slim
RUN --mount=type=secret,id=tok pip install --index-url "https://t:$(cat /run/secrets/tok)@x/" flask
"""
    assert build(clean, {}, secrets={"tok": "tok_123456"}).leaks() == []
    copied = clean.replace("RUN --mount=type=secret,id=tok ",
                           "RUN --mount=type=secret,id=tok cp /run/secrets/tok /tok && ")
    assert build(copied, {}, secrets={"tok": "tok_123456"}).leaks()[0].where == "layer"


def test_a_secret_read_by_command_substitution_reaches_pip_and_any_file_it_is_written_to():
    token = "tok_123456"
    text = """FROM python:3.12-slim
RUN --mount=type=secret,id=tok TOKEN="$(cat /run/secrets/tok)" \\
    && pip install --extra-index-url "https://t:${TOKEN}@x.example/" flask
RUN --mount=type=secret,id=tok,env=TOK \\
    PIP_EXTRA_INDEX_URL="https://t:${TOK}@y.example/" pip install flask
RUN --mount=type=secret,id=tok \\
    pip config --global set global.extra-index-url "https://t:$(cat /run/secrets/tok)@z.example/"
RUN pip install gunicorn
"""
    image = build(text, {}, secrets={"tok": token})
    assert image.package_indexes == [
        (2, f"https://t:{token}@x.example/"), (4, f"https://t:{token}@y.example/"),
        (8, f"https://t:{token}@z.example/")]
    assert [(leak.line, leak.what) for leak in image.leaks()] == [(6, "/etc/xdg/pip/pip.conf")]


def test_dockerignore_keeps_env_out_of_copy_everything():
    text = "FROM python:3.12-slim\nCOPY . .\n"
    assert build(text, {".env": "A=1", "app.py": APP}).leaks()
    assert not build(text, {".env": "A=1", "app.py": APP, ".dockerignore": ".env\n"}).leaks()


# -- run and health checks -------------------------------------------------------------------
def test_shell_without_exec_keeps_sh_as_pid_1():
    container = image(cmd='sh -c "echo starting; gunicorn -b 0.0.0.0:8000 app:app"').run({})
    assert container.process.pid1 == "sh"
    assert not container.process.signals_reach_server
    assert image().run({}).process.pid1 == "gunicorn"


@pytest.mark.parametrize(("health", "healthy"), [
    ("HEALTHCHECK CMD curl -f http://localhost:8000/healthz", False),  # slim has no curl
    ('HEALTHCHECK CMD python -c "import urllib.request as u; '
     "u.urlopen('http://127.0.0.1:8000/healthz')\"", True),
    ('HEALTHCHECK CMD python -c "import urllib.request as u; '
     "u.urlopen('http://[::1]:8000/healthz')\"", False),  # IPv6 loopback, IPv4 bind
    ('HEALTHCHECK CMD python -c "import urllib.request as u; '
     "u.urlopen('http://127.0.0.1:8000/missing')\"", False),
    ('HEALTHCHECK CMD python -c "import requests; '
     "requests.get('http://127.0.0.1:8000/healthz').raise_for_status()\"", False),
    ("HEALTHCHECK CMD python -c \"import http.client, sys; c = http.client.HTTPConnection("
     "'localhost', int('%s' % 8000)); c.request('GET', '/healthz'); "
     "sys.exit(c.getresponse().status != 200)\"", True),
])
def test_health_checks_are_executed(health, healthy):
    assert image(health=health).run({}).health().ok is healthy


@pytest.mark.parametrize("code", [
    "exec(\"import urllib.request as u\\nu.urlopen('http://127.0.0.1:8000/healthz')\")",
    "exec(compile(\"import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz')\", "
    "'c', 'exec'), {})",
    "import base64; exec(base64.b64decode('aW1wb3J0IHVybGxpYi5yZXF1ZXN0IGFzIHUKdS51cmxvcGVuKC"
    "dodHRwOi8vMTI3LjAuMC4xOjgwMDAvaGVhbHRoeicp'))",
    "import sys; sys.exit(eval(\"__import__('urllib.request').request.urlopen("
    "'http://127.0.0.1:8000/healthz').status != 200\"))",
])
def test_a_python_check_that_runs_its_code_through_exec_is_executed_in_the_sandbox(code):
    health = "HEALTHCHECK CMD " + json.dumps(["python", "-c", code])
    container = image(health=health).run({})
    assert container.health().ok, container.health().reason
    assert not container.stopped_copy().health().ok
    assert not container.failing_copy("/healthz").health().ok


@pytest.mark.parametrize("code", [
    "exec(\"open('/etc/passwd')\", {})",  # a fresh globals dict gets the sandbox's builtins
    "exec(\"__builtins__['open']('/etc/passwd')\", {})",
    "exec(\"import subprocess\")",  # imports stay limited to what the model knows
    "s = 'exec(s)'; exec(s)",  # nesting without end stops instead of hanging
])
def test_exec_in_a_check_keeps_the_sandboxs_limits(code):
    health = "HEALTHCHECK CMD " + json.dumps(["python", "-c", code])
    assert not image(health=health).run({}).health().ok


def test_curl_without_f_passes_on_404_and_exit_0_always_passes():
    curl_image = image(health="HEALTHCHECK CMD curl http://localhost:8000/nope",
                       base="python:3.12")
    assert curl_image.run({}).health().ok
    always = image(health="HEALTHCHECK CMD wget -q http://localhost:9/ || exit 0",
                   base="python:3.12")
    container = always.run({})
    assert container.health().ok and container.stopped_copy().health().ok


@pytest.mark.parametrize(("health", "honest"), [
    ("HEALTHCHECK CMD curl -f http://localhost:8000/healthz", True),
    ("HEALTHCHECK CMD curl http://localhost:8000/healthz", False),
    ('HEALTHCHECK CMD python -c "import urllib.request as u; '
     "u.urlopen('http://127.0.0.1:8000/healthz')\"", True),
    ('HEALTHCHECK CMD python -c "import http.client as h; c = h.HTTPConnection('
     "'127.0.0.1', 8000); c.request('GET', '/healthz'); c.getresponse()\"", False),
])
def test_a_health_route_answering_an_error_fails_only_an_honest_check(health, honest):
    container = image(health=health, base="python:3.12").run({})
    assert container.health().ok
    assert container.failing_copy("/healthz").health().ok is not honest


# -- compose ---------------------------------------------------------------------------------
def test_interpolation_follows_the_compose_specification():
    text = """services:
  app:
    image: nginx:1.27
    environment:
      A: ${A:-fallback}
      B: ${B-fallback}
      C: $${NOT_INTERPOLATED}
      D: ${FROM_DOTENV}
"""
    project = compose.load(text, {"A": "", "B": ""}, dotenv="FROM_DOTENV='dot'\n")
    env = project.services["app"].environment
    assert env == {"A": "fallback", "B": "", "C": "${NOT_INTERPOLATED}", "D": "dot"}
    with pytest.raises(DeployError, match="empty"):
        compose.load("services:\n  a:\n    image: x:${V:?need V}\n", {"V": ""})
    compose.load("services:\n  a:\n    image: x:${V?need V}\n", {"V": ""})
    with pytest.raises(DeployError, match="not set"):
        compose.load("services:\n  a:\n    image: x:${V?need V}\n", {})


def test_billion_laughs_is_refused_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9)
                     + "]")
    started = time.process_time()
    with pytest.raises(DeployError, match="billion laughs"):
        compose.load("\n".join(lines) + "\nservices: {}\n")
    assert time.process_time() - started < 10


POSTGRES = """services:
  db:
    image: {image}
    environment:
      POSTGRES_PASSWORD: pw
    volumes:
      - {mount}
volumes:
  pgdata:
"""


@pytest.mark.parametrize(("image_ref", "mount", "survives"), [
    ("postgres:17", "pgdata:/var/lib/postgresql/data", True),
    ("postgres:17", "pgdata:/var/lib/postgresql", False),  # one level higher
    ("postgres:18", "pgdata:/var/lib/postgresql/data", False),
    ("postgres:18", "pgdata:/var/lib/postgresql", True),
    ("postgres:17", "/var/lib/postgresql/data", False),  # anonymous
    ("postgres:17", "./data:/var/lib/postgresql/data", True),
    ("postgres:17", "pgdata:/var/lib/postgresql/data:ro", False),
])
def test_database_data_survives_a_redeploy_only_on_a_volume_that_outlives_it(
        image_ref, mount, survives):
    stack = compose.load(POSTGRES.format(image=image_ref, mount=mount)).up()
    assert stack.redeploy().ok is survives


def test_named_volume_is_lost_only_with_down_v():
    stack = compose.load(POSTGRES.format(image="postgres:17",
                                         mount="pgdata:/var/lib/postgresql/data")).up()
    assert stack.down().ok and not stack.down(volumes=True).ok


def test_service_names_resolve_and_localhost_is_the_container_itself():
    text = """services:
  web:
    image: nginx:1.27
  db:
    image: postgres:17
    environment: {POSTGRES_PASSWORD: pw, POSTGRES_USER: app}
"""
    stack = compose.load(text).up()
    assert stack.connect("web", "postgresql://app:pw@db:5432/app").ok
    assert not stack.connect("web", "postgresql://app:pw@localhost:5432/app").ok
    assert not stack.connect("web", "postgresql://app:wrong@db:5432/app").ok


def test_cmd_with_a_whole_command_line_is_one_program():
    text = """services:
  db:
    image: postgres:17
    environment: {POSTGRES_PASSWORD: pw}
    healthcheck:
      test: TEST
"""

    def healthy(test: str) -> bool:
        return compose.load(text.replace("TEST", test)).up().healthy("db").ok

    assert healthy('["CMD-SHELL", "pg_isready -U postgres"]')
    assert not healthy('["CMD", "pg_isready -U postgres"]')
    assert not healthy('"pg_isready || exit 0"')


def test_a_probe_option_left_without_its_value_fails_the_check():
    # Compose fills $POSTGRES_USER from where it runs (unset: empty); the shell drops the empty
    # word, so pg_isready gets -U with no value and stops with a usage error.
    text = """services:
  db:
    image: postgres:17
    environment: {POSTGRES_PASSWORD: pw, POSTGRES_USER: shop}
    healthcheck:
      test: TEST
"""

    def healthy(test: str, env: dict[str, str] | None = None):
        return compose.load(text.replace("TEST", test), env).up().healthy("db")

    outcome = healthy('["CMD-SHELL", "pg_isready -U $POSTGRES_USER"]')
    assert not outcome.ok and outcome.reason.startswith("line 6: ")
    assert any("pg_isready -U is the last word" in step for step in outcome.trace.steps)
    assert any(step.startswith("line 6: POSTGRES_USER is not set") for step in outcome.trace.steps)
    assert healthy('["CMD-SHELL", "pg_isready -U $$POSTGRES_USER"]').ok
    assert healthy('["CMD-SHELL", "pg_isready -U $POSTGRES_USER"]', {"POSTGRES_USER": "shop"}).ok
    assert healthy('["CMD", "pg_isready", "-U", "$POSTGRES_USER"]').ok  # -U "" is a value


@pytest.mark.parametrize("probe", ['["CMD", "redis-cli", "--version"]',
                                   '["CMD-SHELL", "redis-cli -v || exit 1"]'])
def test_a_database_client_asked_for_its_version_checks_nothing(probe):
    # redis-cli --version prints and exits 0 without connecting: healthy even when Redis is down.
    text = f"""services:
  cache:
    image: redis:7.4
    healthcheck: {{test: {probe}}}
"""
    outcome = compose.load(text).up().healthy("cache")
    assert not outcome.ok
    assert "passes even when the database is down" in outcome.reason
    # The learner is told which line and why: the client answers by itself, never asking Redis.
    assert outcome.reason.startswith("line 4: ") and "never talks to Redis" in outcome.reason
    assert any(step.startswith("line 4: redis-cli ") and "own version" in step
               and "never connects to Redis" in step for step in outcome.trace.steps)
    honest = compose.load(text.replace(probe, '["CMD", "redis-cli", "ping"]')).up()
    assert honest.healthy("cache").ok


@pytest.mark.parametrize(("test", "healthy_when_up", "honest"), [
    # Compose turns $$ into $; the shell captures redis-cli's stdout, and a client that cannot
    # connect writes its error to stderr, so the comparison fails when Redis is down.
    (r'["CMD-SHELL", "[ \"$$(redis-cli ping)\" = PONG ]"]', True, True),
    (r'["CMD-SHELL", "test \"`redis-cli ping`\" = PONG || exit 1"]', True, True),
    (r'["CMD-SHELL", "[ $$(redis-cli ping) = PONG ]"]', True, True),  # "[ = PONG ]" when down
    (r'["CMD-SHELL", "[ -n \"$$(redis-cli ping)\" ]"]', True, True),
    (r'["CMD-SHELL", "[ \"$$(redis-cli ping)\" = pong ]"]', False, False),  # case matters
    (r'["CMD-SHELL", "[ \"$$(redis-cli ping)\" != PONG ]"]', False, False),
    (r'["CMD-SHELL", "[ -z \"$$(redis-cli ping)\" ] || true"]', True, False),
])
def test_a_check_comparing_a_probes_output_follows_the_shell(test, healthy_when_up, honest):
    text = f"""services:
  cache:
    image: redis:7.4
    healthcheck: {{test: {test}}}
"""
    outcome = compose.load(text).up().healthy("cache")
    assert outcome.ok == (healthy_when_up and honest), outcome.reason
    if not outcome.ok:
        reason = "fails even when the database is up" if not healthy_when_up else \
            "passes even when the database is down"
        assert reason in outcome.reason


def test_service_healthy_needs_a_healthcheck():
    text = """services:
  web: {image: nginx:1.27, depends_on: {db: {condition: service_healthy}}}
  db: {image: postgres:17}
"""
    with pytest.raises(DeployError, match="no healthcheck"):
        compose.load(text).up()


# -- Traefik ---------------------------------------------------------------------------------
def test_rules_with_backticks_quotes_and_operators():
    tree = traefik.parse_rule('Host(`a.example.com`) && (PathPrefix("/api") || !Path(`/x`))')
    assert traefik.matches(tree, "a.example.com", "/api/v1")
    with pytest.raises(traefik.RuleError, match="single quotes"):
        traefik.parse_rule("Host('a.example.com')")
    with pytest.raises(traefik.RuleError, match="one host per Host"):
        traefik.parse_rule("Host(`a.example.com`, `b.example.com`)")


class Backend:
    def __init__(self, ports):
        self._ports = ports

    def ports(self):
        return self._ports

    def healthy_for_proxy(self, trace):
        return True

    def get(self, path, port):
        from app.grading.deploy.run import HttpResult

        return HttpResult(200 if port == 8000 else None, "refused")


def test_longest_rule_wins_and_the_lowest_exposed_port_is_used():
    proxy = traefik.Proxy()
    proxy.add("site", {"traefik.enable": "true",
                       "traefik.http.routers.site.rule": "Host(`x.example.com`)",
                       "traefik.http.routers.site.entrypoints": "http"}, Backend([9000]))
    proxy.add("api", {"traefik.enable": "true",
                      "traefik.http.routers.api.rule":
                          "Host(`x.example.com`) && PathPrefix(`/api`)",
                      "traefik.http.routers.api.entrypoints": "http"}, Backend([8000, 9090]))
    response = proxy.request("http://x.example.com/api/orders")
    assert (response.container, response.port, response.status) == ("api", 8000, 200)
    assert proxy.request("http://x.example.com/").status == 502  # site listens on 8000 only


@pytest.mark.parametrize("port", ["http", "70000"])
def test_a_port_label_traefik_cannot_use_is_no_fallback_to_the_exposed_port(port):
    # Traefik takes the label when there is one; it does not go back to the exposed ports.
    proxy = traefik.Proxy()
    proxy.add("site", {"traefik.enable": "true",
                       "traefik.http.routers.site.rule": "Host(`x.example.com`)",
                       "traefik.http.routers.site.entrypoints": "http",
                       "traefik.http.services.site.loadbalancer.server.port": port},
              Backend([8000]))
    response = proxy.request("http://x.example.com/")
    assert response.status != 200 and "no server for this router" in response.reason
    assert any("loadbalancer.server.port" in step and "no server" in step
               for step in response.trace.steps)


def test_https_needs_a_resolver_and_port_80_for_http_01():
    labels = {"traefik.enable": "true",
              "traefik.http.routers.s.rule": "Host(`s.example.com`)",
              "traefik.http.routers.s.entrypoints": "https",
              "traefik.http.routers.s.tls": "true"}
    proxy = traefik.Proxy()
    proxy.add("s", labels, Backend([8000]))
    assert "self-signed" in proxy.request("https://s.example.com/").reason
    closed = traefik.Proxy(open_ports={22, 443})
    closed.add("s", {**labels, "traefik.http.routers.s.tls.certresolver": "letsencrypt"},
               Backend([8000]))
    assert "HTTP-01" in closed.request("https://s.example.com/").reason


# -- Coolify ---------------------------------------------------------------------------------
def dockerfile(cmd: str = SHELL_CMD, health: str = "") -> str:
    return GOOD.format(health=health, cmd=cmd)


def test_coolify_sets_port_and_the_domains_field_routes_with_a_redirect():
    app = coolify.Application(dockerfile().replace("ENV PORT=8000\n", ""), CONTEXT,
                              ports_exposes="3000", domains="https://shop.example.com")
    deployment = app.deploy()
    assert deployment.container.env["PORT"] == "3000"
    response = deployment.request("http://shop.example.com/")
    assert response.ok and response.location == "https://shop.example.com/"
    assert response.port == 3000


def test_dashboard_health_check_needs_curl_or_wget():
    app = coolify.Application(dockerfile(), CONTEXT, domains="https://shop.example.com",
                              health_check_path="/healthz")
    assert "curl or wget" in app.deploy().healthy().reason


def test_rolling_update_is_not_possible_with_a_host_port_mapping():
    app = coolify.Application(dockerfile(), CONTEXT, port_mappings="8000:8000")
    assert not app.deploy().rolling_update().ok


def test_magic_variables_generate_a_domain_and_stable_passwords():
    text = """services:
  ghost:
    image: nginx:1.27
    environment:
      - SERVICE_FQDN_GHOST_80
      - DB_PASSWORD=${SERVICE_PASSWORD_DB}
"""
    first = coolify.ComposeApp(text).deploy()
    again = coolify.ComposeApp(text).deploy()
    password = first.stack.env_of("ghost")["DB_PASSWORD"]
    assert password and password == again.stack.env_of("ghost")["DB_PASSWORD"]
    response = first.request("https://ghost.example.com/")
    assert response.container == "ghost" and response.port == 80


# -- VPS firewall ----------------------------------------------------------------------------
def test_ufw_rules_apply_in_order_and_enable_can_lock_you_out():
    from app.grading.deploy import vps

    fw = vps.run_ufw("ufw default deny incoming\nufw allow 22/tcp\nufw allow 80,443/tcp\n"
                     "ufw allow from 203.0.113.7 to any port 8000 proto tcp\nufw --force enable\n")
    assert fw.enabled and not fw.lockout
    assert fw.reaches(443).ok and fw.reaches(8000, "203.0.113.7").ok
    assert not fw.reaches(8000, "198.51.100.1").ok and not fw.reaches(5432).ok
    assert fw.reaches(5432, docker_published={5432}).ok  # Docker bypasses ufw
    locked = vps.run_ufw("ufw default deny incoming\nufw enable\nufw allow 22/tcp\n")
    assert "locked out" in locked.lockout


def test_ufw_default_without_a_direction_sets_incoming():
    # ufw(8): the direction of "ufw default" is optional and means incoming.
    from app.grading.deploy import vps

    fw = vps.run_ufw("ufw default allow\nufw default deny\nufw allow 22/tcp\nufw enable\n")
    assert fw.default_incoming == "deny"
    assert fw.reaches(22).ok and not fw.reaches(5432).ok
    opened = vps.run_ufw("ufw allow 22/tcp\nufw default allow\nufw enable\n")
    assert opened.reaches(5432).ok


def test_ufw_dry_run_changes_nothing():
    from app.grading.deploy import vps

    fw = vps.run_ufw("ufw --dry-run allow from 203.0.113.7 to any port 22 proto tcp\n"
                     "ufw --dry-run allow 443/tcp\nufw --force enable\n")
    assert fw.rules == [] and "locked out" in fw.lockout
    assert not fw.reaches(443).ok


def test_ufw_commands_see_the_variables_the_script_sets():
    from app.grading.deploy import vps

    fw = vps.run_ufw('#!/bin/sh\nset -eu\nME=203.0.113.7\nexport NET="${ME}/32"\n'
                     'ufw allow in proto tcp from "$ME" to any port 22\n'
                     "ufw allow from ${NET} to any port 8000 proto tcp\n"
                     "echo y | ufw enable\n")
    assert not fw.lockout and fw.reaches(22, "203.0.113.7").ok
    assert fw.reaches(8000, "203.0.113.7").ok and not fw.reaches(22, "198.51.100.1").ok


def test_ufw_app_names_in_the_long_syntax_open_only_their_ports():
    from app.grading.deploy import vps

    fw = vps.run_ufw("ufw limit from 203.0.113.7 to any app OpenSSH\nufw enable\n")
    assert fw.reaches(22, "203.0.113.7").ok and not fw.reaches(8000, "203.0.113.7").ok


def test_ufw_commands_are_found_the_way_the_shell_runs_them():
    from app.grading.deploy import vps

    fw = vps.run_ufw('sudo ufw allow 22/tcp && ufw allow 80,443/tcp; echo "ufw allow 5432"\n'
                     'echo "y" | ufw enable\n')
    assert fw.enabled and not fw.lockout
    assert fw.reaches(443).ok and not fw.reaches(5432).ok
    assert not vps.run_ufw('echo "ufw --force enable"\n').enabled


def test_ufw_source_ranges_hold_their_whole_network():
    # Coolify's container (10.0.1.x on the `coolify` network) reaches its own server's SSH.
    from app.grading.deploy import vps

    fw = vps.run_ufw("ufw allow from 203.0.113.7 to any port 22 proto tcp\n"
                     "ufw allow from 10.0.0.0/8 to any port 22 proto tcp\nufw enable\n")
    assert fw.reaches(22, "10.0.1.5").ok and fw.reaches(22, "10.200.0.9").ok
    assert not fw.reaches(22, "192.0.2.44").ok and not fw.reaches(22, "172.18.0.2").ok
    assert fw.internet_sources(22) == ["203.0.113.7"]  # a private range lets no stranger in


def test_ufw_a_mistyped_mask_opens_ssh_to_strangers_far_from_its_first_address():
    from app.grading.deploy import vps

    fw = vps.run_ufw("ufw allow from 10.0.1.0/1 to any port 22\nufw enable\n")
    assert not fw.reaches(22, "192.0.2.44").ok  # the one stranger a test would try first
    strangers = [a for a in fw.internet_sources(22) if fw.reaches(22, a).ok]
    assert "11.0.0.1" in strangers and all(not a.startswith("10.") for a in strangers)


def test_ufw_rules_on_an_interface_match_only_packets_arriving_there():
    from app.grading.deploy import vps

    fw = vps.run_ufw("ufw allow from 203.0.113.7 to any port 22\n"
                     "ufw allow in on docker0 to any port 22\nufw allow in on docker0\n"
                     "ufw allow in on eth0 to any port 443\nufw enable\n")
    assert not fw.reaches(22, "192.0.2.44").ok  # from the internet: not on docker0
    assert fw.reaches(22, "172.17.0.2", interface="docker0").ok
    refused = fw.reaches(22, "10.0.1.5", interface="br-5e2f4c7a9d10")
    assert not refused.ok and "only matches packets arriving on docker0" in refused.trace.text()
    assert fw.reaches(443, "192.0.2.44").ok  # eth0 stands for the public interface
    assert not fw.reaches(443, "10.0.1.5", interface="br-5e2f4c7a9d10").ok


# -- GitHub Actions and Coolify's deploy webhook -------------------------------------------------
def test_workflow_needs_if_secrets_and_a_refused_token():
    from app.grading.deploy import ci

    text = """on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: pytest
  deploy:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: 'curl URL -H "Authorization: Bearer ${{ secrets.T }}"'
"""
    wf = ci.load_workflow(text.replace(
        "URL", '"https://coolify.example.com/api/v1/deploy?uuid=abc"'))
    ok = wf.run("push", "main", True, {"T": "tok"}, coolify_token="tok", app_uuid="abc")
    assert [d.uuid for d in ok.deploys] == ["abc"] and ok.order == ["test", "deploy"]
    assert not wf.run("push", "main", False, {"T": "tok"}, coolify_token="tok").deploys
    assert not wf.run("push", "dev", True, {"T": "tok"}, coolify_token="tok").deploys
    refused = wf.run("push", "main", True, {"T": "old"}, coolify_token="tok")
    assert refused.rejected and refused.jobs["deploy"] == "success"  # curl without --fail


@pytest.mark.parametrize(("check", "fails_when_refused"), [
    ('test "$code" -ge 200 && test "$code" -lt 300', True),
    ('[ "$code" = 200 ]', True),
    ('test "$code" -ge 200', False),
    ('echo "Coolify answered $code"', False),
])
def test_a_status_captured_from_curl_fails_the_job_only_if_tested(check, fails_when_refused):
    from app.grading.deploy import ci

    text = f"""on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: |
          code=$(curl -s -o /dev/null -w '%{{http_code}}' \\
            -H "Authorization: Bearer ${{{{ secrets.T }}}}" \\
            "https://coolify.example.com/api/v1/deploy?uuid=abc")
          {check}
"""
    wf = ci.load_workflow(text)
    assert wf.run("push", "main", True, {"T": "tok"}, coolify_token="tok").jobs == {
        "deploy": "success"}
    refused = wf.run("push", "main", True, {"T": "old"}, coolify_token="tok")
    assert refused.jobs["deploy"] == ("failure" if fails_when_refused else "success")


@pytest.mark.parametrize(("condition", "branch", "expected"), [
    ("github.ref == format('refs/heads/{0}', 'main')", "main", True),
    ("github.ref == format('refs/heads/{0}', 'main')", "mainline", False),
    ("${{ startsWith(github.ref, 'refs/heads/') && endsWith(github.ref, '/MAIN') }}", "main",
     True),
    ("contains(github.ref, 'feature') || !(github.event_name == 'push')", "main", False),
    ("github.ref_name == 'main' && ().__class__", "main", None),
])
def test_if_conditions_are_read_like_github_expressions(condition, branch, expected):
    from app.grading.deploy import ci

    context = {"event_name": "push", "ref": f"refs/heads/{branch}", "ref_name": branch}
    if expected is None:
        with pytest.raises(DeployError):
            ci.evaluate(condition, context, True)
    else:
        assert ci.evaluate(condition, context, True) is expected


@pytest.mark.parametrize(("test_step", "deploys_after_failing_tests"), [
    ("      - run: pytest\n", False),
    ("      - run: pytest\n        continue-on-error: true\n", True),
    ("      - run: pytest\n        continue-on-error: ${{ github.ref_name == 'main' }}\n", True),
    ("      - run: pytest || true\n", True),
    ("      - run: |\n          pytest\n          echo done\n", False),  # bash -e stops
    ("      - run: uv run pytest -q && echo ok\n", False),
    ("      - run: echo pytest\n", True),  # the word, not the test run
])
def test_a_failing_test_step_fails_the_job_as_github_runs_it(test_step,
                                                             deploys_after_failing_tests):
    from app.grading.deploy import ci

    text = ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n" + test_step
            + "  deploy:\n    needs: test\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: >-\n          curl -f -H 'Authorization: Bearer ${{ secrets.T }}'\n"
            "          https://coolify.example.com/api/v1/deploy?uuid=abc\n")
    wf = ci.load_workflow(text)
    failing = wf.run("push", "main", False, {"T": "tok"}, coolify_token="tok")
    assert bool(failing.deploys) is deploys_after_failing_tests
    assert wf.run("push", "main", True, {"T": "tok"}, coolify_token="tok").deploys


def test_a_user_named_by_an_arg_is_created_with_its_value():
    text = ("FROM python:3.12-slim\nARG APP_USER=shop\n"
            'RUN useradd --create-home --shell /usr/sbin/nologin "$APP_USER"\nUSER shop\n')
    assert build(text, {}).final.user_exists("shop")
    assert build(text, {}, build_args={"APP_USER": "web"}).final.user_exists("web")
    assert not build(text.replace("ARG APP_USER=shop", "ARG APP_USER=web"),
                     {}).final.user_exists("shop")


@pytest.mark.parametrize(("requirement", "final_installs", "starts"), [
    ("psycopg[c]==3.2.10", "", False),
    ("psycopg==3.2.10", "", False),  # the pure-Python build loads libpq too
    ("psycopg[c]==3.2.10", "RUN apt-get update && apt-get install -y libpq5\n", True),
    ("psycopg[binary]==3.2.10", "", True),  # bundles its own libpq
])
def test_psycopg_wheels_need_libpq_in_the_stage_that_runs_them(requirement, final_installs,
                                                                starts):
    text = f"""FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y build-essential libpq-dev
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt
FROM python:3.12-slim
{final_installs}COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl
WORKDIR /app
COPY app.py .
CMD gunicorn -b 0.0.0.0:8000 app:app
"""
    reqs = {"app.py": "import psycopg\n", "requirements.txt": f"{requirement}\ngunicorn\n"}
    container = build(text, reqs).run({})
    assert (container.crash is None) is starts
    if not starts:
        assert "libpq" in container.crash.reason


@pytest.mark.parametrize(("command", "survives"), [
    ('["redis-server", "--appendonly", "yes"]', True),
    ('["redis-server", "--appendonly", "yes", "--dir", "/var/lib/redis"]', False),
    ("redis-server --dir /data/redis", True),  # still under the volume
    ('["redis-server", "--dir=/srv"]', False),
])
def test_a_server_option_that_moves_the_data_decides_what_a_redeploy_keeps(command, survives):
    text = ("services:\n  cache:\n    image: redis:7.4\n    command: " + command + "\n"
            "    volumes:\n      - cache-data:/data\nvolumes:\n  cache-data:\n")
    assert compose.load(text).up().data_survives("cache").ok is survives


def test_a_failed_command_hidden_by_or_true_does_not_stop_the_build_but_installs_nothing():
    base = "FROM python:3.12-slim\n"
    hidden = build(base + "RUN apt-get install -y libpq5 || true\n", {})
    assert hidden.error is None and "libpq" not in hidden.final.libraries
    shown = build(base + "RUN apt-get install -y libpq5\n", {})
    assert "Unable to locate package libpq5" in shown.error.reason
    fixed = build(base + "RUN apt-get update && apt-get install -y libpq5 || true\n", {})
    assert fixed.error is None and "libpq" in fixed.final.libraries


# -- real Dockerfiles that build (awesome-compose, microservices-demo, Coolify's own) --------
def test_copy_to_the_workdir_without_a_slash_puts_the_file_inside_it():
    text = ("FROM python:3.12-alpine\nWORKDIR /app\nCOPY requirements.txt /app\n"
            "RUN pip3 install -r requirements.txt\nCOPY . /app\n")
    image = build(text, {"requirements.txt": "flask\n", "app.py": ""})
    assert image.error is None
    assert "/app/requirements.txt" in image.final.files
    # Where nothing is there yet, the destination is the file's new name, as Docker does.
    renamed = build("FROM python:3.12-alpine\nCOPY requirements.txt /reqs\n"
                    "RUN pip install -r /reqs\n", {"requirements.txt": "flask\n"})
    assert renamed.error is None and "/reqs" in renamed.final.files


def test_a_python_images_standard_library_can_be_copied_from_a_builder():
    text = ("FROM python:3.14.6-alpine@sha256:" + "2" * 64 + " AS base\n"
            "FROM base AS builder\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
            "FROM base\n"
            "COPY --from=builder /usr/local/lib/python3.14/ /usr/local/lib/python3.14/\n")
    # A lint knows no requirements: the folder is the interpreter's own, whatever pip adds.
    assert build(text, {}).error is None
    # A folder the image does not have still stops the build.
    wrong = text.replace("/usr/local/lib/python3.14/ /", "/usr/local/lib/python3.99/ /")
    assert "has no /usr/local/lib/python3.99" in build(wrong, {}).error.reason


def test_accounts_of_an_image_outside_the_table_are_not_judged_missing():
    text = ("FROM serversideup/php:8.4-fpm-nginx-alpine\nWORKDIR /var/www/html\n"
            "COPY --chown=www-data:www-data composer.json ./\nUSER www-data\n")
    assert build(text, {"composer.json": "{}"}).error is None
    known = text.replace("serversideup/php:8.4-fpm-nginx-alpine", "python:3.12-alpine")
    assert "no user www-data" in build(known, {"composer.json": "{}"}).error.reason


CHECK_SCRIPT = """import os
import sys
import urllib.request

url = "http://127.0.0.1:" + os.environ.get("PORT", "8000") + "/healthz"
try:
    with urllib.request.urlopen(url, timeout=2) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception:
    sys.exit(1)
"""


@pytest.mark.parametrize("marker", ["<<EOF", "<<'EOF'", '<<"EOF"', "<<-EOF"])
def test_copy_heredoc_writes_the_file_whatever_the_delimiter_quoting(marker):
    """COPY <<'EOF' /path creates /path like the unquoted form (Dockerfile heredocs)."""
    text = GOOD.format(
        health='HEALTHCHECK CMD ["python", "/usr/local/bin/check.py"]', cmd=SHELL_CMD,
    ).replace("USER shop\n",
              f"COPY {marker} /usr/local/bin/check.py\n{CHECK_SCRIPT}EOF\nUSER shop\n")
    built = build(text, CONTEXT)
    assert built.error is None, built.error
    assert built.final.files["/usr/local/bin/check.py"].content == CHECK_SCRIPT
    container = built.run({"PORT": "8000"})
    assert container.health().ok, container.health().reason
    assert not container.failing_copy("/healthz").health().ok


def test_sys_exit_inside_try_except_exception_still_exits():
    """A check's `except Exception` does not catch its own sys.exit(0), as in Python."""
    script = ("import sys, urllib.request\ntry:\n"
              "    urllib.request.urlopen('http://127.0.0.1:8000/healthz')\n    sys.exit(0)\n"
              "except Exception:\n    sys.exit(1)\n")
    health = f"HEALTHCHECK CMD {json.dumps(['python', '-c', script])}"
    container = image(health=health).run({})
    assert container.health().ok, container.health().reason


@pytest.mark.parametrize("mount", [
    "--mount=type=bind,source=requirements.txt,target=requirements.txt",
    "--mount=type=bind,target=.",
])
def test_bind_mounted_requirements_install_without_a_copy(mount):
    """RUN --mount=type=bind from the context gives pip requirements.txt for that RUN only."""
    text = GOOD.format(health="", cmd=SHELL_CMD).replace(
        "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt",
        f"RUN {mount} pip install --no-cache-dir -r requirements.txt")
    built = build(text, CONTEXT)
    assert built.error is None, built.error
    assert built.final.importable("flask")
    assert "/app/requirements.txt" in built.final.files  # from the later COPY . . only
    without = build(text.replace("COPY . .\n", ""), CONTEXT)
    assert "/app/requirements.txt" not in without.final.files  # the mount left no file


MULTI = """FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y build-essential libpq-dev
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim
RUN apt-get update && apt-get install -y libpq5
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels flask gunicorn "psycopg[c]"
COPY . .
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
"""


@pytest.mark.parametrize("context", [
    {"app.py": APP, "requirements.txt": "flask\ngunicorn\npsycopg[c]\n"},
    {},  # the reviewer: no build context, the requirements are unknown
])
def test_wheels_built_from_requirements_install_by_name(context):
    """pip wheel -r builds what the requirements name; --no-index by name then finds them."""
    built = build(MULTI, context)
    assert built.error is None, built.error


def test_wheel_missing_from_the_requirements_is_not_found():
    built = build(MULTI, {"app.py": APP, "requirements.txt": "flask\ngunicorn\n"})
    assert built.error is not None and "no wheel for psycopg" in built.error.reason


def test_compilers_purged_in_a_later_run_stay_in_a_layer():
    """apt-get purge in a later RUN hides gcc from the last layer; the earlier layer keeps it."""
    later = build("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc\n"
                  "RUN apt-get purge -y gcc\n", {})
    assert not later.final.has_program("gcc")
    assert "gcc" in later.final.layer_programs
    same = build("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc "
                 "&& apt-get purge -y gcc\n", {})
    assert "gcc" not in same.final.layer_programs
    two_stage = build(MULTI, {})
    assert "gcc" in two_stage.stages[0].layer_programs
    assert "gcc" not in two_stage.final.layer_programs


@pytest.mark.parametrize(("marker", "written"), [
    ("<<EOF", "echo hello bar\n"), ("<<-EOF", "echo hello bar\n"),
    ("<<'EOF'", "echo hello ${FOO}\n"), ('<<"EOF"', "echo hello ${FOO}\n"),
])
def test_copy_heredoc_expands_build_variables_only_when_the_delimiter_is_unquoted(marker, written):
    """As the Dockerfile reference says: <<EOF expands ARG/ENV in the body, <<'EOF' does not."""
    built = build(f"FROM python:3.12-slim\nARG FOO=bar\nCOPY {marker} /hello.sh\n"
                  "echo hello ${FOO}\nEOF\n", {})
    assert built.final.files["/hello.sh"].content == written


def test_copy_heredocs_into_a_folder_are_named_after_their_delimiters():
    built = build("FROM python:3.12-slim\nCOPY <<robots.txt <<'humans.txt' /srv/\nUser-agent: *\n"
                  "robots.txt\nthe team\nhumans.txt\n", {})
    assert built.final.files["/srv/robots.txt"].content == "User-agent: *\n"
    assert built.final.files["/srv/humans.txt"].content == "the team\n"


@pytest.mark.parametrize(("image", "command", "survives"), [
    ("redis:7.4", None, True),  # the image's default save points write dump.rdb
    ("redis:7.4", '["redis-server", "--save", "", "--appendonly", "no"]', False),
    ("redis:7.4", 'redis-server --save ""', False),  # AOF is off by default
    ("redis:7.4", 'redis-server --save "" --appendonly yes', True),
    ("redis:7.4", "redis-server --save 60 1 --loglevel warning", True),
    ("redis:7.4", '["sh", "-c", "redis-server --save \'\' --appendonly no"]', False),
    ("valkey/valkey:8", 'valkey-server --save "" --appendonly no', False),
    ("valkey/valkey:8", "valkey-server --appendonly yes", True),
])
def test_redis_with_persistence_switched_off_keeps_nothing_across_a_redeploy(
        image, command, survives):
    text = ("services:\n  cache:\n    image: " + image + "\n"
            + (f"    command: {command}\n" if command else "")
            + "    volumes:\n      - cache-data:/data\nvolumes:\n  cache-data:\n")
    result = compose.load(text).up().data_survives("cache")
    assert result.ok is survives
    if not survives:
        assert any(step.startswith("line 4:") for step in result.trace.steps)
        assert "starts empty" in result.reason


ADDUSER = GOOD.replace("RUN useradd --create-home shop",
                       "RUN addgroup --system shop && adduser --system --ingroup shop shop")


@pytest.mark.parametrize(("base", "stops"), [
    ("python:3.13-slim", True),  # the default slim variant is Debian trixie now
    ("python:3.12-slim-trixie", True),
    ("python:3.13-slim-bookworm", False),
    ("python:3.12.7-slim", False),  # a patch tag frozen before the move to trixie
])
def test_adduser_is_not_found_on_a_trixie_slim_python_image(base, stops):
    result = build(ADDUSER.format(health="", cmd=SHELL_CMD).replace("python:3.12-slim", base),
                   CONTEXT)
    if stops:
        assert result.error is not None and "addgroup: not found" in result.error.reason
        assert result.error_line == 4
    else:
        assert result.error is None


def test_installing_the_adduser_package_brings_adduser_back_on_trixie():
    trixie = ADDUSER.format(health="", cmd=SHELL_CMD).replace("3.12-slim", "3.13-slim")
    text = trixie.replace("RUN addgroup", "RUN apt-get update && apt-get install -y "
                          "--no-install-recommends adduser && addgroup")
    assert build(text, CONTEXT).error is None
    useradd = GOOD.format(health="", cmd=SHELL_CMD).replace("3.12-slim", "3.13-slim")
    assert build(useradd, CONTEXT).error is None


PYTHON_DEPLOY = """on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - env:
          TOKEN: ${{ secrets.T }}
        run: |
          echo deploying
          SCRIPT
"""
URLLIB_HEREDOC = """python - <<'PY'
          import os, urllib.request
          req = urllib.request.Request(
              "https://coolify.example.com/api/v1/deploy?uuid=abc&force=false",
              headers={"Authorization": "Bearer " + os.environ["TOKEN"]},
          )
          with urllib.request.urlopen(req, timeout=30) as resp:
              print(resp.status)
          PY"""


@pytest.mark.parametrize(("script", "deploys", "fails_when_refused"), [
    (URLLIB_HEREDOC, True, True),
    ("python3 -c 'from urllib.request import Request, urlopen; import os; "
     "r = Request(\"https://coolify.example.com/api/v1/deploy?uuid=abc\"); "
     "r.add_header(\"Authorization\", \"Bearer \" + os.getenv(\"TOKEN\")); urlopen(r)'",
     True, True),
    # An HTTPError swallowed by the script: the step stays green on a refusal.
    ("python3 <<EOF\n          import urllib.request as u, os\n          try:\n"
     "              u.urlopen(u.Request('https://coolify.example.com/api/v1/deploy?uuid=abc',"
     " headers={'Authorization': 'Bearer ' + os.environ['TOKEN']}))\n"
     "          except Exception:\n              pass\n          EOF", True, False),
    # Prints the webhook without calling it: nothing reaches Coolify.
    ("python3 -c 'print(\"https://coolify.example.com/api/v1/deploy?uuid=abc\")'", False, False),
])
def test_a_python_step_calling_coolify_with_urllib_is_followed(script, deploys,
                                                                fails_when_refused):
    from app.grading.deploy import ci

    wf = ci.load_workflow(PYTHON_DEPLOY.replace("SCRIPT", script))
    ok = wf.run("push", "main", True, {"T": "tok"}, coolify_token="tok", app_uuid="abc")
    assert ok.jobs == {"deploy": "success"}
    assert [d.uuid for d in ok.deploys] == (["abc"] if deploys else [])
    refused = wf.run("push", "main", True, {"T": "old"}, coolify_token="tok", app_uuid="abc")
    assert not refused.deploys
    assert refused.jobs["deploy"] == ("failure" if fails_when_refused else "success")
    if deploys:
        assert refused.rejected and "401" in refused.rejected[0]
