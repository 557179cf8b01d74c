#!/usr/bin/env bash
# A single-node S3 server (Garage) on loopback for development and tests.
#   scripts/s3-dev.sh up     install Garage if missing, start it, create the bucket and key
#   scripts/s3-dev.sh down   stop it
#   scripts/s3-dev.sh env    print the S3_* variables that point at it
# The credentials below are fixed, local-only test credentials for a server bound to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${GARAGE_DIR:-$PWD/.garage}"
bucket="${S3_BUCKET:-ally360}"
key_id="GK0123456789abcdef01234567"
secret="0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
G="garage -c $dir/garage.toml"

env_vars() {
    echo "export S3_ENDPOINT=http://127.0.0.1:3900"
    echo "export S3_PUBLIC_URL=http://127.0.0.1:3900"
    echo "export S3_ACCESS_KEY=$key_id"
    echo "export S3_SECRET_KEY=$secret"
    echo "export S3_BUCKET=$bucket"
}

up() {
    if ! command -v garage >/dev/null 2>&1; then
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v garage >/dev/null 2>&1; then
        echo "s3-dev: installing garage (about 10 minutes the first time)"
        cargo install garage@2.5.0 --locked --quiet
    fi
    mkdir -p "$dir/meta" "$dir/data"
    if [ ! -f "$dir/garage.toml" ]; then
        cat > "$dir/garage.toml" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:3901"
rpc_public_addr = "127.0.0.1:3901"
rpc_secret = "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
[s3_api]
s3_region = "us-east-1"
api_bind_addr = "127.0.0.1:3900"
root_domain = ".s3.garage.localhost"
[admin]
api_bind_addr = "127.0.0.1:3903"
admin_token = "local-admin-token"
TOML
    fi
    if ! $G status >/dev/null 2>&1; then
        nohup garage -c "$dir/garage.toml" server > "$dir/garage.log" 2>&1 &
        echo $! > "$dir/garage.pid"
        for _ in $(seq 1 50); do $G status >/dev/null 2>&1 && break; sleep 0.2; done
    fi
    if $G status 2>/dev/null | grep -q "NO ROLE ASSIGNED"; then
        $G layout assign -z dc1 -c 1G "$($G node id -q | cut -d@ -f1)" >/dev/null
        $G layout apply --version 1 >/dev/null
    fi
    $G bucket info "$bucket" >/dev/null 2>&1 || $G bucket create "$bucket" >/dev/null
    $G key info "$key_id" >/dev/null 2>&1 || $G key import --yes "$key_id" "$secret" >/dev/null
    $G bucket allow --read --write --owner "$bucket" --key "$key_id" >/dev/null
    # The service creates its bucket at start when missing.
    $G key allow --create-bucket "$key_id" >/dev/null
    echo "s3-dev: up at http://127.0.0.1:3900 (bucket $bucket)"
}

down() {
    if [ -f "$dir/garage.pid" ]; then
        kill "$(cat "$dir/garage.pid")" 2>/dev/null || true
        rm -f "$dir/garage.pid"
    fi
    echo "s3-dev: down"
}

case "${1:-up}" in
    up) up ;;
    down) down ;;
    env) env_vars ;;
    *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac
