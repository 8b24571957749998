"""Every YAML file of the Coolify track is YAML that the strict readers accept too.

The grader reads with ruamel.yaml; GitHub Actions, Docker Compose (Go) and PyYAML refuse some
plain scalars ruamel lets through (a `run:` line holding `Authorization: Bearer ...`), and a
starter the real tools refuse teaches the wrong thing before the first edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

TRACK = Path(__file__).resolve().parents[2] / "exercises" / "coolify"
FILES = sorted(p for p in TRACK.rglob("*") if p.suffix in (".yml", ".yaml"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(TRACK)) for p in FILES])
def test_the_file_is_yaml_for_pyyaml_too(path):
    try:
        list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        pytest.fail(f"{path.relative_to(TRACK)}: {exc}")
