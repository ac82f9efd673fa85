#!/bin/sh
# Webhooks (issue 6): decisions reach the platform's endpoint signed; an
# endpoint that is down never holds up a decision; failed deliveries are
# retried with backoff, logged, and replayed.
# Usage: test_webhooks.sh EREJE SOURCE_DIR RECEIVER
set -u
E=$1
SRC=$2
RECV=$3
T=$(mktemp -d)
SUITE=webhooks
# shellcheck source=tests/http/lib.sh
. "$(dirname "$0")/lib.sh"

DB=$T/w.db
PLAT=$("$E" keys create --db "$DB" --role platform 2>/dev/null |
    sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
printf 'a-webhook-secret-of-the-platform-0123456789' >"$T/secret"
chmod 600 "$T/secret"

# The endpoint.
: >"$T/hooks.log"
"$RECV" "$T/secret" "$T/hooks.log" "$T/rport" "$T/fail" &
RPID=$!
SERVERS="$SERVERS $RPID"
i=0
while [ ! -s "$T/rport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
RPORT=$(cat "$T/rport")
URL="http://127.0.0.1:$RPORT/hooks"

# Bad options.
chmod 644 "$T/secret"
run open-secret 2 "$E" --policy-dir "$SRC/policies" serve --db "$DB" \
    --listen 127.0.0.1:0 --webhook-url "$URL" --webhook-secret-file "$T/secret"
has open-secret err "chmod 600"
chmod 600 "$T/secret"
run bad-url 2 "$E" --policy-dir "$SRC/policies" serve --db "$DB" \
    --listen 127.0.0.1:0 --webhook-url "ftp://x" --webhook-secret-file "$T/secret"
run no-secret 2 "$E" --policy-dir "$SRC/policies" serve --db "$DB" \
    --listen 127.0.0.1:0 --webhook-url "$URL"

# waitlog N: until the log has N lines (at most about 15 s).
waitlog() {
    j=0
    while [ "$(wc -l <"$T/hooks.log" 2>/dev/null || echo 0)" -lt "$1" ] && [ $j -lt 150 ]; do
        sleep 0.1
        j=$((j + 1))
    done
}

start w "$DB" --webhook-url "$URL" --webhook-secret-file "$T/secret" \
    --webhook-max-attempts 3 || { summary; exit 1; }
REG='{"service":"social_network","birth_date":"2012-01-01","at":"2026-11-28T10:00:00+05:00","subject":"u1"}'
call decide 200 POST /v1/registrations/check "$PLAT" "$REG"
waitlog 1
has delivered hooks.log 'POST registration.checked 1 sig=ok {"seq":'
has delivered-body hooks.log '"type":"registration.checked"'
has delivered-body hooks.log '"decision":'

# The endpoint is down (503): the decision is still answered at once, and
# the delivery is retried: 1 s, then 2 s, then failed (3 attempts).
touch "$T/fail"
call decide-down 200 POST /v1/registrations/check "$PLAT" "$REG"
waitlog 4
eq "retried: refused attempts" \
    "$(grep -c '^refused POST registration.checked 2 sig=ok' "$T/hooks.log")" 3
sleep 0.5
run list-failed 0 "$E" webhook list --db "$DB" --status failed
has list-failed out '"id":2,'
has list-failed out '"status":"failed","attempts":3'
has list-failed out '"last_status":503,"last_error":"HTTP 503"'
run list-delivered 0 "$E" webhook list --db "$DB" --status delivered
has list-delivered out '"id":1,'

# Replay the failed one once the endpoint is back.
rm -f "$T/fail"
run replay 0 "$E" webhook replay --db "$DB" --failed
has replay out '{"replayed":1}'
waitlog 5
has replayed hooks.log 'POST registration.checked 2 sig=ok'
sleep 0.5
run list-all 0 "$E" webhook list --db "$DB" --status failed
[ ! -s "$T/out" ] && ok || bad "replay: still failed"
run replay-unknown 2 "$E" webhook replay --db "$DB" --id 999
run replay-usage 2 "$E" webhook replay --db "$DB"
stop w "$SPID"

# The endpoint unreachable (nothing listens): decisions go on; the
# attempts are logged with the connection error.
start u "$DB" --webhook-url "http://127.0.0.1:9/x" --webhook-secret-file "$T/secret" \
    --webhook-max-attempts 1 || { summary; exit 1; }
call decide-unreachable 200 POST /v1/registrations/check "$PLAT" "$REG"
sleep 1.5
stop u "$SPID"
run list-unreachable 0 "$E" webhook list --db "$DB" --status failed
has list-unreachable out '"type":"registration.checked","status":"failed","attempts":1'
has list-unreachable out '"last_status":0'
lacks signatures hooks.log 'sig=bad'
# A FIFO as the secret is refused at once, not waited on.
mkfifo "$T/fifo" && chmod 600 "$T/fifo"
run fifo-secret 2 "$E" --policy-dir "$SRC/policies" serve --db "$DB" \
    --listen 127.0.0.1:0 --webhook-url "$URL" --webhook-secret-file "$T/fifo"
has fifo-secret err "not a regular file"
run verify 0 "$E" audit verify --db "$DB"
summary
[ "$fail" -eq 0 ]
