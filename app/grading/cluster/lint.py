"""`flask lint k8s`: the manifest rules plus what the cluster model's API server refuses."""

from __future__ import annotations

from collections.abc import Iterable

from .. import manifests
from ..findings import ERROR
from ..findings import Finding
from ..findings import sort_findings
from .model import Cluster
from .registry import RULES


def check_files(files: Iterable[tuple[str, str]], max_chars: int | None) -> list[Finding]:
    """Every finding for these files read together, each with a rule from the registry.

    The model adds the API server's refusals that the manifest rules did not already report
    on that line. A kind the model does not serve is left alone: it may be a CRD installed in
    the cluster (the manifest rules judge known kinds and removed versions).
    """
    names, resources, findings = manifests.read_files(files, max_chars)
    findings += manifests.check_resources(resources)
    reported = {(f.source, f.line) for f in findings if f.is_error}
    model = Cluster(resources)
    for rejection in model.rejected:
        if rejection.path in ((), ("apiVersion",)):
            continue
        r = rejection.resource
        line = r.line_of(*rejection.path)
        if (r.source, line) in reported:
            continue
        reported.add((r.source, line))
        findings.append(Finding("api-server-rejects", ERROR, line,
                                f"{r.title()}: {rejection.message}", r.source))
    return sort_findings(findings, names)


def undocumented(findings: Iterable[Finding]) -> list[str]:
    """Rule ids of findings that the registry does not describe (tests keep this empty)."""
    return sorted({f.rule for f in findings} - set(RULES))
