#!/usr/bin/env bash
# A local SMTP sink (Python's aiosmtpd) that stores every message in a Maildir, for the SMTP tests.
#   scripts/smtp-sink.sh up     install aiosmtpd if missing and start the sink on 127.0.0.1:2525
#   scripts/smtp-sink.sh down   stop it
#   scripts/smtp-sink.sh env    print the variables the tests read
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${SMTP_SINK_DIR:-$PWD/.smtp-sink}"
port="${SMTP_SINK_PORT:-2525}"

case "${1:-up}" in
    up)
        python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet aiosmtpd
        mkdir -p "$dir/mail/new" "$dir/mail/cur" "$dir/mail/tmp"
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            nohup python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$dir/mail" \
                > "$dir/sink.log" 2>&1 &
            echo $! > "$dir/sink.pid"
            for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
        fi
        echo "smtp-sink: up on 127.0.0.1:$port, mail in $dir/mail"
        ;;
    down)
        [ -f "$dir/sink.pid" ] && kill "$(cat "$dir/sink.pid")" 2>/dev/null || true
        rm -f "$dir/sink.pid"
        echo "smtp-sink: down"
        ;;
    env)
        echo "export ALLY_TEST_SMTP_URL=smtp://127.0.0.1:$port"
        echo "export ALLY_TEST_SMTP_MAILDIR=$dir/mail"
        ;;
    *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac
