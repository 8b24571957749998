"""Coolify's scheduled database backups to S3-compatible storage, and restoring them.

    db = Postgres({"shop": {"orders": 120}})            # the live server, rows per table
    bucket = Bucket("shop-backups", endpoint="https://s3.example.com",
                    access_key="AK", secret_key="SK")   # the provider's side
    storage = S3Storage("https://s3.example.com", "shop-backups", "AK", "SK")
    storage.validate([bucket])                          # Coolify's "Validate connection"
    schedule = Schedule("0 3 * * *", databases="shop", s3=storage, keep_s3=7)
    history = schedule.run(db, [bucket], start, end, writes=[(when, "shop", "orders", 12)])
    history.restore(at=crash)                  # Outcome: what comes back, what is lost
    history.survives_server_loss()             # Outcome: is a copy off the server?
    restore_newest(bucket, "db-backups/", db, "drill_shop")   # newest by name, as S3 lists

What the model follows (Coolify's documentation, databases/backups): a backup runs on a cron
expression (or daily, hourly, weekly...) for the databases named in a comma-separated list;
for PostgreSQL it is `pg_dump --format=custom` of each database, named
pg-dump-<database>-<unix seconds>.dmp, kept on the server and, with "Save to S3", uploaded to an
S3-compatible storage set up with an endpoint, a bucket, a region and an access key with its
secret. Retention is a number of backups (and days) kept locally and on S3, 0 meaning no limit.
A dump holds the database's tables, not the app's volumes (uploads stay on the server), and a
restore imports it (`pg_restore --clean`): the target database becomes the dump, so rows
written after the backup are gone from it. Copies kept only on the server are lost with it.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from .trace import Outcome
from .trace import Trace

DUMP_MAGIC = b"PGDMP"  # pg_dump's custom format starts with these bytes
LOCAL_FOLDER = "/data/coolify/backups"
CRON_ALIASES = {
    "every_minute": "* * * * *", "hourly": "0 * * * *", "daily": "0 0 * * *",
    "weekly": "0 0 * * 0", "monthly": "0 0 1 * *", "yearly": "0 0 1 1 *",
    "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


# -- cron --------------------------------------------------------------------------------------
def cron_field(text: str, low: int, high: int) -> set[int]:
    """The values one cron field allows ('*/15', '1-5', '0,30'); ValueError if it is not one."""
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"step {step_text} in '{text}'")
        if base == "*":
            first, last = low, high
        elif "-" in base:
            first, last = (int(v) for v in base.split("-", 1))
        else:
            first = int(base)
            last = high if step_text else first
        if not low <= first <= last <= high:
            raise ValueError(f"'{part}' is outside {low}-{high}")
        values.update(range(first, last + 1, step))
    return values


def cron_times(expression: str, start: datetime, end: datetime) -> list[datetime]:
    """The minutes in [start, end) at which a cron expression fires (in start's time zone)."""
    fields = CRON_ALIASES.get(expression.strip().lower(), expression).split()
    if len(fields) != 5:
        raise ValueError(f"'{expression}' is not a cron expression (five fields, or daily, "
                         "hourly, weekly, monthly, yearly)")
    minutes, hours, days, months, weekdays = (
        cron_field(text, *limits) for text, limits in zip(fields, CRON_RANGES, strict=True))
    weekdays = {d % 7 for d in weekdays}
    any_day, any_weekday = fields[2] == "*", fields[4] == "*"
    found = []
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        weekday = (day.weekday() + 1) % 7  # cron: 0 is Sunday
        by_day, by_weekday = day.day in days, weekday in weekdays
        # Cron's rule: when both day fields are restricted, either one matching is enough.
        matches = (by_day or by_weekday) if not (any_day or any_weekday) else (
            by_day and by_weekday)
        if day.month in months and matches:
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    moment = day.replace(hour=hour, minute=minute)
                    if start <= moment < end:
                        found.append(moment)
        day += timedelta(days=1)
    return found


# -- PostgreSQL --------------------------------------------------------------------------------
@dataclass
class Restored:
    """One restore the server performed: into which database, from which dump."""

    target: str
    source: str  # the database the dump was taken of
    taken_at: datetime
    rows_before: dict[str, int]  # the target's rows just before the restore


class Postgres:
    """A PostgreSQL server: databases of tables whose rows carry the time they were written."""

    def __init__(self, databases: dict[str, dict[str, int]] | None = None,
                 since: datetime | None = None) -> None:
        since = since or datetime(2000, 1, 1, tzinfo=UTC)
        self.tables: dict[str, dict[str, list[datetime]]] = {
            name: {table: [since] * count for table, count in tables.items()}
            for name, tables in (databases or {}).items()
        }
        self.restores: list[Restored] = []

    def write(self, database: str, table: str, count: int = 1,
              at: datetime | None = None) -> None:
        """Insert `count` rows written at `at` (the app at work)."""
        when = at or datetime.now(UTC)
        self.tables.setdefault(database, {}).setdefault(table, []).extend([when] * count)

    def count_rows(self, database: str, table: str) -> int:
        """SELECT count(*): 0 for a table or database that does not exist."""
        return len(self.tables.get(database, {}).get(table, []))

    def rows_at(self, database: str, table: str, when: datetime) -> int:
        """How many rows the live table had at a moment (for what a backup holds)."""
        return sum(1 for t in self.tables.get(database, {}).get(table, []) if t <= when)

    def dump(self, database: str, at: datetime | None = None) -> bytes:
        """pg_dump --format=custom of one database as it is at `at`; error if it is missing."""
        if database not in self.tables:
            raise LookupError(f'pg_dump: error: database "{database}" does not exist')
        when = at or datetime.now(UTC)
        tables = {table: [t.timestamp() for t in rows if t <= when]
                  for table, rows in self.tables[database].items()}
        body = {"database": database, "taken_at": when.timestamp(), "tables": tables}
        return DUMP_MAGIC + json.dumps(body, sort_keys=True).encode()

    def dump_url(self, url: str, at: datetime | None = None) -> bytes:
        """pg_dump of the database a postgresql:// URL names."""
        return self.dump(urllib.parse.urlsplit(url).path.lstrip("/"), at)

    def restore(self, data: bytes, target: str) -> None:
        """pg_restore --clean into `target`: its tables become the dump's (created if needed)."""
        info = read_dump(data)
        before = {table: len(rows) for table, rows in self.tables.get(target, {}).items()}
        self.tables[target] = {
            table: [datetime.fromtimestamp(t, UTC) for t in rows]
            for table, rows in info["tables"].items()
        }
        self.restores.append(Restored(target, info["database"],
                                      datetime.fromtimestamp(info["taken_at"], UTC), before))


def read_dump(data: bytes) -> dict:
    """The content of a dump; ValueError as pg_restore words it for anything else."""
    if not isinstance(data, (bytes, bytearray)) or not bytes(data).startswith(DUMP_MAGIC):
        raise ValueError("pg_restore: error: input file does not appear to be a valid archive")
    try:
        return json.loads(bytes(data)[len(DUMP_MAGIC):].decode())
    except ValueError:
        raise ValueError("pg_restore: error: could not read input file: the archive is "
                         "truncated") from None


def dump_time(data: bytes) -> datetime:
    """When a dump was taken."""
    return datetime.fromtimestamp(read_dump(data)["taken_at"], UTC)


# -- S3 ----------------------------------------------------------------------------------------
class S3Error(Exception):
    """An error an S3 API answers with: its code (AccessDenied, NoSuchBucket...) and text."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass
class Bucket:
    """A bucket at an S3-compatible provider, with the one access key allowed to use it."""

    name: str
    endpoint: str = "https://s3.example.com"
    access_key: str = "AKIAEXAMPLE"
    secret_key: str = "example-secret"
    region: str = "us-east-1"
    on_server: bool = False  # a MinIO on the same VPS: lost with it
    reachable: bool = True  # the endpoint answers (no outage, no firewall in between)
    uploads_time_out: bool = False  # PutObject is cut off (a large dump over a slow link)
    objects: dict[str, bytes] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)  # every call, in order

    def client(self, access_key: str | None = None, secret_key: str | None = None,
               endpoint: str | None = None) -> S3Client:
        """A client holding these credentials (the bucket's own when none are given)."""
        return S3Client(self, access_key if access_key is not None else self.access_key,
                        secret_key if secret_key is not None else self.secret_key,
                        endpoint if endpoint is not None else self.endpoint)

    def keys(self, prefix: str = "") -> list[str]:
        """The keys under a prefix, in the order S3 lists them (by name, byte order)."""
        return sorted((k for k in self.objects if k.startswith(prefix)),
                      key=lambda k: k.encode())


def same_endpoint(a: str, b: str) -> bool:
    """Do two endpoint URLs name the same service (scheme, host and port)?"""
    def part(url: str) -> tuple[str, str]:
        split = urllib.parse.urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
        return split.scheme, split.netloc.lower()
    return part(a) == part(b)


@dataclass
class S3Client:
    """The calls a backup job makes: put, list, get, delete; every call checks credentials."""

    bucket: Bucket
    access_key: str
    secret_key: str
    endpoint: str

    def _check(self, operation: str, bucket: str, key: str = "") -> None:
        entry = f"{operation} {bucket}/{key}".rstrip("/")
        if not self.bucket.reachable or not same_endpoint(self.endpoint, self.bucket.endpoint):
            self.bucket.log.append(f"{entry}: endpoint unreachable")
            raise ConnectionError(f"Could not connect to the endpoint URL: {self.endpoint}")
        if self.access_key != self.bucket.access_key:
            self.bucket.log.append(f"{entry}: InvalidAccessKeyId")
            raise S3Error("InvalidAccessKeyId", "The access key ID you provided does not exist")
        if self.secret_key != self.bucket.secret_key:
            self.bucket.log.append(f"{entry}: SignatureDoesNotMatch")
            raise S3Error("SignatureDoesNotMatch", "The request signature we calculated does "
                          "not match the signature you provided (wrong secret key)")
        if bucket != self.bucket.name:
            self.bucket.log.append(f"{entry}: NoSuchBucket")
            raise S3Error("NoSuchBucket", f"The specified bucket does not exist: {bucket}")
        self.bucket.log.append(entry)

    def put(self, bucket: str, key: str, data: bytes) -> None:
        """PutObject: store (or replace) an object."""
        self._check("put", bucket, key)
        if self.bucket.uploads_time_out:
            self.bucket.log[-1] += ": RequestTimeout"
            raise S3Error("RequestTimeout", "Your socket connection to the server was not read "
                          "from or written to within the timeout period")
        self.bucket.objects[key] = bytes(data)

    def list(self, bucket: str, prefix: str = "") -> list[str]:
        """ListObjectsV2: the keys under a prefix, sorted by name as S3 returns them."""
        self._check("list", bucket, prefix)
        return self.bucket.keys(prefix)

    def get(self, bucket: str, key: str) -> bytes:
        """GetObject: an object's bytes; NoSuchKey if there is none."""
        self._check("get", bucket, key)
        if key not in self.bucket.objects:
            raise S3Error("NoSuchKey", f"The specified key does not exist: {key}")
        return self.bucket.objects[key]

    def delete(self, bucket: str, key: str) -> None:
        """DeleteObject (deleting a missing key is not an error, as in S3)."""
        self._check("delete", bucket, key)
        self.bucket.objects.pop(key, None)


@dataclass
class S3Storage:
    """An S3 storage as set up in Coolify (Storages): endpoint, bucket and credentials."""

    endpoint: str
    bucket: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"

    def find(self, buckets: list[Bucket]) -> Bucket | None:
        """The provider's bucket this storage points at (by endpoint and name)."""
        return next((b for b in buckets if b.name == self.bucket and
                     same_endpoint(b.endpoint, self.endpoint)), None)

    def validate(self, buckets: list[Bucket]) -> Outcome:
        """Coolify's "Validate connection": can these credentials list the bucket?"""
        trace = Trace()
        trace.add(f"connect to {self.endpoint} as {self.access_key or '(no access key)'}")
        found = self.find(buckets)
        if found is None:
            on_endpoint = [b for b in buckets if same_endpoint(b.endpoint, self.endpoint)]
            why = (f"there is no bucket '{self.bucket}' at {self.endpoint}" if on_endpoint
                   else f"nothing answers at {self.endpoint}")
            trace.add(why)
            return Outcome(False, f"the S3 storage cannot be used: {why}", trace)
        try:
            found.client(self.access_key, self.secret_key, self.endpoint).list(self.bucket)
        except (S3Error, ConnectionError) as exc:
            trace.add(f"list {self.bucket}: {exc}")
            return Outcome(False, f"the S3 storage cannot be used: {exc}", trace)
        trace.add(f"list {self.bucket}: allowed")
        return Outcome(True, f"bucket {self.bucket} at {self.endpoint} is reachable with "
                       "these credentials", trace)


# -- Coolify's scheduled backups ---------------------------------------------------------------
@dataclass
class Backup:
    """One scheduled run for one database: where its dump went, and what failed."""

    at: datetime
    database: str
    name: str  # pg-dump-<database>-<unix seconds>.dmp
    local: bool = False  # still kept on the server
    s3_key: str = ""  # still kept in the bucket ("" if not uploaded or pruned)
    error: str = ""


def prune(kept: list[Backup], attr: str, keep: int, keep_days: int, now: datetime) -> list[Backup]:
    """Retention: the backups of one place to drop (0 means no limit), oldest first."""
    mine = sorted((b for b in kept if getattr(b, attr)), key=lambda b: b.at)
    doomed = mine[:-keep] if keep and len(mine) > keep else []
    if keep_days:
        doomed += [b for b in mine if b not in doomed and now - b.at > timedelta(days=keep_days)]
    return doomed


@dataclass
class Schedule:
    """A database's Backups tab: frequency, databases, Save to S3 and retention per place."""

    frequency: str = "daily"
    databases: str = ""  # comma-separated; empty means every database on the server
    s3: S3Storage | None = None  # "Save to S3" with this storage (None: local only)
    keep_locally: int = 7
    keep_s3: int = 7
    days_locally: int = 0
    days_s3: int = 0
    disable_local: bool = False
    folder: str = "backups"  # where in the bucket the dumps go

    def names(self, server: Postgres) -> list[str]:
        """The databases each run dumps."""
        wanted = [n.strip() for n in self.databases.split(",") if n.strip()]
        return wanted or sorted(server.tables)

    def key(self, database: str, name: str) -> str:
        """The object key of a dump in the bucket."""
        return f"{self.folder.strip('/')}/{database}/{name}" if self.folder.strip("/") else name

    def run(self, server: Postgres, buckets: list[Bucket], start: datetime, end: datetime,
            writes: list[tuple[datetime, str, str, int]] = ()) -> BackupHistory:
        """Let time pass from start to end: the app writes rows, the schedule backs up."""
        trace = Trace()
        history = BackupHistory(self, server, buckets, [], trace, end)
        times = cron_times(self.frequency, start, end)
        trace.add(f"'{self.frequency}' runs {len(times)} time(s) between {start:%Y-%m-%d %H:%M} "
                  f"and {end:%Y-%m-%d %H:%M} UTC")
        events = sorted([(t, 1, None) for t in times] + [(w[0], 0, w) for w in writes],
                        key=lambda e: (e[0], e[1]))
        bucket = self.s3.find(buckets) if self.s3 else None
        for when, kind, write in events:
            if kind == 0:
                _, database, table, count = write
                server.write(database, table, count, when)
                continue
            for database in self.names(server):
                history.backups.append(self.back_up(server, bucket, database, when, trace))
            history.apply_retention(when)
        return history

    def back_up(self, server: Postgres, bucket: Bucket | None, database: str, when: datetime,
                trace: Trace) -> Backup:
        """One database at one scheduled time: dump, keep locally, upload."""
        name = f"pg-dump-{database}-{int(when.timestamp())}.dmp"
        entry = Backup(when, database, name)
        try:
            data = server.dump(database, when)
        except LookupError as exc:
            entry.error = str(exc)
            trace.add(f"{when:%Y-%m-%d %H:%M}: {exc}")
            return entry
        entry.local = not self.disable_local
        if self.s3 is None:
            return entry
        try:
            if bucket is None:
                raise ConnectionError(f"nothing answers at {self.s3.endpoint} for bucket "
                                      f"{self.s3.bucket}")
            client = bucket.client(self.s3.access_key, self.s3.secret_key, self.s3.endpoint)
            client.put(self.s3.bucket, self.key(database, name), data)
            entry.s3_key = self.key(database, name)
        except (S3Error, ConnectionError) as exc:
            entry.error = f"upload to S3 failed: {exc}"
            trace.add(f"{when:%Y-%m-%d %H:%M}: {database}: {entry.error}")
        return entry


@dataclass
class BackupHistory:
    """What a schedule left behind: every run, and the questions a team asks of it."""

    schedule: Schedule
    server: Postgres
    buckets: list[Bucket]
    backups: list[Backup]
    trace: Trace
    end: datetime

    def apply_retention(self, now: datetime) -> None:
        """Drop what retention no longer keeps, locally and in the bucket."""
        schedule = self.schedule
        for database in {b.database for b in self.backups}:
            mine = [b for b in self.backups if b.database == database]
            for entry in prune(mine, "local", schedule.keep_locally, schedule.days_locally, now):
                entry.local = False
            bucket = schedule.s3.find(self.buckets) if schedule.s3 else None
            for entry in prune(mine, "s3_key", schedule.keep_s3, schedule.days_s3, now):
                if bucket is not None:
                    bucket.objects.pop(entry.s3_key, None)
                entry.s3_key = ""

    def kept(self, database: str, server_lost: bool = False) -> list[Backup]:
        """The backups of a database that can still be read, oldest first."""
        bucket = self.schedule.s3.find(self.buckets) if self.schedule.s3 else None
        found = []
        for entry in self.backups:
            if entry.database != database or entry.error and not entry.local:
                continue
            in_bucket = bool(entry.s3_key) and bucket is not None and entry.s3_key in \
                bucket.objects and not (server_lost and bucket.on_server)
            if (entry.local and not server_lost) or in_bucket:
                found.append(entry)
        return found

    def restore(self, database: str = "", at: datetime | None = None,
                server_lost: bool = False, table: str = "orders") -> Outcome:
        """Restore the newest readable backup after a disaster at `at`: what is lost?"""
        database = database or self.schedule.names(self.server)[0]
        at = at or self.end
        trace = Trace()
        trace.extend(self.trace)
        if server_lost:
            trace.add("the server is lost: its disk, the local backups and the volumes with it")
        kept = [b for b in self.kept(database, server_lost) if b.at <= at]
        live = self.server.rows_at(database, table, at)
        if not kept:
            trace.add(f"no backup of {database} can be read")
            return Outcome(False, f"nothing can be restored: no backup of {database} "
                           + ("survives the server" if server_lost else "was kept"), trace)
        newest = kept[-1]
        where = "the bucket" if (server_lost or not newest.local) else "the server"
        restored = self.server.rows_at(database, table, newest.at)
        lost = live - restored
        trace.add(f"restore {newest.name} from {where} (pg_restore --clean): {restored} "
                  f"{table} as of {newest.at:%Y-%m-%d %H:%M} UTC")
        if lost:
            trace.add(f"{lost} {table} written after {newest.at:%Y-%m-%d %H:%M} are not in any "
                      "backup")
        hours = (at - newest.at).total_seconds() / 3600
        reason = (f"{restored} of {live} {table} come back from {newest.name}; {lost} written "
                  f"in the {hours:.0f} hours since that backup are lost")
        outcome = Outcome(lost == 0, reason, trace)
        outcome.lost = lost  # type: ignore[attr-defined]
        outcome.restored = restored  # type: ignore[attr-defined]
        return outcome

    def survives_server_loss(self, database: str = "") -> Outcome:
        """Is there a backup of the database that does not live on the server itself?"""
        database = database or self.schedule.names(self.server)[0]
        trace = Trace()
        trace.extend(self.trace)
        kept = self.kept(database, server_lost=True)
        if kept:
            trace.add(f"{kept[-1].name} is in bucket {self.schedule.s3.bucket} at "
                      f"{self.schedule.s3.endpoint}, off the server")
            return Outcome(True, f"{len(kept)} backup(s) of {database} survive the server",
                           trace)
        if self.schedule.s3 is None:
            why = "Save to S3 is off: every dump is under " + LOCAL_FOLDER + " on the server"
        elif (b := self.schedule.s3.find(self.buckets)) is not None and b.on_server:
            why = f"the bucket is a MinIO on the same server ({b.endpoint})"
        else:
            failed = [b.error for b in self.backups if b.database == database and b.error]
            why = failed[-1] if failed else "no dump reached the bucket"
        trace.add(why)
        return Outcome(False, f"no backup of {database} survives the loss of the server: {why}",
                       trace)


def restore_newest(bucket: Bucket, prefix: str, server: Postgres, target: str,
                   table: str = "orders") -> Outcome:
    """Restore the last key under a prefix, as a person picking "the newest" from a listing
    would; ok when it is the newest dump in the bucket (nothing more recent is skipped)."""
    trace = Trace()
    keys = bucket.keys(prefix)
    if not keys:
        return Outcome(False, f"the bucket has nothing under {prefix}", trace)
    dumps = []
    for key in keys:
        try:
            dumps.append((dump_time(bucket.objects[key]), key))
        except ValueError:
            continue
    picked = keys[-1]
    trace.add(f"the listing of {prefix} ends with {picked}: restore it into {target}")
    try:
        server.restore(bucket.objects[picked], target)
    except ValueError as exc:
        trace.add(str(exc))
        return Outcome(False, f"{picked} cannot be restored: {exc}", trace)
    taken = server.restores[-1].taken_at
    newest_time, newest_key = max(dumps)
    rows = server.count_rows(target, table)
    trace.add(f"{target} now holds {rows} {table} as of {taken:%Y-%m-%d %H:%M} UTC")
    if taken < newest_time:
        newer = sum(1 for t, _ in dumps if t > taken)
        return Outcome(False, (
            f"the last name in the listing, {picked}, is the backup of {taken:%Y-%m-%d %H:%M} "
            f"UTC, not the newest ({newest_key}, {newest_time:%Y-%m-%d %H:%M} UTC): a restore "
            f"from it brings back {rows} {table} and skips {newer} newer backup(s)"), trace)
    return Outcome(True, f"{picked} is the newest backup; it restores {rows} {table}", trace)
