"""The Dockerfile parser: what exercise tests rely on, and clear errors on bad input."""

from __future__ import annotations

import pytest

from app.grading import dockerfile
from app.grading.dockerfile import DockerfileError
from app.grading.dockerfile import ImageRef
from app.grading.dockerfile import parse

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
