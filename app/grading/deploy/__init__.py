"""A model of what a deploy does: build, run, compose up, Traefik routing and Coolify.

    from grading import deploy
    image = deploy.build(dockerfile_text, context={"app.py": ..., "requirements.txt": ...})
    image.history(); image.leaks(); image.error
    container = image.run({"PORT": "8000"}); container.health(); container.listener

Pure Python (standard library and ruamel.yaml), so it runs in Pyodide like the rest of the
grader. Every answer carries a trace of the steps behind it (Outcome.explain()).
"""

from __future__ import annotations

from . import backup
from . import build as build_model
from . import checks
from . import ci
from . import compose
from . import coolify
from . import images
from . import run
from . import shell
from . import traefik
from . import vps
from .build import Image
from .build import build
from .trace import DeployError
from .trace import Outcome
from .trace import Trace

__all__ = [
    "DeployError", "Image", "Outcome", "Trace", "build", "build_model", "images", "run",
    "shell", "backup", "checks", "ci", "compose", "coolify", "traefik", "vps",
]
