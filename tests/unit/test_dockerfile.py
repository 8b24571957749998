"""The Dockerfile parser: what exercise tests rely on, and clear errors on bad input."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from app.grading import dockerfile
from app.grading.dockerfile import DockerfileError
from app.grading.dockerfile import ImageRef
from app.grading.dockerfile import parse
from app.grading.findings import Finding

GOOD = """\
# syntax=docker/dockerfile:1
ARG PYTHON=3.12
FROM python:${PYTHON}-slim AS base
ENV PYTHONUNBUFFERED=1 \\
    # a comment inside a continued instruction is dropped
    PORT=8000
WORKDIR /app

FROM base AS app
RUN useradd --create-home app
COPY --chown=app:app requirements.txt .
RUN pip install -r requirements.txt
COPY . .
USER app
EXPOSE 8000 9000/udp
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT} app:app"]
"""


def error_of(text: str) -> DockerfileError:
    """Parse text that must fail, and return the error."""
    with pytest.raises(DockerfileError) as info:
        parse(text)
    return info.value


def test_instructions_carry_their_first_and_last_line():
    df = parse(GOOD)
    env = df.instructions("env")[0]
    assert (env.line, env.end_line) == (4, 6)
    assert df.instructions("USER")[0].line == 14
    assert [i.kind for i in df.instructions()][:3] == ["ARG", "FROM", "ENV"]


def test_continuation_joins_lines_and_skips_comment_lines():
    env = parse(GOOD).instructions("ENV")[0]
    assert "comment" not in env.args
    assert dockerfile.parse_env(env) == {"PYTHONUNBUFFERED": "1", "PORT": "8000"}


def test_lower_case_keywords_and_crlf_line_endings_are_read():
    df = parse("from python:3.12-slim\r\nrun echo hi\r\n\r\ncmd echo bye\r\n")
    assert [(i.kind, i.line) for i in df.instructions()] == [
        ("FROM", 1), ("RUN", 2), ("CMD", 4)
    ]


def test_byte_order_mark_is_ignored():
    assert parse("\ufeffFROM alpine:3.20\n").final_stage().base == "alpine:3.20"


def test_escape_directive_switches_the_continuation_character():
    df = parse("# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir C:\\ `\n    /b\n")
    run = df.instructions("RUN")[0]
    assert df.escape == "`"
    assert (run.line, run.end_line) == (3, 4)
    assert run.args.startswith("dir C:\\ ")


def test_directive_after_a_comment_is_only_a_comment():
    df = parse("# hello\n# escape=`\nFROM alpine:3.20\nRUN echo a \\\n  b\n")
    assert df.escape == "\\"
    assert df.instructions("RUN")[0].end_line == 5


def test_bad_or_repeated_directive_is_an_error():
    assert error_of("# escape=x\nFROM a\n").line == 1
    assert "twice" in error_of("# escape=`\n# escape=`\nFROM a\n").message


def test_exec_form_and_shell_form_are_told_apart():
    df = parse('FROM a\nRUN ["echo", "hi"]\nRUN echo "two words"\n')
    exec_run, shell_run = df.instructions("RUN")
    assert exec_run.is_exec_form and exec_run.words() == ["echo", "hi"]
    assert not shell_run.is_exec_form and shell_run.words() == ["echo", "two words"]


def test_single_quoted_json_is_shell_form_and_flagged():
    cmd = parse("FROM a\nCMD ['gunicorn', 'app:app']\n").instructions("CMD")[0]
    assert not cmd.is_exec_form
    assert cmd.looks_like_broken_json


def test_flags_are_split_off_the_arguments():
    df = parse(
        "FROM --platform=linux/amd64 python:3.12-slim AS build\n"
        "COPY --from=build --chown=app:app /src /dst\n"
        'COPY --chmod="755" run.sh /run.sh\n'
    )
    copy, chmod = df.instructions("COPY")
    assert copy.flags == {"from": "build", "chown": "app:app"}
    assert copy.sources_and_destination() == (["/src"], "/dst")
    assert chmod.flags == {"chmod": "755"}
    assert df.final_stage().flags == {"platform": "linux/amd64"}
    assert df.final_stage().base == "python:3.12-slim"


def test_flags_only_apply_to_instructions_that_take_them():
    cmd = parse("FROM a\nCMD --help\n").instructions("CMD")[0]
    assert cmd.flags == {} and cmd.args == "--help"


def test_stages_have_names_parents_and_a_final_one():
    df = parse(GOOD)
    base, app = df.stages
    assert (base.name, base.parent, app.name, app.parent) == ("base", None, "app", 0)
    assert df.final_stage() is app
    assert df.stage("APP") is app and df.stage(0) is base and df.stage(5) is None
    assert [s.name for s in df.chain()] == ["base", "app"]


def test_final_image_inherits_env_from_the_stage_it_builds_on():
    df = parse(GOOD)
    assert df.env() == {"PYTHONUNBUFFERED": "1", "PORT": "8000"}
    assert df.base_image() == ImageRef("python", "3.12-slim", "")


def test_user_of_an_unrelated_build_stage_does_not_leak_into_the_final_image():
    df = parse("FROM python:3.12 AS build\nUSER builder\nFROM python:3.12-slim\nCMD x\n")
    assert df.user_of_final_stage() is None
    df = parse("FROM python:3.12 AS base\nUSER app\nFROM base\nCMD x\n")
    assert df.user_of_final_stage() == "app"


def test_cmd_shell_form_runs_in_the_declared_shell():
    assert parse("FROM a\nCMD echo $HOME\n").cmd() == ["/bin/sh", "-c", "echo $HOME"]
    df = parse('FROM a\nSHELL ["/bin/bash", "-euc"]\nCMD echo hi\n')
    assert df.cmd() == ["/bin/bash", "-euc", "echo hi"]
    assert parse("FROM a\nRUN true\n").cmd() is None


def test_startup_combines_exec_entrypoint_with_cmd():
    start = parse('FROM a\nENTRYPOINT ["gunicorn"]\nCMD ["app:app"]\n').startup()
    assert start.argv == ("gunicorn", "app:app")
    assert not start.via_shell and start.line == 3


def test_startup_with_shell_entrypoint_ignores_cmd():
    start = parse('FROM a\nENTRYPOINT gunicorn app:app\nCMD ["--reload"]\n').startup()
    assert start.words == ("gunicorn", "app:app")
    assert start.via_shell and start.line == 2


def test_startup_reads_the_script_of_sh_dash_c():
    start = parse(GOOD).startup()
    assert start.via_shell
    assert start.words == ("exec", "gunicorn", "--bind", "0.0.0.0:${PORT}", "app:app")
    assert parse("FROM a\n").startup() is None


def test_entrypoint_resets_a_cmd_inherited_from_an_earlier_stage():
    df = parse('FROM a AS base\nCMD ["serve"]\nFROM base\nENTRYPOINT ["tool"]\n')
    assert df.cmd() is None
    assert df.startup().argv == ("tool",)


def test_env_reads_quotes_and_the_old_space_form():
    df = parse('FROM a\nENV GREETING="hello world" A=1\nENV OLD value with spaces\nENV A=2\n')
    assert df.env() == {"GREETING": "hello world", "A": "2", "OLD": "value with spaces"}


def test_exposed_ports_keep_protocol_and_variables():
    df = parse("FROM a\nEXPOSE 8000 53/UDP ${PORT} 7000-7002\n")
    ports = df.exposed_ports()
    assert [(p.port, p.protocol, p.number) for p in ports] == [
        ("8000", "tcp", 8000), ("53", "udp", 53), ("${PORT}", "tcp", None),
        ("7000-7002", "tcp", None),
    ]


def test_here_documents_are_bodies_not_instructions():
    df = parse("FROM a\nRUN <<EOF\nFROM looks like an instruction\nEOF\nCMD x\n")
    run = df.instructions("RUN")[0]
    assert run.heredocs == ("FROM looks like an instruction\n",)
    assert (run.line, run.end_line) == (2, 4)
    assert len(df.stages) == 1 and df.instructions("CMD")[0].line == 5


def test_image_references_split_registry_tag_and_digest():
    registry = "localhost:5000/team/app"
    assert ImageRef.parse(registry) == ImageRef(registry, "", "")
    assert ImageRef.parse(f"{registry}:1.2") == ImageRef(registry, "1.2", "")
    pinned = ImageRef.parse("python:3.12-slim@sha256:abc")
    assert pinned == ImageRef("python", "3.12-slim", "sha256:abc")


def test_expand_uses_known_values_and_defaults():
    assert dockerfile.expand("0.0.0.0:${PORT:-8000}", {}) == "0.0.0.0:8000"
    assert dockerfile.expand("$HOST:${PORT}", {"HOST": "0.0.0.0", "PORT": "80"}) == "0.0.0.0:80"
    assert dockerfile.expand("$UNKNOWN", {}) == "$UNKNOWN"


def test_shell_script_is_found_only_for_a_shell_with_dash_c():
    assert dockerfile.shell_script(["/bin/bash", "-eu", "-c", "run"]) == "run"
    assert dockerfile.shell_script(["sh", "-ec", "run"]) == "run"
    assert dockerfile.shell_script(["/usr/bin/env", "sh", "-c", "run"]) == "run"
    assert dockerfile.shell_script(["python", "-c", "print()"]) is None


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty"),
        ("# only a comment\n", 1, "empty"),
        ("RUN echo\nFROM a\n", 1, "before the first FROM"),
        ("ARG X=1\nRUN echo\n", 2, "before the first FROM"),
        ("FROM a\nFORM b\n", 2, "Did you mean FROM?"),
        ("FROM a\nBANANA split\n", 2, "not a Dockerfile instruction"),
        ("FROM a b c\n", 1, "optional 'AS name'"),
        ("FROM a AS 1st\n", 1, "must start with a letter"),
        ("FROM a AS x\nFROM b AS X\n", 2, "already used by the stage on line 1"),
        ("FROM a\nCMD\n", 2, "needs arguments"),
        ("FROM a\nENV NAME\n", 2, "has no value"),
        ("FROM a\nENV A=1 B\n", 2, "no '='"),
        ("FROM a\nEXPOSE 80a\n", 2, "1 to 65535"),
        ("FROM a\nEXPOSE 70000\n", 2, "1 to 65535"),
        ("FROM a\nEXPOSE 80/http\n", 2, "tcp or udp"),
        ("FROM a\nSHELL /bin/bash -c\n", 2, "JSON array"),
        ("FROM a\nRUN <<EOF\nnever closed\n", 2, "never closed"),
    ],
)
def test_malformed_input_raises_an_error_with_line_and_reason(text, line, words):
    error = error_of(text)
    assert error.line == line
    assert words in error.message
    assert str(error).startswith(f"line {line}: ")


@pytest.mark.parametrize(
    "text",
    ["\\", "FROM a\n\\\n", "FROM a\nRUN echo \\", "\t\tFROM\ta\n", "FROM a\nCMD [\"unclosed\n",
     "FROM a\nCOPY\t--from=\n", "FROM ☃\nLABEL ☃=☃\n", "FROM a\nRUN 'unbalanced\n", "\x00"],
)
def test_odd_input_never_escapes_as_anything_but_dockerfile_error(text):
    try:
        parse(text)
    except DockerfileError:
        pass


# ---------------------------------------------------------------------------------------------
# check(): the whole review
# ---------------------------------------------------------------------------------------------

REALWORLD = Path(__file__).resolve().parents[1] / "fixtures" / "realworld" / "docker"
REALWORLD_FILES = sorted(REALWORLD.glob("*.Dockerfile"))
# Warnings a well-formed Dockerfile may still get, by file.
EXPECTED_WARNINGS = {
    # Docker's own guide hard-codes port 8000 in the exec-form CMD.
    "python-buildkit-cache.Dockerfile": {"port-hard-coded"},
}

# A good Dockerfile for a Flask app on Coolify; the tests break it one line at a time.
APP = """\
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 PORT=8000
WORKDIR /app
RUN useradd --create-home app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER app
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')"
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT} app:app"]
"""


def review(text: str) -> list[Finding]:
    return dockerfile.check(text)


def only(text: str, rule: str) -> Finding:
    found = [f for f in review(text) if f.rule == rule]
    assert len(found) == 1, [f.format() for f in review(text)]
    return found[0]


def changed(old: str, new: str) -> str:
    assert old in APP, old
    return APP.replace(old, new, 1)


def test_realworld_fixtures_are_there():
    assert len(REALWORLD_FILES) >= 5


@pytest.mark.parametrize("path", REALWORLD_FILES, ids=lambda p: p.name)
def test_realworld_dockerfiles_pass_cleanly(path):
    findings = dockerfile.check(path.read_text(), path.name)
    assert [f.format() for f in findings if f.is_error] == []
    assert {f.rule for f in findings} == EXPECTED_WARNINGS.get(path.name, set())


def test_the_good_app_dockerfile_is_clean():
    assert review(APP) == []


def test_the_coolify_exercise_solution_is_clean_but_for_its_missing_healthcheck():
    solution = Path(__file__).resolve().parents[2] / "exercises" / "coolify" / \
        "010-dockerfile-for-coolify" / "solution" / "Dockerfile"
    assert [f.rule for f in dockerfile.check(solution.read_text())] == ["no-healthcheck"]


@pytest.mark.parametrize(
    ("text", "rule", "line", "words"),
    [
        ("", "dockerfile-syntax", 1, "empty"),
        ("FROM a\nFORM b\n", "dockerfile-syntax", 2, "Did you mean FROM?"),
        ("\x00\x01ELF\x02", "not-text", 1, "binary file"),
        ("RUN echo hi\n", "dockerfile-syntax", 1, "before the first FROM"),
    ],
)
def test_unreadable_dockerfiles_become_one_finding(text, rule, line, words):
    [finding] = review(text)
    assert (finding.rule, finding.line, finding.severity) == (rule, line, "error")
    assert words in finding.message


def test_a_huge_file_is_refused_quickly():
    text = "FROM python:3.12-slim\n" + "RUN echo hi\n" * 60_000
    started = time.perf_counter()
    [finding] = review(text)
    assert finding.rule == "file-too-large" and time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("old", "new", "rule", "severity", "words"),
    [
        ("FROM python:3.12-slim", "FROM python", "base-image-unpinned", "warning",
         "python:latest"),
        ("FROM python:3.12-slim", "FROM python:latest", "base-image-unpinned", "warning",
         "moves to a new release"),
        ("FROM python:3.12-slim", "FROM python:slim", "base-image-unpinned", "warning",
         "follows whatever release is newest"),
        ("FROM python:3.12-slim", "FROM python:3-slim", "base-image-floating", "warning",
         "3.13"),
        ("FROM python:3.12-slim", "FROM python:3.12", "base-image-heavy", "warning",
         "around 1 GB"),
        ("FROM python:3.12-slim", "FROM python:3.12-alpine", "python-alpine", "warning", "musl"),
        ("USER app\n", "", "runs-as-root", "warning", "container-escape"),
        ("USER app\n", "USER root\n", "runs-as-root", "warning", "switches back to root"),
        ("RUN useradd --create-home app\n", "", "user-not-created", "error",
         "unable to find user app"),
        ("COPY requirements.txt .\n", "", "deps-file-missing", "error", "COPY requirements.txt"),
        ("COPY requirements.txt .\n", "COPY . .\n", "deps-after-code", "warning",
         "downloads every package again"),
        ('exec gunicorn --bind 0.0.0.0:${PORT} app:app', "exec flask run --host 0.0.0.0",
         "dev-server", "error", "development server"),
        ('exec gunicorn --bind 0.0.0.0:${PORT} app:app',
         "exec uvicorn app:app --host 0.0.0.0 --reload", "dev-server", "error", "--reload"),
        ('exec gunicorn --bind 0.0.0.0:${PORT} app:app',
         "exec python manage.py runserver 0.0.0.0:8000", "dev-server", "error", "runserver"),
        ("0.0.0.0:${PORT}", "127.0.0.1:${PORT}", "binds-loopback", "error", "502 Bad Gateway"),
        ('exec gunicorn --bind 0.0.0.0:${PORT} app:app', "exec uvicorn app:app",
         "binds-loopback", "error", "uvicorn's default"),
        ('CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT} app:app"]',
         'CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]', "variable-in-exec-form",
         "error", "'$PORT' is not a valid port number"),
        ('"exec gunicorn', '"cd /app; gunicorn', "shell-pid1", "warning", "SIGTERM"),
        ("EXPOSE 8000", "EXPOSE 5000", "expose-mismatch", "warning", "EXPOSE says 5000"),
        ("HEALTHCHECK", "# HEALTHCHECK", "no-healthcheck", "warning", "hung app"),
        ("ENV PYTHONUNBUFFERED=1 PORT=8000", "ENV PORT=8000", "python-buffered-output",
         "warning", "PYTHONUNBUFFERED"),
        ("ENV PYTHONUNBUFFERED=1 PORT=8000", "ENV PYTHONUNBUFFERED=1 PORT=8000 SECRET_KEY=abc",
         "secret-in-env", "error", "docker inspect"),
        ("ENV PYTHONUNBUFFERED=1 PORT=8000",
         "ENV PYTHONUNBUFFERED=1 PORT=8000 DATABASE_URL=postgres://u:pw@db/app",
         "secret-in-env", "error", "URL with a password"),
        ("WORKDIR /app\n", "WORKDIR /app\nARG NPM_TOKEN\n", "secret-in-arg", "error",
         "--mount=type=secret"),
        ("COPY . .\n", "COPY . .\nCOPY id_rsa /root/.ssh/id_rsa\n", "secret-file-copied",
         "error", "Layers are forever"),
        ("COPY . .\n", "ADD config.yaml /app/\n", "add-instead-of-copy", "warning",
         "use COPY"),
        ("RUN useradd", "RUN apt-get update && apt-get install curl && useradd", "apt-no-yes",
         "error", "build fails"),
        ("RUN useradd", "RUN apt-get update && apt-get install -y curl && useradd",
         "apt-lists-kept", "warning", "rm -rf /var/lib/apt/lists"),
        ("RUN useradd", "RUN apt-get update\nRUN useradd", "apt-update-alone", "warning",
         "same RUN"),
        ("pip install --no-cache-dir -r", "pip install -r", "pip-cache-kept", "warning",
         "--no-cache-dir"),
        ("WORKDIR /app", "WORKDIR app", "workdir-relative", "warning", "absolute path"),
        ("WORKDIR /app\n", "", "no-workdir", "warning", "lands in /"),
        ("COPY . .\n", "COPY --from=biulder /out /out\n", "unknown-stage", "error",
         "Docker Hub"),
        ("CMD [", "CMD ['gunicorn']\nCMD [", "repeated-cmd", "warning", "only the last CMD"),
        ('CMD ["sh"', "CMD ['sh'", "broken-exec-form", "error", "not valid JSON"),
        ("ENV PYTHONUNBUFFERED=1 PORT=8000", "ENV PYTHONUNBUFFERED=1 PORT=8000 FLASK_DEBUG=1",
         "dev-server", "error", "interactive debugger"),
    ],
)
def test_review_rules(old, new, rule, severity, words):
    finding = only(changed(old, new), rule)
    assert finding.severity == severity
    assert words in f"{finding.message} {finding.fix}"
    assert not finding.fix or finding.fix not in finding.message


# What a fix says; a message (which exercises show) only says what goes wrong and why.
FIX_WORDS = re.compile(
    r"\b(?:Bind 0\.0\.0\.0|Use |use (?:COPY|apk|pip|an absolute|a build secret)|Add |Write |Pin |"
    r"Put the version|Create a user|Start (?:gunicorn|the|a production)|Remove|Switch to|"
    r"Say what to run|Let a shell|Read it from|End the same RUN|Update and install|"
    r"Install it|Give the ARG|Expose the port|Copy the dependency)"
)


@pytest.mark.parametrize("text", [
    APP.replace("0.0.0.0:${PORT}", "127.0.0.1:8000").replace("USER app\n", "")
    .replace("RUN pip install --no-cache-dir", "RUN pip install")
    .replace("WORKDIR /app", "WORKDIR app\nMAINTAINER me\nENV DEBIAN_FRONTEND=x")
    .replace("ENV PYTHONUNBUFFERED=1 PORT=8000", "ARG NPM_TOKEN=abc\nENV API_TOKEN=s3cr3tvalue")
    .replace("python:3.12-slim", "python:3"),
    "FROM python\nADD app.py /app/\nRUN apt-get update\nRUN apt-get install curl\n"
    "CMD flask run --debug\n",
    'FROM python:3.12-slim\nCMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]\n',
    "FROM python:3.12-slim AS build\nFROM python:3.12-slim\nCOPY --from=biuld /w /w\n"
    "RUN apk add curl\nCMD gunicorn --reload -b 10.0.0.5:8000 app:app\nEXPOSE 5000\n",
    "FROM python:3.12-slim\nENV\n",
])
def test_messages_say_what_goes_wrong_and_the_fix_stays_apart(text):
    found = review(text)
    assert found
    for finding in found:
        assert not FIX_WORDS.search(finding.message), finding
    assert sum(bool(f.fix) for f in found) >= len(found) - 2


def test_findings_point_at_the_line_to_change():
    assert only(changed("0.0.0.0:${PORT}", "127.0.0.1:${PORT}"), "binds-loopback").line == 11
    assert only(changed("COPY requirements.txt .\n", "COPY . .\n"), "deps-after-code").line == 5
    assert only(changed("USER app\n", "USER root\n"), "runs-as-root").line == 8


def test_a_fixed_port_is_only_a_warning_and_only_without_a_port_variable():
    text = changed("ENV PYTHONUNBUFFERED=1 PORT=8000", "ENV PYTHONUNBUFFERED=1").replace(
        "0.0.0.0:${PORT}", "0.0.0.0:8000")
    finding = only(text, "port-hard-coded")
    assert finding.severity == "warning" and "${PORT:-8000}" in finding.fix


def test_gunicorn_without_bind_listens_on_port_when_port_is_set():
    text = changed("--bind 0.0.0.0:${PORT} ", "")
    assert "binds-loopback" not in {f.rule for f in review(text)}
    no_port = text.replace("ENV PYTHONUNBUFFERED=1 PORT=8000", "ENV PYTHONUNBUFFERED=1")
    assert "gunicorn's default" in only(no_port, "binds-loopback").message


def test_build_mounts_replace_copying_the_requirements():
    text = changed(
        "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "RUN --mount=type=cache,target=/root/.cache/pip "
        "--mount=type=bind,source=requirements.txt,target=requirements.txt "
        "pip install -r requirements.txt\n",
    )
    assert review(text) == []


def test_secret_lookalikes_are_not_secrets():
    text = changed("ENV PYTHONUNBUFFERED=1 PORT=8000",
                   "ENV PYTHONUNBUFFERED=1 PORT=8000 POSTGRES_PASSWORD_FILE=/run/secrets/db "
                   "API_KEY=${API_KEY} GPG_KEY=A035C8C19219BA82")
    assert review(text) == []
    assert review(changed("COPY . .\n", "COPY . .\nCOPY .env.example /app/\n")) == []


def test_installing_the_project_after_copying_it_is_only_a_warning():
    text = changed("COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
                   "COPY . .\n", "COPY . .\nRUN pip install --no-cache-dir .\n")
    assert only(text, "deps-after-code").severity == "warning"


def test_non_root_base_images_need_no_user():
    text = "FROM nginxinc/nginx-unprivileged:1.27-alpine\nCOPY site /usr/share/nginx/html\n" \
        "HEALTHCHECK CMD wget -q --spider http://127.0.0.1:8080/\n"
    assert review(text) == []
    assert only(text.replace("nginxinc/nginx-unprivileged", "nginx"), "runs-as-root").line == 1


def test_healthcheck_with_a_tool_the_slim_image_lacks():
    text = changed('HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('
                   "'http://127.0.0.1:8000/')\"", "HEALTHCHECK CMD curl -f http://127.0.0.1:8000/")
    assert "does not include curl" in only(text, "healthcheck-tool-missing").message
    installed = text.replace("RUN useradd", "RUN apt-get update && apt-get install -y curl && "
                             "rm -rf /var/lib/apt/lists/* && useradd")
    assert "healthcheck-tool-missing" not in {f.rule for f in review(installed)}


def test_mounts_of_a_run_are_read_from_repeated_flags():
    df = dockerfile.parse(
        "FROM a\nRUN --mount=type=cache,target=/c --mount=type=bind,source=r.txt,target=r.txt x\n"
    )
    run = df.instructions("RUN")[0]
    assert run.mounts() == [
        {"type": "cache", "target": "/c"},
        {"type": "bind", "source": "r.txt", "target": "r.txt"},
    ]
    assert run.flags == {"mount": "type=bind,source=r.txt,target=r.txt"}  # old API unchanged


def test_mutilated_dockerfiles_never_crash_the_review():
    lines = APP.splitlines()
    for i in range(len(lines)):
        for variant in (lines[:i] + lines[i + 1 :],
                        lines[:i] + [lines[i][: len(lines[i]) // 2]] + lines[i + 1 :],
                        lines[:i] + ['CMD ["a", 1]', "USER", "EXPOSE ${X}/tcp"] + lines[i:]):
            for finding in review("\n".join(variant)):
                assert finding.severity in ("error", "warning") and finding.line >= 1


def test_a_findings_fix_is_printed_by_the_linter_but_kept_out_of_its_message():
    finding = Finding("runs-as-root", "error", 3, "The app runs as root.", "Dockerfile",
                      fix="Add a USER line.")
    assert finding.format() == (
        "Dockerfile:3: error [runs-as-root] The app runs as root. Add a USER line."
    )
    assert "USER line" not in finding.message
    assert "USER line" not in str(finding)


def test_the_dockerfile_linter_prints_each_message_with_its_fix(tmp_path):
    from click.testing import CliRunner

    from app.lint_cli import lint_cli

    path = tmp_path / "Dockerfile"
    path.write_text(changed("0.0.0.0:${PORT}", "127.0.0.1:${PORT}"))
    result = CliRunner().invoke(lint_cli, ["dockerfile", str(path)])
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if "[binds-loopback]" in x)
    assert line.startswith(f"{path}:11: error [binds-loopback] gunicorn listens on 127.0.0.1")
    assert "502 Bad Gateway" in line and line.endswith("Bind 0.0.0.0.")


# -- rules judged on the deploy model, not on the words of the command ------------------------
def rules_of(text: str) -> set[str]:
    return {f.rule for f in review(text)}


@pytest.mark.parametrize(("old", "new", "fixed"), [
    # ENV PORT is set, but the bind never reads it: Coolify's PORT changes nothing.
    ("0.0.0.0:${PORT}", "0.0.0.0:8000", True),
    # The shell's own variable, not PORT.
    ("exec gunicorn --bind 0.0.0.0:${PORT}", "P=8000; exec gunicorn --bind 0.0.0.0:$P", True),
    # A variable of another name, set in the image.
    ("exec gunicorn --bind 0.0.0.0:${PORT}", "exec gunicorn --bind 0.0.0.0:$APP_PORT", True),
    ("0.0.0.0:${PORT}", "0.0.0.0:${PORT:-8000}", False),
    ('CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT} app:app"]',
     'CMD ["gunicorn", "app:app"]', False),  # gunicorn binds 0.0.0.0:$PORT by itself
])
def test_a_port_is_hard_coded_when_the_server_ignores_the_port_coolify_sets(old, new, fixed):
    text = changed(old, new).replace("PORT=8000", "PORT=8000 APP_PORT=8000")
    assert ("port-hard-coded" in rules_of(text)) is fixed


def test_expose_is_compared_with_the_port_the_server_really_gets():
    text = changed("exec gunicorn --bind 0.0.0.0:${PORT}",
                   "P=5000; exec gunicorn --bind 0.0.0.0:$P")
    finding = only(text, "expose-mismatch")
    assert "listens on port 5000" in finding.message and "8000" in finding.message
    assert "expose-mismatch" not in rules_of(changed("EXPOSE 8000", "EXPOSE 8000 5000"))


@pytest.mark.parametrize(("cmd", "warned"), [
    # tini passes SIGTERM to sh, and sh keeps it: gunicorn never hears it.
    ('CMD ["tini", "--", "sh", "-c", "echo starting; gunicorn --bind 0.0.0.0:${PORT} '
     'app:app"]', True),
    ('CMD ["tini", "--", "sh", "-c", "echo starting; exec gunicorn --bind 0.0.0.0:${PORT} '
     'app:app"]', False),
    # sh -c with one command execs it: gunicorn is PID 1.
    ("CMD gunicorn --bind 0.0.0.0:${PORT} app:app", False),
    ("CMD echo starting && gunicorn --bind 0.0.0.0:${PORT} app:app", True),
])
def test_shell_pid1_asks_the_model_which_process_gets_sigterm(cmd, warned):
    text = changed('CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT} app:app"]', cmd)
    text = text.replace("RUN useradd", "RUN apt-get update && apt-get install -y --no-install-"
                        "recommends tini && rm -rf /var/lib/apt/lists/* && useradd")
    assert ("shell-pid1" in rules_of(text)) is warned, [f.format() for f in review(text)]


def secret_rules(text: str) -> set[tuple[str, str, int]]:
    return {(f.rule, f.severity, f.line) for f in review(text) if f.rule.startswith("secret-")}


def test_a_secret_build_argument_is_an_error_when_a_run_records_it_in_the_image_history():
    text = changed("WORKDIR /app\n", "WORKDIR /app\nARG NPM_TOKEN\n")
    finding = only(text, "secret-in-arg")
    assert finding.severity == "error" and finding.line == 4
    assert "the RUN on line 5 records its value" in finding.message


def test_a_secret_build_argument_no_step_of_the_image_records_is_not_an_error():
    # Declared after the last RUN: no RUN records it, so docker history has no value for it.
    text = changed("USER app\n", "USER app\nARG NPM_TOKEN\n")
    assert secret_rules(text) == set()


def test_a_secret_build_argument_used_only_in_a_build_stage_is_advice():
    text = (
        "FROM python:3.12-slim AS build\nARG PIP_TOKEN\n"
        "RUN pip wheel --wheel-dir /w --extra-index-url https://t:${PIP_TOKEN}@x.example/ shop\n"
        + APP.replace("COPY requirements.txt .\n", "COPY --from=build /w /w\n"
                      "COPY requirements.txt .\n")
    )
    assert secret_rules(text) == {("secret-in-arg", "warning", 2)}
    assert "build stage 'build'" in only(text, "secret-in-arg").message


def test_a_secret_build_argument_copied_into_env_ends_in_the_image_configuration():
    text = changed("USER app\n", "USER app\nARG API_TOKEN\nENV API_TOKEN=${API_TOKEN}\n")
    assert secret_rules(text) == {("secret-in-env", "error", 10)}


def test_a_default_with_a_password_is_written_into_the_dockerfile():
    text = changed("WORKDIR /app\n",
                   "WORKDIR /app\nARG INDEX_URL=https://shop:Xk2p9dQ7@pkgs.example.com/simple\n")
    assert ("secret-in-arg", "error", 4) in secret_rules(text)
    assert "default value" in only(text, "secret-in-arg").message
