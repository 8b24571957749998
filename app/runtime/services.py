"""Locate runtime files and their precompressed variants."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import NotFound

ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


@dataclass(frozen=True)
class RuntimeInfo:
    """What build of the Pyodide runtime is installed, from runtime.json."""

    build_id: str
    pyodide_version: str
    grading_package: str


@lru_cache(maxsize=4)
def _read_runtime_info(path: Path, mtime: float) -> RuntimeInfo | None:
    data = json.loads(path.read_text())
    return RuntimeInfo(data["build_id"], data["pyodide_version"], data["grading_package"])


def runtime_info(runtime_dir: Path) -> RuntimeInfo | None:
    """Return the installed runtime's build, or None when set-up has not built it yet."""
    path = runtime_dir / "runtime.json"
    if not path.is_file():
        return None
    return _read_runtime_info(path, path.stat().st_mtime)


def find_runtime_file(
    runtime_dir: Path, filename: str, accept_encoding: str
) -> tuple[Path, str | None]:
    """Pick the file to send: a precompressed sibling when the browser accepts it."""
    root = runtime_dir.resolve()
    target = (root / filename).resolve()
    if root not in target.parents or not target.is_file() or target.name.startswith("."):
        raise NotFound(f"{filename} is not part of the Pyodide runtime")
    accepted = {part.split(";")[0].strip() for part in accept_encoding.split(",")}
    for encoding, suffix in ENCODINGS:
        candidate = target.with_name(target.name + suffix)
        if encoding in accepted and candidate.is_file():
            return candidate, encoding
    return target, None
