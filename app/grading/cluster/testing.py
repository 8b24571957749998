"""Helpers for exercise tests that ask the cluster model what would happen.

    from grading.cluster import testing as k8s
    c = k8s.load(["deployment.yaml", "service.yaml"], learner=["service.yaml"])
    k8s.accepted(c, "service.yaml")                        # fails with the API server's reason
    k8s.reaches(c, "https://shop.example.com/", "shop-web", port=8080)
    k8s.refused(c, "https://other.example.com/", "shop-web", why="answers for every host")

A failure message is the request's row of hops with the failing step marked, so the learner
sees where the request went and which line sent it there; the same trace travels with the
failure (grading.traces) for the results panel, which draws it as a row with the failing hop marked.
"""

from __future__ import annotations

from typing import Any
from typing import NoReturn

from .. import submission
from .. import traces
from ..manifests import ManifestError
from ..manifests import Resource
from ..manifests import load_documents
from .model import Cluster
from .model import Pod
from .trace import Trace


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (no assertion rewriting noise)."""
    raise AssertionError(message)


def load(files: list[str], learner: list[str] | None = None, extra: str = "",
         strict: bool = False, **options: Any) -> Cluster:
    """Apply the files (and `extra`: objects already running in the cluster) to a model.

    A learner file that is not readable YAML skips the test (the first check reports it), or
    fails it when `strict`.
    """
    import pytest

    resources: list[Resource] = []
    if extra:
        resources += load_documents(extra, "(already in the cluster)")
    for name in files:
        text = submission.read(name)
        try:
            resources += load_documents(text, name)
        except ManifestError as exc:
            if strict or name not in (learner or files):
                fail(str(exc))
            pytest.skip(f"{name} cannot be read yet (see the first check)")
    return Cluster(resources, **options)


def accepted(c: Cluster, source: str) -> None:
    """Fail with the API server's reason when it would refuse an object of `source`."""
    rejected = c.rejections_of(source)
    if rejected:
        fail(f"{rejected[0]}. kubectl apply stops there, so this object never exists in the "
             "cluster")


def owner_name(pod: Pod | None) -> str:
    """The workload a pod belongs to."""
    return pod.owner.name if pod is not None and pod.owner is not None else ""


def reaches(c: Cluster, url: str, workload: str, port: int | None = None,
            path: str | None = None, **request: Any) -> Trace:
    """The request reaches a pod of `workload` (on `port`, with `path`), or the test fails."""
    trace = c.request(url, **request)
    why = ""
    if not trace.ok:
        why = ""
    elif owner_name(trace.pod) != workload:
        why = f"it arrives at a pod of '{owner_name(trace.pod)}', not of '{workload}'"
    elif port is not None and trace.port != port:
        why = f"it arrives on port {trace.port}, where nothing of {workload} listens"
    elif path is not None and trace.path != path:
        why = f"the pod receives the path {trace.path}, but the application serves {path}"
    else:
        return trace
    traces.fail(f"{url} should reach the {workload} pods but does not. {trace.row()}"
                + (f"; {why}" if why else ""), trace.panel(why))


def refused(c: Cluster, url: str, workload: str, consequence: str, **request: Any) -> Trace:
    """The request must not reach a pod of `workload`."""
    trace = c.request(url, **request)
    if trace.ok and owner_name(trace.pod) == workload:
        traces.fail(f"{url} reaches the {workload} pods, but it should not: {consequence}. "
                    f"{trace.row()}", trace.panel(f"should not arrive here: {consequence}"))
    return trace


def fail_with(trace: Trace, message: str, problem: str = "") -> NoReturn:
    """Fail with `message` and the request's trace for the panel (`problem`: what is wrong with
    where it arrived, when it did arrive)."""
    traces.fail(message, trace.panel(problem))


def pod_of(c: Cluster, workload: str, namespace: str | None = None) -> Pod:
    """The first pod of a workload (a request's source)."""
    for pod in c.pods(namespace):
        if owner_name(pod) == workload:
            return pod
    fail(f"no pod of '{workload}' runs in the cluster model")
