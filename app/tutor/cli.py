"""`flask tutor guard`: run the guards on a reply written by hand (authors test their hints)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..catalog import get_catalog
from .guards import check_reply
from .guards import context_for
from .guards import hard_failures

tutor_cli = AppGroup("tutor", help="Check tutor replies against the guards G1-G7.")


@tutor_cli.command("guard")
@click.argument("exercise_id")
@click.argument("reply_file", type=click.File("r", encoding="utf-8"))
@click.option("--level", type=click.IntRange(1, 9), required=True, help="The hint level unlocked.")
@click.option(
    "--tests-pass", is_flag=True, help="Judge as if the latest check passed (G7 relaxes)."
)
def guard(exercise_id: str, reply_file, level: int, tests_pass: bool) -> None:
    """Print each guard's result for REPLY_FILE ('-' reads stdin); exit 1 if a hard guard fails."""
    exercise = get_catalog().get(exercise_id)
    if exercise is None:
        click.secho(f"There is no exercise {exercise_id!r} (see `flask exercises list`).", fg="red")
        sys.exit(2)
    ctx = context_for(exercise, level, tests_failing=not tests_pass)
    results = check_reply(reply_file.read(), ctx)
    name = Path(reply_file.name).name
    click.echo(f"{name} on {exercise.id}, hint level {level}:")
    for result in results:
        mark = "pass" if result.passed else ("FAIL" if result.hard else "warn")
        kind = "hard" if result.hard else "soft"
        click.echo(f"  {result.id} {mark:4}  {result.name} ({kind}): {result.detail}")
    failed = hard_failures(results)
    if failed:
        click.secho(
            f"rejected: {', '.join(r.id for r in failed)} failed; the learner would not see it.",
            fg="red",
        )
        sys.exit(1)
    click.secho("accepted: every hard guard passes.", fg="green")
