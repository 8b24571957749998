"""Build the browser assets: the editor/page bundle and the self-hosted Pyodide runtime.

Outputs (git-ignored, rebuilt only when their inputs change):
  static/dist/            runner-boot.js, exercise.js, runner.worker.js, dashboard.js (+ source
                          maps, .br/.gz), bundled by esbuild
  static/vendor/pyodide/  Pyodide core files from the npm package, the pure-Python wheels the
                          grader needs, a trimmed pyodide-lock.json that lists only hosted files
                          (an entry whose file is missing makes Pyodide quietly try a CDN),
                          .br/.gz siblings for the big files, and runtime.json (version, build id)
                          plus, built by runner/node/build-snapshot.mjs in Pyodide itself:
                          site-packages.zip (the grader and its dependencies with bytecode) and
                          snapshot.bin (Python's memory with the grader imported and warmed up)
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
NODE_PYODIDE = ROOT / "node_modules" / "pyodide"
DIST = ROOT / "static" / "dist"
RUNTIME = ROOT / "static" / "vendor" / "pyodide"
PYODIDE_REQUIREMENTS = ROOT / "requirements-pyodide.txt"
CORE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]
COMPRESS = [
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "pyodide-lock.json",
    "site-packages.zip",
    "snapshot.bin",
]
SNAPSHOT_BUILDER = ROOT / "runner" / "node" / "build-snapshot.mjs"
# Loaded only when a job imports them: not in the zip or the snapshot. Empty: most exercises'
# tests are property-based (hypothesis), and a package fetched at check time would make a check
# fail for a learner whose network dropped after Python was ready (the offline queue's promise).
ON_DEMAND: list[str] = []
# Kept as source in the zip: big, and a check never imports them (pytest's optional highlighter).
SOURCE_ONLY = ["pygments"]
BUNDLE_ENTRIES = [
    "static/src/runner-boot.js",
    "static/src/exercise.js",
    "static/src/runner.worker.js",
    "static/src/dashboard.js",
    "static/src/journal.js",
    "static/src/author.js",
]
GRADING_WHEEL_NAME = "friction-grading"


def tree_digest(*paths: Path) -> str:
    """Hash the contents of files and folders (sorted), to decide whether to rebuild."""
    h = hashlib.sha256()
    for base in paths:
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for f in files:
            if "__pycache__" in f.parts:
                continue
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def up_to_date(stamp: Path, digest: str) -> bool:
    """Tell whether a build step's recorded input digest matches."""
    return stamp.exists() and stamp.read_text().strip() == digest


def build_bundle() -> None:
    """Bundle CodeMirror and the page scripts with esbuild."""
    digest = tree_digest(ROOT / "static" / "src", ROOT / "package-lock.json")
    stamp = DIST / ".stamp"
    if up_to_date(stamp, digest):
        print("    editor bundle: up to date")
        return
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    subprocess.run(
        [
            str(esbuild),
            *BUNDLE_ENTRIES,
            "--bundle",
            "--format=esm",
            "--minify",
            "--sourcemap",
            "--target=es2020",
            f"--outdir={DIST}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        check=True,
    )
    # Served with a year-long cache: the server sends these siblings instead of compressing.
    for script in DIST.glob("*.js"):
        write_compressed(script)
    stamp.write_text(digest)
    print(f"    editor bundle: {', '.join(p.name for p in sorted(DIST.glob('*.js')))}")


def pyodide_python_version() -> str:
    """Read the Python version Pyodide was built for from its own lock file."""
    lock = json.loads((NODE_PYODIDE / "pyodide-lock.json").read_text())
    return ".".join(lock["info"]["python"].split(".")[:2])


def build_grading_wheel(out: Path) -> Path:
    """Package app/grading as the top-level package `grading` in a pure-Python wheel."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        shutil.copytree(
            ROOT / "app" / "grading", src / "grading", ignore=shutil.ignore_patterns("__pycache__")
        )
        (src / "pyproject.toml").write_text(
            "[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n"
            f"[project]\nname = '{GRADING_WHEEL_NAME}'\nversion = '{version}'\n"
            "dependencies = ['pytest', 'ruamel.yaml', 'hypothesis', 'fastjsonschema']\n"
            "[tool.setuptools.packages.find]\ninclude = ['grading*']\n"
            # The cluster model's vendored schemas are data files, not modules.
            "[tool.setuptools.package-data]\n'*' = ['*.json', '*.md']\n"
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--wheel-dir",
                str(out),
                str(src),
            ],
            check=True,
        )
    (wheel,) = out.glob("friction_grading-*.whl")
    return wheel


def download_pyodide_wheels(out: Path) -> list[Path]:
    """Fetch the pinned pure-Python wheels (pytest and friends, ruamel.yaml) for Pyodide."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--only-binary=:all:",
            "--python-version",
            pyodide_python_version(),
            "--implementation",
            "py",
            "--abi",
            "none",
            "--platform",
            "any",
            "-d",
            str(out),
            "-r",
            str(PYODIDE_REQUIREMENTS),
        ],
        check=True,
    )
    return sorted(out.glob("*.whl"))


