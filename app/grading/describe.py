"""What Run shows for files that are not Python: how the grader reads a YAML file or a Dockerfile.

A learner pressing Run on a manifest or a Dockerfile sees the documents or stages the grader
found, with their line numbers, or the first syntax problem and where it is. Plain words.
"""

from __future__ import annotations

from . import dockerfile
from . import manifests

YAML_SUFFIXES = (".yaml", ".yml")
MAX_ARGS_CHARS = 70


def is_dockerfile(name: str) -> bool:
    """Dockerfile, app.Dockerfile, Dockerfile.prod, docker/Dockerfile."""
    base = name.rsplit("/", 1)[-1].lower()
    return base == "dockerfile" or base.startswith("dockerfile.") or base.endswith(".dockerfile")


def plural(count: int, word: str) -> str:
    """'1 line', '3 lines'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def shorten(text: str, limit: int = MAX_ARGS_CHARS) -> str:
    """One line, cut with an ellipsis if long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_yaml(name: str, text: str) -> str:
    """List the documents of a YAML file, or say where its syntax breaks."""
    try:
        resources = manifests.load_documents(text, source=name, allow_empty=True)
    except manifests.ManifestError as exc:
        return f"{name}: could not be read.\nLine {exc.line}: {exc.message}"
    lines = [f"{name}: {plural(len(resources), 'YAML document')}"]
    for r in resources:
        if r.kind:
            title = f"{r.kind} '{r.name}'" if r.name else f"{r.kind} (no metadata.name)"
            version = f" ({r.api_version})" if r.api_version else " (no apiVersion)"
            where = f", namespace {r.namespace}" if r.namespace else ""
            lines.append(f"  line {r.line}: {title}{version}{where}")
        else:
            keys = ", ".join(str(k) for k in list(r.data)[:6]) or "nothing"
            lines.append(f"  line {r.line}: a mapping with keys {keys} (no kind:)")
    return "\n".join(lines)


def describe_dockerfile(name: str, text: str) -> str:
    """List the stages and instructions of a Dockerfile, or say where it breaks."""
    try:
        parsed = dockerfile.parse(text)
    except dockerfile.DockerfileError as exc:
        return f"{name}: could not be read.\nLine {exc.line}: {exc.message}"
    lines = [f"{name}: {plural(len(parsed.stages), 'stage')}"]
    for ins in parsed.instructions():
        if ins.stage is None:
            lines.append(f"  line {ins.line:>3}  {ins.kind} {shorten(ins.args)}  (before FROM)")
    for stage in parsed.stages:
        label = f"'{stage.name}'" if stage.name else str(stage.index + 1)
        resolved = dockerfile.expand(stage.base, parsed.global_args())
        image = stage.base if resolved == stage.base else f"{stage.base} (= {resolved})"
        built_on = (
            f"builds on stage '{parsed.stages[stage.parent].name}'" if stage.parent is not None
            else f"from image {image}"
        )
        lines.append(f"Stage {label} {built_on} (line {stage.line})")
        for ins in stage.instructions[1:]:
            flags = " ".join(f"--{k}={v}" if v else f"--{k}" for k, v in ins.flags.items())
            args = f"{flags} {ins.args}".strip()
            form = ""
            if ins.kind in ("CMD", "ENTRYPOINT", "RUN"):
                form = "  [exec form]" if ins.is_exec_form else "  [shell form]"
                if ins.looks_like_broken_json:
                    form = "  [shell form: not valid JSON, so Docker runs it as text]"
            lines.append(f"  line {ins.line:>3}  {ins.kind} {shorten(args)}{form}")
    lines.append("The final image:")
    user = parsed.user_of_final_stage()
    lines.append(f"  runs as user: {user or 'not set (the base image decides; usually root)'}")
    ports = ", ".join(f"{p.port}/{p.protocol}" for p in parsed.exposed_ports())
    lines.append(f"  exposes: {ports or 'no EXPOSE'}")
    start = parsed.startup()
    if start is None:
        lines.append("  starts: no CMD or ENTRYPOINT (the base image's command runs)")
    else:
        shell = " (through a shell, so $VARIABLES expand)" if start.via_shell else ""
        lines.append(f"  starts: {shorten(' '.join(start.words), 90)}{shell}")
    return "\n".join(lines)


def describe_file(name: str, text: str) -> str:
    """Describe a non-Python file for Run: YAML documents, Dockerfile stages, or a line count."""
    if name.lower().endswith(YAML_SUFFIXES):
        return describe_yaml(name, text)
    if is_dockerfile(name):
        return describe_dockerfile(name, text)
    count = len(text.splitlines())
    return f"{name}: {plural(count, 'line')}, {plural(len(text), 'character')}"

