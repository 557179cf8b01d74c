#!/usr/bin/env bash
# The catalog benchmark of issue 4: a tenant with 100 000 products on PostgreSQL + Redis, driven by
# wrk (Debian package `wrk`) at 32 connections: the first product page, the page after 50 000 rows
# (by cursor) and one product. Prints wrk's requests/s and latency distribution; copy the figures
# into bench/RESULTS.md.
#   bench/products.sh [products] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
products="${1:-100000}"; seconds="${2:-20}"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
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
seeded=$(python3 bench/seed_products.py --db "$db" --products "$products" --log "$log")
eval "$seeded"; echo "$seeded" > /tmp/ally360-bench.env
echo "$products products; wrk, 2 threads, 32 connections, ${seconds}s per scenario"
# /health (no I/O) and /auth/me (token check only) show the ceiling of the machine and of auth.
for scenario in "health|/health" "auth/me|/auth/me" "first page|$FIRST" "page after 50 000 rows|$DEEP" \
    "one product|$ONE" "search by name|$BY_NAME" "search by sku|$BY_SKU" "search by barcode|$BY_BARCODE" \
    "search by a common word|$BY_WORD"; do
    name="${scenario%%|*}"; path="${scenario#*|}"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8090$path")
    echo "== GET $name ($path) -> $code"
    wrk -t2 -c32 -d"${seconds}s" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8090$path" \
        | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
done
