# Sourced by scripts/test: a throwaway PostgreSQL server for the test suite, on loopback only.
#
# start_test_postgres installs Debian's postgresql when it is missing (apt-get, as root or with
# sudo), creates a cluster in a temporary folder (trust authentication, no fsync: the data is
# thrown away), starts it on a free port and exports
#   TEST_POSTGRES_URL  a superuser URL; the tests create one database per test from it
#   PATH               with that server's pg_dump and pg_restore first (the backup tests use them)
# and stops it and removes the folder when the calling shell exits.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user that the
# Debian package creates.

_pg_bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_test_postgres() {
    local bindir sudo as_server tmp port
    bindir=$(_pg_bindir)
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "==> Installing Debian's PostgreSQL for the database tests"
        if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
        bindir=$(_pg_bindir)
    fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/friction-pg.XXXXXX")
    _TEST_PG_TMP=$tmp
    _TEST_PG_STOP=(true)
    trap stop_test_postgres EXIT
    as_server=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$tmp"
        as_server=(runuser -u postgres --)
    fi
    port=$("$VENV/bin/python" -c \
        'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_server[@]}" "$bindir/initdb" -D "$tmp/data" -U friction -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 \
        || { cat "$tmp/initdb.log" >&2; return 1; }
    # Loopback only, socket in the temp folder; durability off, this data is thrown away.
    "${as_server[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 120 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null \
        || { cat "$tmp/server.log" >&2; return 1; }
    _TEST_PG_STOP=("${as_server[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop)
    export TEST_POSTGRES_URL="postgresql://friction@127.0.0.1:$port/postgres"
    export PATH="$bindir:$PATH"
    echo "==> PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_test_postgres() {
    if [ -n "${_TEST_PG_TMP:-}" ]; then
        "${_TEST_PG_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$_TEST_PG_TMP"
        _TEST_PG_TMP=""
    fi
}
