#!/bin/sh
# The container's entrypoint: before the server starts, bring the database schema up to date
# (concurrent replicas wait for each other on PostgreSQL) and mirror the exercise catalog into
# it (an upsert per row: replicas syncing at once, or a learner's first attempt, never make it
# fail). Any other command (flask backup create, a shell) runs as it is.
set -eu
if [ "${1:-}" = "gunicorn" ] && [ "${MIGRATE_ON_START:-true}" = "true" ]; then
    flask db upgrade
    flask exercises sync
fi
exec "$@"
