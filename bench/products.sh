#!/usr/bin/env bash
# The catalog benchmark of issue 4: a tenant with 100 000 products on PostgreSQL + Redis, driven by
# wrk (Debian package `wrk`) at 32 connections: product pages, one product, searches. Prints wrk's
# requests/s and latency distribution; copy the figures into bench/RESULTS.md.
#   bench/products.sh [products] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
products="${1:-100000}"; seconds="${2:-20}"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
. bench/lib.sh
start_service
seed_company "$products"
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
