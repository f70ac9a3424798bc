# Throwaway PostgreSQL for the store tests and benchmarks; sourced by .ci/run and
# benchmarks/with-postgres.sh (bash only).
#
# start_postgres: installs Debian's postgresql package if no server binary is found,
# starts a cluster on loopback (temporary data directory, a free port), creates a user
# and a database, exports MEDIATION_TEST_POSTGRES_URL and MEDIATION_REQUIRE_POSTGRES=1,
# and stops the server (removing its data) at exit of the sourcing shell.

find_pg_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

as_pg_user() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

start_postgres() {
    local bin
    if ! bin="$(find_pg_bin)"; then
        echo "ci: installing PostgreSQL from Debian's packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq postgresql >/dev/null
        bin="$(find_pg_bin)"
    fi
    PG_DATA="$(mktemp -d /tmp/mediation-ci-pg.XXXXXX)"
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$PG_DATA"
    fi
    PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    as_pg_user "$bin/initdb" -D "$PG_DATA/data" -U postgres --auth=trust -E UTF8 \
        --no-locale >"$PG_DATA/initdb.log" 2>&1 || { cat "$PG_DATA/initdb.log" >&2; return 1; }
    as_pg_user "$bin/pg_ctl" -D "$PG_DATA/data" -l "$PG_DATA/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA " start >/dev/null \
        || { cat "$PG_DATA/server.log" >&2; return 1; }
    PG_BIN="$bin"
    trap stop_postgres EXIT
    as_pg_user "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE mediation LOGIN" -c "CREATE DATABASE mediation_test OWNER mediation ENCODING 'UTF8'"
    export MEDIATION_TEST_POSTGRES_URL="postgresql://mediation@127.0.0.1:$PG_PORT/mediation_test"
    export MEDIATION_REQUIRE_POSTGRES=1
    echo "ci: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT" >&2
}

stop_postgres() {
    if [ -n "${PG_DATA:-}" ] && [ -n "${PG_BIN:-}" ]; then
        as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_DATA"
    fi
}
