"""`flask tutor guard`: authors run the guards on a reply they wrote; a hard failure exits 1."""

from __future__ import annotations

from app.config import load_config


def run_guard(runner, tmp_path, text, *args):
    reply = tmp_path / "reply.md"
    reply.write_text(text)
    return runner.invoke(args=["tutor", "guard", "fixture-add", *args, str(reply)])


def test_a_good_reply_passes_and_every_guard_is_printed(runner, tmp_path):
    result = run_guard(
        runner, tmp_path, "Your function subtracts. What does it give for 2 and 3?", "--level", "1"
    )
    assert result.exit_code == 0, result.output
    for guard in ("G1", "G2", "G3", "G4", "G5", "G6", "G7"):
        assert f"  {guard} pass" in result.output
    assert "accepted" in result.output


def test_a_leaking_reply_fails_with_the_guards_named_and_exit_code_1(runner, tmp_path):
    leak = "Great job! Use this:\n\n```python\ndef add(a, b):\n    return a + b\n```\n"
    result = run_guard(runner, tmp_path, leak, "--level", "1")
    assert result.exit_code == 1
    assert "G1 FAIL" in result.output and "G2 FAIL" in result.output
    assert "G7 FAIL" in result.output
    assert "rejected: G1, G2, G3, G7" in result.output


def test_praise_is_fine_once_the_tests_pass(runner, tmp_path):
    text = "Well done, every test passes. What would you change for floats?"
    assert run_guard(runner, tmp_path, text, "--level", "1").exit_code == 1
    assert run_guard(runner, tmp_path, text, "--level", "1", "--tests-pass").exit_code == 0


def test_an_unknown_exercise_is_named(runner, tmp_path):
    reply = tmp_path / "r.md"
    reply.write_text("What?")
    result = runner.invoke(args=["tutor", "guard", "no-such", "--level", "1", str(reply)])
    assert result.exit_code == 2 and "no-such" in result.output


def test_the_test_transport_cannot_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTOR_HTTP_TRANSPORT", "tests.fake_anthropic:FakeAnthropic")
    monkeypatch.setenv("SECRET_KEY", "x")
    assert load_config(tmp_path)["TUTOR_HTTP_TRANSPORT"] is None
