#!/usr/bin/env bash
# Runs every test. With a PostgreSQL reachable (ALLY_TEST_DATABASE_URL, or the local server on
# 127.0.0.1:5432 with user postgres) the API, contract, isolation and RLS tests run on it too; with
# a Redis (ALLY_TEST_REDIS_URL, or 127.0.0.1:6379) the Redis adapters' tests run.
# ALLY_REQUIRE_BACKENDS=1 turns a missing backend into a failure (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ALLY_TEST_DATABASE_URL:-}" ] && command -v psql >/dev/null 2>&1 \
    && psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    # A fresh database each run: migrations apply from scratch and no earlier run's rows remain.
    db=ally360_test
    psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
    export ALLY_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
fi
if [ -z "${ALLY_TEST_REDIS_URL:-}" ] && command -v redis-cli >/dev/null 2>&1 \
    && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    export ALLY_TEST_REDIS_URL="redis://127.0.0.1:6379/0"
fi
if [ -n "${ALLY_TEST_REDIS_URL:-}" ]; then
    echo "tests: Redis at $ALLY_TEST_REDIS_URL"
fi
if [ -z "${ALLY_TEST_S3_ENDPOINT:-}" ] && curl -s -o /dev/null --max-time 1 http://127.0.0.1:3900 2>/dev/null; then
    eval "$(S3_BUCKET=ally360-test bash scripts/s3-dev.sh env | sed 's/export S3_/export ALLY_TEST_S3_/')"
fi
if [ -z "${ALLY_TEST_SMTP_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null; then
    eval "$(bash scripts/smtp-sink.sh env)"
fi
if [ -n "${ALLY_TEST_SMTP_URL:-}" ]; then
    echo "tests: SMTP sink at $ALLY_TEST_SMTP_URL (run scripts/smtp-sink.sh up to start one)"
fi
if [ -n "${ALLY_TEST_S3_ENDPOINT:-}" ]; then
    echo "tests: S3 at $ALLY_TEST_S3_ENDPOINT (run scripts/s3-dev.sh up to start one)"
fi
if [ -n "${ALLY_TEST_DATABASE_URL:-}" ]; then
    echo "tests: PostgreSQL at ${ALLY_TEST_DATABASE_URL%%\?*}"
else
    echo "tests: no PostgreSQL found; running on the memory adapters only"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --all-targets "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (cargo prints one per test binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
     END { printf "all: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
