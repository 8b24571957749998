"""Benchmark: `flask lint k8s` on one file just under the 4 MB limit (~10,000 objects).

Generates a file of mixed kinds (Deployment, Service, ConfigMap, Ingress, HorizontalPodAutoscaler
and a few that fail), runs the linter on it in a new process as a user would, and prints the
wall-clock and CPU time with the machine's load average (the machine may be busy: run it more
than once). The issue's target is at most 10 s on the 2-core development machine.

Usage: .venv/bin/python scripts/bench_lint_k8s.py [--objects 10000] [--keep FILE] [--profile]
(--profile runs the linter in this process under cProfile and prints the top functions.)
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{n}
  namespace: team-{ns}
  labels: {{app: web-{n}, tier: front}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web-{n}}}
  template:
    metadata:
      labels: {{app: web-{n}, tier: front}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.{n}
          ports:
            - {{name: http, containerPort: 8080}}
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
            limits: {{cpu: "0.5", memory: 128Mi}}
          env:
            - {{name: SETTINGS, value: settings-{n}}}
            - name: POD_NAME
              valueFrom: {{fieldRef: {{fieldPath: metadata.name}}}}
          readinessProbe:
            httpGet: {{path: /healthz, port: http}}
"""
SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: web-{n}, namespace: team-{ns}}}
spec:
  selector: {{app: web-{n}}}
  ports:
    - {{name: http, port: 80, targetPort: {target}}}
"""
CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata: {{name: settings-{n}, namespace: team-{ns}}}
data:
  LOG_LEVEL: info
  PORT: "8080"
  DATABASE_URL: postgres://web-{n}@db.team-{ns}.svc.cluster.local:5432/web
  CACHE_URL: redis://cache.team-{ns}.svc.cluster.local:6379/0
  FEATURE_FLAGS: search,checkout,recommendations,reviews
"""
INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web-{n}
  namespace: team-{ns}
  annotations: {{traefik.ingress.kubernetes.io/router.entrypoints: websecure}}
spec:
  ingressClassName: traefik
  rules:
    - host: web-{n}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {{name: web-{n}, port: {{number: 80}}}}
"""
HPA = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: web-{n}, namespace: team-{ns}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web-{n}}}
  minReplicas: 2
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
"""
KINDS = (DEPLOYMENT, SERVICE, CONFIGMAP, INGRESS, HPA)


def generate(objects: int) -> str:
    """A multi-document YAML file of about `objects` objects (one in 50 groups has a mistake)."""
    documents = []
    for i in range(objects // len(KINDS)):
        broken = i % 50 == 49
        values = {"n": i, "ns": i % 20, "replicas": '"2"' if broken else 2,
                  "target": '"8080"' if broken else "http"}
        documents += [kind.format(**values) for kind in KINDS]
    return "---\n".join(documents)


def main() -> None:
    """Generate the file, lint it in a new process, print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="write the generated file here and keep it")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    text = generate(args.objects)
    path = args.keep or Path(tempfile.mkstemp(suffix=".yaml")[1])
    path.write_text(text)
    objects = text.count("\nkind:")  # every document starts with apiVersion
    print(f"{path}: {len(text.encode()) / 1024 / 1024:.2f} MB, {objects} objects")
    if args.profile:
        profile(text)
        return
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", "lint", "k8s", "--errors-only",
         str(path)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    errors = result.stdout.count(": error [")
    print(f"exit {result.returncode}, {errors} errors; {result.stderr.strip().splitlines()[-1]}")
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s (process start and app import included); "
          f"load average {load:.1f} -> {os.getloadavg()[0]:.1f}")
    if args.keep is None:
        path.unlink()


def profile(text: str) -> None:
    """The linter in this process under cProfile: the 25 most expensive functions."""
    import cProfile
    import pstats

    sys.path.insert(0, str(ROOT))
    from app.grading.cluster import lint

    profiler = cProfile.Profile()
    profiler.enable()
    findings = lint.check_files([("big.yaml", text)], max_chars=4096 * 1024)
    profiler.disable()
    print(f"{sum(f.is_error for f in findings)} errors")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