def write_lock(stage: Path, wheels: list[Path]) -> None:
    """Add our wheels to Pyodide's lock with pyodide-build, then keep only hosted entries."""
    for wheel in wheels:
        shutil.copy2(wheel, stage / wheel.name)
        (stage / wheel.name).chmod(0o644)
    full = stage / "pyodide-lock-full.json"
    pyodide_cli = Path(sys.executable).parent / "pyodide"
    subprocess.run(
        [
            str(pyodide_cli),
            "lockfile",
            "add-wheels",
            "--input",
            str(NODE_PYODIDE / "pyodide-lock.json"),
            "--output",
            str(full),
            "--base-path",
            str(stage),
            *[str(stage / w.name) for w in wheels],
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    lock = json.loads(full.read_text())
    full.unlink()
    hosted = {k: v for k, v in lock["packages"].items() if (stage / v["file_name"]).exists()}
    missing = {d for p in hosted.values() for d in p["depends"] if d not in hosted}
    if missing:
        sys.exit(
            f"pyodide-lock.json would list dependencies that are not hosted: {sorted(missing)}"
        )
    lock["packages"] = hosted
    (stage / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))


def write_compressed(path: Path) -> None:
    """Write the .br and .gz siblings of a file."""
    data = path.read_bytes()
    path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=9))
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def build_snapshot(stage: Path) -> dict:
    """Build site-packages.zip and snapshot.bin in real Pyodide (Node); return what it reports."""
    args = ["node", str(SNAPSHOT_BUILDER), "--runtime", str(stage), "--package", GRADING_WHEEL_NAME]
    for name in ON_DEMAND:
        args += ["--on-demand", name]
    for name in SOURCE_ONLY:
        args += ["--source-only", name]
    done = subprocess.run(args, check=True, capture_output=True, text=True, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def precompress(stage: Path, extra: list[str]) -> None:
    """Write .br and .gz siblings so the app never compresses the 9 MB wasm per request."""
    for name in COMPRESS + extra:
        write_compressed(stage / name)


def build_runtime() -> None:
    """Assemble static/vendor/pyodide from the npm package and the grader wheels."""
    digest = tree_digest(
        ROOT / "app" / "grading",
        PYODIDE_REQUIREMENTS,
        ROOT / "package-lock.json",
        ROOT / "pyproject.toml",
        ROOT / "static" / "src" / "pyodide-boot.mjs",
        SNAPSHOT_BUILDER,
        Path(__file__),
    )
    stamp = RUNTIME / ".stamp"
    if up_to_date(stamp, digest):
        print("    pyodide runtime: up to date")
        return
    RUNTIME.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=RUNTIME.parent, prefix=".pyodide-"))
    stage.chmod(0o755)  # mkdtemp makes it private; a web server user must read it
    try:
        for name in CORE_FILES:
            shutil.copy2(NODE_PYODIDE / name, stage / name)
        with tempfile.TemporaryDirectory() as tmp:
            wheels = download_pyodide_wheels(Path(tmp))
            wheels.append(build_grading_wheel(Path(tmp)))
            write_lock(stage, wheels)
        built = build_snapshot(stage)
        on_demand_zips = [info["zip"] for info in built["on_demand"].values()]
        precompress(stage, on_demand_zips)
        pyodide_version = json.loads((NODE_PYODIDE / "package.json").read_text())["version"]
        # The URL of every runtime file carries the build id and is cached for a year: it must
        # change with anything that changes a file, the snapshot included.
        build = hashlib.sha256()
        for name in ["pyodide-lock.json", built["site_zip"], built["snapshot"], *on_demand_zips]:
            build.update(hashlib.sha256((stage / name).read_bytes()).digest())
        runtime = {
            "pyodide_version": pyodide_version,
            "build_id": f"{pyodide_version}-{build.hexdigest()[:12]}",
            "grading_package": GRADING_WHEEL_NAME,
            "site_zip": built["site_zip"],
            "snapshot": built["snapshot"],
            "on_demand": built["on_demand"],
        }
        (stage / "runtime.json").write_text(json.dumps(runtime, indent=1))
        (stage / ".stamp").write_text(digest)
        if RUNTIME.exists():
            shutil.rmtree(RUNTIME)
        stage.rename(RUNTIME)
    finally:
        if stage.exists():
            shutil.rmtree(stage)
    size = sum(f.stat().st_size for f in RUNTIME.iterdir()) / 1e6
    print(f"    pyodide runtime: {runtime['build_id']} ({size:.1f} MB with compressed copies)")


def main() -> None:
    """Build everything that is out of date."""
    DIST.mkdir(parents=True, exist_ok=True)
    build_bundle()
    build_runtime()


if __name__ == "__main__":
    main()
