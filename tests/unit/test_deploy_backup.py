"""The deploy model's Coolify backups: schedule, bucket credentials, retention, restore."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from app.grading.deploy import backup

START = datetime(2026, 11, 1, tzinfo=UTC)  # a Sunday
ENDPOINT = "https://s3.example.com"


def storage(secret: str = "example-secret", endpoint: str = ENDPOINT) -> backup.S3Storage:
    return backup.S3Storage(endpoint, "shop-backups", "AKIAEXAMPLE", secret)


def shop(**schedule_options):
    db = backup.Postgres({"shop": {"orders": 100}}, since=START - timedelta(days=1))
    bucket = backup.Bucket("shop-backups", endpoint=ENDPOINT)
    schedule = backup.Schedule("0 3 * * *", databases="shop", **schedule_options)
    writes = [(START + timedelta(hours=h), "shop", "orders", 1) for h in range(0, 240, 5)]
    history = schedule.run(db, [bucket], START, START + timedelta(days=10), writes)
    return history, bucket, db


@pytest.mark.parametrize(("expression", "count"), [
    ("daily", 7), ("hourly", 168), ("0 3 * * *", 7), ("*/30 9-17 * * 1-5", 5 * 18),
    ("0 0 * * 0", 1), ("0 0 1 * 1", 2),  # day of month OR weekday: the 1st and Monday the 2nd
])
def test_cron_expressions_fire_when_cron_would(expression, count):
    assert len(backup.cron_times(expression, START, START + timedelta(days=7))) == count


def test_a_bad_cron_expression_is_refused():
    with pytest.raises(ValueError, match="cron"):
        backup.cron_times("every night", START, START + timedelta(days=1))


def test_validate_checks_endpoint_bucket_and_both_keys():
    bucket = backup.Bucket("shop-backups", endpoint=ENDPOINT)
    assert storage().validate([bucket]).ok
    assert "SignatureDoesNotMatch" in storage("wrong").validate([bucket]).reason
    assert "nothing answers" in storage(endpoint="https://s3.other.com").validate([bucket]).reason
    bucket.reachable = False
    assert not storage().validate([bucket]).ok


def test_dumps_go_to_the_bucket_under_coolifys_names_and_retention_prunes():
    history, bucket, _ = shop(s3=storage(), keep_s3=3, keep_locally=2)
    keys = bucket.keys("backups/shop/")
    assert len(keys) == 3 and all(k.rsplit("/", 1)[-1].startswith("pg-dump-shop-") for k in keys)
    assert sum(b.local for b in history.backups) == 2


def test_a_restore_brings_back_what_the_newest_backup_holds_and_loses_the_rest():
    history, _, db = shop(s3=storage())
    outcome = history.restore(at=START + timedelta(days=10))
    newest = START + timedelta(days=9, hours=3)
    assert outcome.restored == db.rows_at("shop", "orders", newest)
    assert outcome.lost == db.count_rows("shop", "orders") - outcome.restored > 0
    assert not outcome.ok and "lost" in outcome.reason


def test_only_copies_off_the_server_survive_its_loss():
    local_only, _, _ = shop()
    assert not local_only.survives_server_loss().ok
    assert "Save to S3 is off" in local_only.survives_server_loss().reason
    assert not local_only.restore(server_lost=True).ok
    with_s3, _, _ = shop(s3=storage())
    assert with_s3.survives_server_loss().ok
    assert with_s3.restore(server_lost=True).restored > 0


def test_a_minio_on_the_same_server_does_not_survive_it():
    db = backup.Postgres({"shop": {"orders": 5}})
    minio = backup.Bucket("shop-backups", endpoint="http://minio:9000", on_server=True)
    schedule = backup.Schedule("daily", databases="shop",
                               s3=storage(endpoint="http://minio:9000"))
    history = schedule.run(db, [minio], START, START + timedelta(days=2))
    assert "same server" in history.survives_server_loss().reason


def test_wrong_credentials_keep_the_local_copy_and_say_why():
    history, bucket, _ = shop(s3=storage("stale"))
    assert bucket.keys("backups/") == []
    assert all("SignatureDoesNotMatch" in b.error and b.local for b in history.backups[-7:])
    assert "SignatureDoesNotMatch" in history.survives_server_loss().reason


def test_restore_refuses_what_is_not_a_dump_and_replaces_the_target():
    db = backup.Postgres({"shop": {"orders": 3}})
    with pytest.raises(ValueError, match="valid archive"):
        db.restore(b"not a dump", "drill_shop")
    data = db.dump("shop", START)
    db.write("shop", "orders", 4, START + timedelta(hours=1))
    db.restore(data, "shop")
    assert db.count_rows("shop", "orders") == 3
    assert db.restores[-1].rows_before == {"orders": 7}


def test_restore_newest_follows_the_listing_order():
    db = backup.Postgres({"shop": {"orders": 1}})
    bucket = backup.Bucket("b")
    client = bucket.client()
    for day in (9, 10):  # day-first names: "10-..." sorts before "9-..."
        client.put("b", f"db/{day}-11-2026.dump", db.dump("shop", START + timedelta(days=day)))
    outcome = backup.restore_newest(bucket, "db/", db, "drill")
    assert not outcome.ok and "not the newest" in outcome.reason
