"""What well-known official images bring: programs, users, volumes, data folders, versions.

A small table, kept to facts stated in each image's Dockerfile or documentation on Docker Hub
(docker-library). Unknown images are modelled as "a Debian-like image we know nothing about":
the model then refuses to guess (callers see `known=False`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

DEBIAN_BASE = frozenset(
    "sh dash bash ls cat cp mv rm mkdir chmod chown ln env sed grep tar gzip find xargs "
    "useradd groupadd usermod adduser addgroup id apt-get apt dpkg true false test echo "
    "printf sleep kill".split()
)
BUSYBOX = frozenset(
    "sh ash ls cat cp mv rm mkdir chmod chown ln env sed grep tar gzip find xargs adduser "
    "addgroup id wget nc true false test echo printf sleep kill apk".split()
)
BUILD_TOOLS = frozenset("gcc g++ cc make git curl wget patch".split())
PYTHON_TOOLS = frozenset("python python3 pip pip3".split())


@dataclass(frozen=True)
class BaseImage:
    """Facts about a base image the model relies on."""

    ref: str
    family: str  # "debian", "alpine", "distroless", "scratch", "unknown"
    programs: frozenset[str]
    users: frozenset[str] = frozenset({"root"})
    user: str = "root"
    env: dict[str, str] = field(default_factory=dict)
    volumes: tuple[str, ...] = ()
    exposes: tuple[int, ...] = ()
    python: str | None = None  # "3.12"
    libraries: frozenset[str] = frozenset()
    data_dir: str | None = None  # where a database keeps its files
    database: str | None = None  # "PostgreSQL", ...
    known: bool = True
    cmd: tuple[str, ...] = ()
    note: str = ""
    # Folders the image ships whose files the table does not list (a Python's standard library).
    dirs: tuple[str, ...] = ()

    def has(self, program: str) -> bool:
        """True when the image ships this program."""
        return program in self.programs


def split_ref(ref: str) -> tuple[str, str]:
    """'docker.io/library/python:3.12-slim@sha256:..' -> ('python', '3.12-slim')."""
    rest = ref.split("@", 1)[0]
    name, tag = rest, ""
    if ":" in rest.rsplit("/", 1)[-1]:
        name, tag = rest.rsplit(":", 1)
    for prefix in ("docker.io/library/", "docker.io/", "library/", "index.docker.io/library/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name.lower(), tag.lower()


def major_of(tag: str) -> int | None:
    """The leading major version of a tag: '17-bookworm' -> 17, 'latest' -> None."""
    match = re.match(r"(\d+)", tag)
    return int(match.group(1)) if match else None


def variant(tag: str) -> str:
    """'slim', 'alpine' or 'full' for official language images."""
    if "alpine" in tag:
        return "alpine"
    if "slim" in tag:
        return "slim"
    return "full"


LATEST_POSTGRES = 18
LATEST_PYTHON = "3.14"
DEBIAN_CODENAMES = ("bullseye", "bookworm", "trixie")
# docker-library moved the python images' default Debian to trixie in August 2025; the patch
# releases current then were rebuilt on trixie, older patch tags stayed frozen on bookworm.
PYTHON_PATCH_AT_TRIXIE = {"3.9": 23, "3.10": 18, "3.11": 13, "3.12": 11, "3.13": 6}
# trixie's minimal images (debian:trixie-slim, hence python:*-slim) no longer ship the adduser
# package: adduser/addgroup are gone, useradd/groupadd (passwd) remain.
TRIXIE_SLIM_BASE = DEBIAN_BASE - {"adduser", "addgroup"}


def python_debian_release(tag: str) -> str:
    """The Debian release under a python tag: its codename, else the default when it was built."""
    for codename in DEBIAN_CODENAMES:
        if codename in tag:
            return codename
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", tag)
    if not match:
        return "trixie"
    minor = f"{match.group(1)}.{match.group(2)}"
    if (int(match.group(1)), int(match.group(2))) < (3, 9):
        return "bookworm"
    if match.group(3) is None or minor not in PYTHON_PATCH_AT_TRIXIE:
        return "trixie"
    return "bookworm" if int(match.group(3)) < PYTHON_PATCH_AT_TRIXIE[minor] else "trixie"


def python_image(ref: str, tag: str) -> BaseImage:
    """python:<version>[-slim|-alpine][-<codename>]."""
    match = re.match(r"(\d+\.\d+)", tag)
    version = match.group(1) if match else (LATEST_PYTHON if not tag or tag[0].isalpha() else tag)
    kind = variant(tag)
    env = {"PATH": "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
           "LANG": "C.UTF-8", "PYTHON_VERSION": version}
    # The interpreter is built into /usr/local: its standard library, headers and scripts.
    dirs = (f"/usr/local/lib/python{version}", "/usr/local/include", "/usr/local/bin")
    if kind == "alpine":
        return BaseImage(ref, "alpine", BUSYBOX | PYTHON_TOOLS, env=env, python=version,
                         cmd=("python3",), note="Alpine: busybox wget, no curl, musl libc",
                         dirs=dirs)
    if kind == "slim":
        release = python_debian_release(tag)
        base, note = DEBIAN_BASE, "slim: no curl, no wget, no compilers"
        if release == "trixie":
            base, note = TRIXIE_SLIM_BASE, "Debian trixie slim: no adduser/addgroup, no curl"
        return BaseImage(ref, "debian", base | PYTHON_TOOLS, env=env, python=version,
                         users=frozenset({"root", "nobody", "www-data", "daemon"}),
                         cmd=("python3",), note=note, dirs=dirs)
    return BaseImage(ref, "debian", DEBIAN_BASE | PYTHON_TOOLS | BUILD_TOOLS, env=env,
                     python=version, users=frozenset({"root", "nobody", "www-data", "daemon"}),
                     libraries=frozenset({"libpq"}), cmd=("python3",),
                     note="full image: curl, wget, gcc, git and headers", dirs=dirs)


def postgres_image(ref: str, tag: str) -> BaseImage:
    """postgres:<major>: PGDATA and the declared VOLUME moved in 18."""
    major = major_of(tag) or LATEST_POSTGRES
    if major >= 18:
        data, volume = f"/var/lib/postgresql/{major}/docker", "/var/lib/postgresql"
    else:
        data, volume = "/var/lib/postgresql/data", "/var/lib/postgresql/data"
    family = "alpine" if "alpine" in tag else "debian"
    programs = (BUSYBOX if family == "alpine" else DEBIAN_BASE - {"wget"}) | {
        "postgres", "psql", "pg_isready", "pg_dump", "pg_restore", "gosu"}
    return BaseImage(ref, family, frozenset(programs), users=frozenset({"root", "postgres"}),
                     env={"PGDATA": data}, volumes=(volume,), exposes=(5432,), data_dir=data,
                     database="PostgreSQL")


def database_image(ref: str, name: str, tag: str) -> BaseImage | None:
    """mysql, mariadb, redis, valkey, mongo."""
    family = "alpine" if "alpine" in tag else "debian"
    base = BUSYBOX if family == "alpine" else DEBIAN_BASE
    if name in ("mysql", "mariadb"):
        tools = {"mysqld", "mysql", "mysqladmin", "mysqldump"} if name == "mysql" else {
            "mariadbd", "mariadb", "mariadb-admin", "mariadb-dump", "healthcheck.sh"}
        return BaseImage(ref, family, frozenset(base | tools),
                         users=frozenset({"root", "mysql"}), volumes=("/var/lib/mysql",),
                         exposes=(3306,), data_dir="/var/lib/mysql",
                         database="MySQL" if name == "mysql" else "MariaDB")
    if name in ("redis", "valkey"):
        tools = {"redis-server", "redis-cli"} if name == "redis" else {
            "valkey-server", "valkey-cli", "redis-cli"}
        return BaseImage(ref, family, frozenset(base | tools), users=frozenset({"root", name}),
                         volumes=("/data",), exposes=(6379,), data_dir="/data",
                         database="Redis" if name == "redis" else "Valkey")
    if name == "mongo":
        return BaseImage(ref, family, frozenset(base | {"mongod", "mongosh"}),
                         users=frozenset({"root", "mongodb"}),
                         volumes=("/data/db", "/data/configdb"), exposes=(27017,),
                         data_dir="/data/db", database="MongoDB")
    return None


def lookup(ref: str) -> BaseImage:
    """Facts about an image reference; `known=False` for images outside the table."""
    name, tag = split_ref(ref)
    short = name.rsplit("/", 1)[-1] if name.startswith(("docker.io/", "library/")) else name
    short = {"valkey/valkey": "valkey", "postgis/postgis": "postgres"}.get(short, short)
    if short == "scratch":
        return BaseImage(ref, "scratch", frozenset(), note="empty: no shell, no programs")
    if short == "python":
        return python_image(ref, tag)
    if short in ("postgres", "postgis/postgis"):
        return postgres_image(ref, tag)
    found = database_image(ref, short, tag)
    if found is not None:
        return found
    if short == "node":
        kind = variant(tag)
        programs = {"node", "npm", "npx", "yarn"}
        if kind == "alpine":
            programs |= BUSYBOX
        elif kind == "slim":
            programs |= DEBIAN_BASE
        else:
            programs |= DEBIAN_BASE | BUILD_TOOLS
        return BaseImage(ref, "alpine" if kind == "alpine" else "debian", frozenset(programs),
                         users=frozenset({"root", "node"}), cmd=("node",))
    if short == "nginx":
        family = "alpine" if "alpine" in tag else "debian"
        programs = (BUSYBOX if family == "alpine" else DEBIAN_BASE) | {"nginx", "curl"}
        return BaseImage(ref, family, frozenset(programs), users=frozenset({"root", "nginx"}),
                         exposes=(80,))
    if short in ("debian", "ubuntu"):
        return BaseImage(ref, "debian", DEBIAN_BASE - {"adduser"} if short == "ubuntu"
                         else DEBIAN_BASE, users=frozenset({"root", "nobody", "www-data"}))
    if short in ("alpine", "busybox"):
        return BaseImage(ref, "alpine", BUSYBOX)
    if short.startswith("gcr.io/distroless/"):
        programs = frozenset({"python3", "python"}) if "python" in short else frozenset()
        return BaseImage(ref, "distroless", programs, users=frozenset({"root", "nonroot"}),
                         python="3.11" if "python3" in short else None,
                         note="distroless: no shell")
    if short == "traefik":
        return BaseImage(ref, "alpine", BUSYBOX | {"traefik"}, exposes=(80,))
    return BaseImage(ref, "unknown", DEBIAN_BASE, known=False)


# What Debian/Alpine packages add (program names and shared libraries).
PACKAGE_PROGRAMS: dict[str, tuple[set[str], set[str]]] = {
    "curl": ({"curl"}, set()),
    "wget": ({"wget"}, set()),
    "build-essential": ({"gcc", "g++", "cc", "make"}, set()),
    "gcc": ({"gcc", "cc"}, set()),
    "build-base": ({"gcc", "g++", "cc", "make"}, set()),
    "libpq-dev": ({"pg_config"}, {"libpq"}),
    "postgresql-dev": ({"pg_config"}, {"libpq"}),
    "libpq5": (set(), {"libpq"}),
    "libpq": (set(), {"libpq"}),
    "postgresql-client": ({"psql", "pg_isready", "pg_dump"}, {"libpq"}),
    "git": ({"git"}, set()),
    "netcat-openbsd": ({"nc"}, set()),
    "netcat-traditional": ({"nc"}, set()),
    "tini": ({"tini"}, set()),
    "dumb-init": ({"dumb-init"}, set()),
    "default-libmysqlclient-dev": (set(), {"libmysqlclient"}),
    "libmariadb3": (set(), {"libmysqlclient"}),
    "bash": ({"bash"}, set()),
    "shadow": ({"useradd", "groupadd"}, set()),
    "adduser": ({"adduser", "addgroup"}, set()),
}

# Python distributions: console scripts they install, and a shared library they load at run
# time (psycopg's pure-Python build too; only the binary builds bundle their own copy).
PYTHON_SCRIPTS: dict[str, tuple[str, ...]] = {
    "gunicorn": ("gunicorn",), "uvicorn": ("uvicorn",), "flask": ("flask",),
    "hypercorn": ("hypercorn",), "waitress": ("waitress-serve",), "celery": ("celery",),
    "alembic": ("alembic",), "django": ("django-admin",),
}
NEEDS_LIBRARY = {"psycopg2": "libpq", "psycopg": "libpq", "mysqlclient": "libmysqlclient"}
# Distributions compiled from source (psycopg only with its [c] extra).
NEEDS_COMPILER = frozenset({"psycopg2", "mysqlclient", "psycopg[c]"})
