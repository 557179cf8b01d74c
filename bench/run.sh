#!/usr/bin/env bash
# Builds the service in release mode, runs it (with a worker) on PostgreSQL + Redis, and drives it
# with bench/http_bench.py. Results go to stdout; copy them into bench/RESULTS.md.
#   bench/run.sh [connections] [requests] [contacts]
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-32}"; requests="${2:-5000}"; contacts="${3:-2000}"
. bench/lib.sh
start_service
python3 bench/http_bench.py --base http://127.0.0.1:8090 --connections "$connections" --requests "$requests" --contacts "$contacts" --log "$log"
