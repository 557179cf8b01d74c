#!/usr/bin/env bash
# The sales benchmark of issue 7: create-and-confirm of a 3-line invoice (POST /invoices with status
# OPEN: number from the PDV's range, stock out, credit check, in one transaction) at 32 connections on
# PostgreSQL. Afterwards checks that the numbers are exactly 1..N and that stock + sold = what there was.
#   bench/invoices.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
. bench/lib.sh
start_service
seed_company 1000
q() { psql -h 127.0.0.1 -U postgres -d "$db" -Atc "$1"; }
q "update stocks set quantity = 1000000 where tenant_id = '$COMPANY'" >/dev/null
pdv=$(q "select id from pdvs where tenant_id = '$COMPANY' and is_main")
api() { curl -sf -X POST "http://127.0.0.1:8090$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$2"; }
api /numbering-ranges "{\"pdv_id\": \"$pdv\", \"resolution_number\": \"18760000001\", \"prefix\": \"F-\", \"range_from\": 1, \"range_to\": 99999999, \"valid_from\": \"2020-01-01\", \"valid_to\": \"2099-12-31\"}" >/dev/null
customer=$(api /contacts '{"name": "Cliente Bench", "type": ["client"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
ids=$(q "select string_agg('\"' || id || '\"', ',') from products where tenant_id = '$COMPANY'")
script=/tmp/ally360-invoices.lua
cat > "$script" <<LUA
local products = { $ids }
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  local lines = {}
  for i = 1, 3 do
    lines[i] = '{"product_id": "' .. products[math.random(#products)] .. '", "quantity": "1"}'
  end
  local body = '{"pdv_id": "$pdv", "customer_id": "$customer", "status": "OPEN", "items": [' .. table.concat(lines, ",") .. ']}'
  return wrk.format(nil, "/invoices", nil, body)
end
LUA
echo "1 000 products; wrk, 2 threads, 32 connections, ${seconds}s"
# Warm-up, then ANALYZE (what autovacuum does within a minute on a live database): plans made while the
# tables were empty would otherwise scan them whole for the rest of a short run.
wrk -t2 -c32 -d10s -s "$script" http://127.0.0.1:8090 >/dev/null
q "analyze" >/dev/null
echo "== POST /invoices (3 lines, status OPEN), after $(q "select count(*) from invoices") invoices"
wrk -t2 -c32 -d"${seconds}s" --latency -s "$script" http://127.0.0.1:8090 | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
q "select 'invoices: ' || count(*) || ', numbers 1..' || max(number_seq) || ', distinct: ' || count(distinct number)
   from invoices where tenant_id = '$COMPANY'"
q "select 'stock + sold = before: ' || bool_and(s.quantity + coalesce(sold.q, 0) = 1000000) from stocks s
   left join (select product_id, sum(quantity) q from invoice_lines where tenant_id = '$COMPANY' group by 1) sold
   using (product_id) where s.tenant_id = '$COMPANY'"
