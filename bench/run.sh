#!/usr/bin/env bash
# Builds the service in release mode, runs it (with a worker) on PostgreSQL + Redis, and drives it
# with bench/http_bench.py. Results go to stdout; copy them into bench/RESULTS.md.
#   bench/run.sh [connections] [requests] [contacts]
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-32}"; requests="${2:-5000}"; contacts="${3:-2000}"
db=ally360_bench
psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $db" -c "create database $db"
cargo build --release -q -p ally360-server
export DATABASE_ADMIN_URL="postgres://postgres@127.0.0.1:5432/$db" DATABASE_URL="postgres://ally360_app@127.0.0.1:5432/$db"
export REDIS_URL=redis://127.0.0.1:6379/2 ALLY_BIND=127.0.0.1:8090 DATABASE_MAX_CONNECTIONS=16
export RATE_LIMIT_TENANT_PER_MINUTE=100000000 ALLY_LOG="warn,ally360_memory=info"
redis-cli -n 2 flushdb >/dev/null
log=/tmp/ally360-bench.log; : > "$log"
./target/release/ally360 serve >> "$log" 2>&1 & serve=$!
ALLY_MIGRATE=off ./target/release/ally360 worker >> "$log" 2>&1 & worker=$!
trap 'kill $serve $worker 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:8090/health && break; sleep 0.2; done
python3 bench/http_bench.py --base http://127.0.0.1:8090 --connections "$connections" --requests "$requests" --contacts "$contacts" --log "$log"
