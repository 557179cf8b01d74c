#!/usr/bin/env bash
# The inventory benchmark of issue 5: POST /movements (IN of one unit) at 32 connections on PostgreSQL,
# on one hot product (every request waits for the same stock row) and spread over 1 000 products.
# Prints wrk's requests/s and latency distribution; copy the figures into bench/RESULTS.md.
#   bench/movements.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
. bench/lib.sh
start_service
seed_company 1000
# Start every stock row at zero, so that afterwards each row must equal the sum of its movements.
psql -h 127.0.0.1 -U postgres -d "$db" -qc "update stocks set quantity = 0 where tenant_id = '$COMPANY'"
pdv=$(psql -h 127.0.0.1 -U postgres -d "$db" -Atc "select id from pdvs where tenant_id = '$COMPANY' and is_main")
ids=$(psql -h 127.0.0.1 -U postgres -d "$db" -Atc "select string_agg('\"' || id || '\"', ',') from products where tenant_id = '$COMPANY'")
script=/tmp/ally360-movements.lua
cat > "$script" <<LUA
local products = { $ids }
local hot = os.getenv("HOT") == "1"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  local p = hot and products[1] or products[math.random(#products)]
  local body = '{"product_id": "' .. p .. '", "pdv_id": "$pdv", "movement_type": "IN", "quantity": "1", "unit_cost": "10"}'
  return wrk.format(nil, "/movements", nil, body)
end
LUA
echo "1 000 products; wrk, 2 threads, 32 connections, ${seconds}s per scenario"
for scenario in "one hot product|1" "spread over 1 000 products|0"; do
    echo "== POST /movements, ${scenario%%|*}"
    HOT="${scenario#*|}" wrk -t2 -c32 -d"${seconds}s" --latency -s "$script" http://127.0.0.1:8090 \
        | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
done
psql -h 127.0.0.1 -U postgres -d "$db" -Atc "select 'stock = movements: ' || bool_and(s.quantity = m.total) \
    from stocks s join (select product_id, pdv_id, sum(quantity) total from inventory_movements group by 1, 2) m \
    using (product_id, pdv_id) where s.tenant_id = '$COMPANY'"
