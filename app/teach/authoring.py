"""Publishing an exercise uploaded as a zip: check everything first, then swap it in at once.

Order, so nothing is ever half-published:
1. The zip is read in memory with limits (size of the upload, number of files, size of each file
   and of all files unpacked: a zip bomb stops at the first file over the limit) and every name
   is checked (no absolute path, no "..", no backslash, no link) before anything is written.
2. It is unpacked into a private staging folder inside the track it joins, loaded with the same
   loader as the catalog (so invalid TOML, missing tests and the like are refused with the file
   and the problem) and proven under CPython like `flask exercises check` (the solution and right
   answers pass, the starter and wrong answers fail for the right reason).
3. Only then is the version copied to instance/authoring/<id>/<version>/ (every published
   version is kept; attempts keep the version hash they ran) and the staged folder renamed over
   the live one (a rename on one file system: readers see the old folder or the new one).
4. The catalog is reloaded from disk and mirrored into the exercise table in the same request.

Disk and database never disagree because the disk is the only source: the exercise table is a
mirror (id, track, title, version hash) rebuilt from the folders at start-up, by `flask
exercises sync` and after every publish; nothing is authored in the database. Other processes
of a multi-worker server notice the publish on their next request (app/catalog.py's stamp file)
and reload; replicas on separate disks need the exercise folder on a shared volume.
"""

from __future__ import annotations

import io
import shutil
import stat
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from pathlib import PurePosixPath

from ..catalog import mark_published
from ..catalog import sync_exercises
from ..errors import Invalid
from ..exercises import Catalog
from ..exercises import Exercise
from ..exercises import load_catalog
from ..exercises.loader import ExerciseInvalid
from ..exercises.loader import content_hash
from ..exercises.loader import load_exercise
from ..proof import prove_catalog
from .services import require_instructor

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_FILES = 200
MAX_FILE_BYTES = 256 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Published:
    """What a publish did."""

    exercise: Exercise
    version: str
    replaced: bool


def check_name(name: str) -> None:
    """Refuse a path that would land outside the exercise folder (zip slip, absolute, drive)."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or path.is_absolute()
        or ".." in path.parts
        or ":" in path.parts[0]
        or "\x00" in name
    ):
        raise Invalid(f"{name}: a path outside the exercise folder is refused (zip slip).")


def read_zip(data: bytes) -> dict[str, bytes]:
    """The files of an uploaded zip, {posix path: bytes}, refusing anything unsafe or too big.

    A single top folder (as a zipped folder has) is removed from the paths."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid(f"The upload is {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise Invalid("The upload is not a zip file.") from exc
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > MAX_FILES:
        raise Invalid(f"The zip holds {len(entries)} files; the limit is {MAX_FILES}.")
    files: dict[str, bytes] = {}
    total = 0
    for info in entries:
        name = info.filename
        check_name(name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise Invalid(f"{name}: links are refused; put the file itself in the zip.")
        # Read at most one byte past the limit: a lying header cannot make us unpack more.
        with archive.open(info) as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            raise Invalid(f"{name}: the file is over {MAX_FILE_BYTES:,} bytes unpacked.")
        total += len(content)
        if total > MAX_TOTAL_BYTES:
            raise Invalid(f"{name}: the files are over {MAX_TOTAL_BYTES:,} bytes unpacked.")
        files[name] = content
    if not files:
        raise Invalid("The zip is empty.")
    tops = {PurePosixPath(n).parts[0] for n in files}
    if len(tops) == 1 and all(len(PurePosixPath(n).parts) > 1 for n in files):
        (top,) = tops
        files = {PurePosixPath(n).relative_to(top).as_posix(): c for n, c in files.items()}
    return {n: c for n, c in files.items() if "__pycache__" not in PurePosixPath(n).parts}


def problem_at(path: Path, staged: Path, message: str) -> str:
    """'exercise.toml: TOML syntax error ...', with the path as it was in the zip."""
    try:
        shown = path.relative_to(staged).as_posix()
    except ValueError:
        shown = path.name
    return f"{shown}: {message}"


def publish_zip(
    data: bytes, track: str, folder_name: str, catalog: Catalog, versions_dir: Path
) -> Published:
    """Check, prove and publish an uploaded exercise folder; nothing changes if anything fails."""
    check_place(track, folder_name, catalog)
    return publish_files(read_zip(data), track, folder_name, catalog, versions_dir)


def check_place(track: str, folder_name: str, catalog: Catalog) -> None:
    """The track must exist and the folder name be a plain name."""
    if track not in catalog.tracks:
        raise Invalid(f"There is no track {track!r}.")
    if not folder_name or not all(ch.isalnum() or ch in "-_" for ch in folder_name):
        raise Invalid("The folder name may hold only letters, digits, dashes and underscores.")


def publish_files(
    files: dict[str, bytes], track: str, folder_name: str, catalog: Catalog, versions_dir: Path
) -> Published:
    """Load, prove under CPython and publish checked files; nothing changes if anything fails."""
    check_place(track, folder_name, catalog)
    track_dir = catalog.root / track
    staged = track_dir / f".staging-{uuid.uuid4().hex}"
    try:
        for name, content in files.items():
            target = staged / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        live = track_dir / folder_name
        try:
            exercise = load_exercise(staged, track, 0)
        except ExerciseInvalid as exc:
            raise Invalid(problem_at(Path(exc.path), staged, exc.message)) from exc
        existing = catalog.get(exercise.id)
        if existing is not None and existing.path.resolve() != live.resolve():
            raise Invalid(
                f"exercise.toml: id {exercise.id!r} is already used by another exercise "
                f"({existing.path.parent.name}/{existing.path.name}); ids are permanent."
            )
        if existing is None and live.exists():
            raise Invalid(f"{track}/{folder_name} already holds another exercise.")
        proof = prove_catalog(
            Catalog(root=catalog.root, exercises={exercise.id: exercise}), runtimes=("cpython",)
        )
        if not proof.ok:
            raise Invalid("The proof failed: " + "; ".join(proof.problems))
        version = content_hash(staged)
        kept = versions_dir / exercise.id / version
        if not kept.exists():
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(staged, kept)
        old = track_dir / f".old-{uuid.uuid4().hex}"
        replaced = live.exists()
        if replaced:
            live.rename(old)
        try:
            staged.rename(live)
        except OSError:
            if replaced:
                old.rename(live)
            raise
        if replaced:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
    return Published(exercise=exercise, version=version, replaced=replaced)


def reload_catalog(root: Path) -> Catalog:
    """Load the catalog from disk again and mirror it into the exercise table."""
    catalog = load_catalog(root)
    sync_exercises(catalog)
    mark_published(root)
    return catalog


def kept_versions(versions_dir: Path, exercise_id: str) -> list[str]:
    """The versions of an exercise published through the web, oldest first."""
    folder = versions_dir / exercise_id
    if not folder.is_dir():
        return []
    return [p.name for p in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime)]


def publish_upload(
    user_id: int, data: bytes, track: str, folder_name: str, catalog: Catalog, versions_dir: Path
) -> tuple[Published, Catalog]:
    """An instructor publishes an uploaded folder; returns what was published and the reloaded
    catalog (learners are refused)."""
    require_instructor(user_id)
    published = publish_zip(data, track, folder_name, catalog, versions_dir)
    return published, reload_catalog(catalog.root)
