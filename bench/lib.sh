# Shared by the benchmark scripts: a fresh bench database, a release build, `serve` + `worker` on
# PostgreSQL + Redis on 127.0.0.1:8090 (stopped on exit), and a company seeded by bench/seed_products.py.
# After `seed_company N`, TOKEN, FIRST, DEEP, ONE, BY_* and COMPANY are set.
db=ally360_bench
start_service() {
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
}
seed_company() {
    local seeded
    seeded=$(python3 bench/seed_products.py --db "$db" --products "$1" --log "$log")
    eval "$seeded"
    COMPANY=$(psql -h 127.0.0.1 -U postgres -d "$db" -Atc "select tenant_id from products limit 1")
}
