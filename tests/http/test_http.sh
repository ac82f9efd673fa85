#!/bin/sh
# HTTP tests against the real server: routes, keys and roles, decisions in
# shadow and enforce mode, every documented error code, body limits, and
# that every acknowledged decision is in the audit log (also under a burst
# of concurrent requests and across a graceful SIGTERM).
# Usage: test_http.sh EREJE SOURCE_DIR
set -u
E=$1
SRC=$2
T=$(mktemp -d)
SUITE=http
# shellcheck source=tests/http/lib.sh
. "$(dirname "$0")/lib.sh"
# (start, call and err below are this suite's own: start takes global
# options, call takes a whole Authorization value or @FILE bodies and
# records acknowledged events, err posts a registration check.)

# start NAME DB GLOBAL_OPTS [SERVE_OPTS...]: starts a server on a free port
# of 127.0.0.1 and waits for its first line; sets PORT and SPID.
start() {
    sname=$1 sdb=$2 sglob=$3
    shift 3
    # shellcheck disable=SC2086
    "$E" --policy-dir "$SRC/policies" $sglob serve --db "$sdb" \
        --listen 127.0.0.1:0 "$@" >"$T/$sname.out" 2>"$T/$sname.err" &
    SPID=$!
    SERVERS="$SERVERS $SPID"
    PORT=
    tries=0
    while [ "$tries" -lt 100 ]; do
        PORT=$(sed -n 's|^ereje: listening on http://127\.0\.0\.1:\([0-9][0-9]*\) (db .*|\1|p' "$T/$sname.out" 2>/dev/null)
        [ -n "$PORT" ] && break
        kill -0 "$SPID" 2>/dev/null || break
        sleep 0.1
        tries=$((tries + 1))
    done
    if [ -z "$PORT" ]; then
        bad "$sname: server did not print its port"
        sed 's/^/  /' "$T/$sname.out" "$T/$sname.err" | head -5
        return 1
    fi
    ok
}

ACKED=$T/acked # "id seq" of every 200 reply with an event, in order
: >"$ACKED"
# acked FILE...: "id seq" of the event in each reply (one JSON line each).
acked() {
    cat "$@" 2>/dev/null | sed -n 's/.*"event":{\([^}]*\)}.*/\1/p' |
        sed -n 's/.*"id":"\([^"]*\)".*/\1 &/p' |
        sed -n 's/^\([^ ]*\) .*"seq":\([0-9][0-9]*\).*/\1 \2/p'
}

# call NAME WANT METHOD PATH AUTH [BODY]: one request to the server on
# $PORT. AUTH is the whole Authorization value ("" sends none); BODY is the
# text to send, or @FILE. The reply is in $T/body and its headers in
# $T/hdr; the status must be WANT.
call() {
    name=$1 want=$2 method=$3 path=$4 auth=$5
    hb=0
    if [ $# -ge 6 ]; then
        hb=1
        bd=$6
    fi
    set -- -sS -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X "$method"
    [ -n "$auth" ] && set -- "$@" -H "Authorization: $auth"
    if [ "$hb" = 1 ]; then
        case $bd in
        @*) set -- "$@" --data-binary "$bd" ;;
        *)
            printf '%s' "$bd" >"$T/req"
            set -- "$@" --data-binary "@$T/req"
            ;;
        esac
        set -- "$@" -H 'Content-Type: application/json'
    fi
    : >"$T/body"
    code=$(curl "$@" "http://127.0.0.1:$PORT$path" 2>"$T/curlerr")
    if [ "$code" = 200 ]; then
        acked "$T/body" >>"$ACKED"
    fi
    if [ "$code" != "$want" ]; then
        bad "$name: HTTP $code, want $want"
        head -c 400 "$T/body" | sed 's/^/  /'
        sed 's/^/  curl: /' "$T/curlerr" | head -2
        return 1
    fi
    ok
}
CHECK=/v1/registrations/check
# check NAME WANT AUTH BODY: POST the check endpoint.
check() { call "$1" "$2" POST "$CHECK" "$3" "$4"; }
# err NAME STATUS CODE AUTH BODY: a check that must fail with CODE.
err() {
    check "$1" "$2" "$4" "$5" && has "$1" body "{\"error\":{\"code\":\"$3\",\"message\":\""
}

# metric KEY: the value of a Prometheus sample on the server on $PORT
# (0 when absent).
metric() {
    curl -sS "http://127.0.0.1:$PORT/metrics" >"$T/metrics" 2>/dev/null
    awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' "$T/metrics"
}
# metric_is NAME KEY WANT: KEY reaches WANT (counters are updated as the
# reply is queued, so poll a little before judging).
metric_is() {
    mtries=0
    while :; do
        mv=$(metric "$2")
        [ "$mv" = "$3" ] && break
        [ "$mtries" -ge 20 ] && break
        sleep 0.1
        mtries=$((mtries + 1))
    done
    eq "$1" "$mv" "$3"
}
# key ROLE: creates a key in $DB, prints it.
key() {
    "$E" --policy-dir "$SRC/policies" keys create --db "$DB" --role "$1" \
        --label "test-$1" 2>/dev/null |
        sed -n 's/.*"key":"\(ejk_[0-9a-f]\{64\}\)".*/\1/p'
}
# count_reg: registration.checked events in $DB.
count_reg() {
    sqlite3 "$DB" "SELECT count(*) FROM events WHERE type = 'registration.checked'"
}

DB=$T/ereje.db
AT='"at":"2026-03-01T10:00:00+05:00"'
KID14='{"service":"social_network",'"$AT"',"birth_date":"2011-06-01"}'
ADULT='{"service":"social_network",'"$AT"',"birth_date":"2006-01-01"}'
IIN='900101300186'

# Keys.
run keys-create 0 "$E" --policy-dir "$SRC/policies" keys create --db "$DB" \
    --role platform --label plat
has keys-create out '"role":"platform","label":"plat","key":"ejk_'
if grep -Eq '^\{"id":"[0-9a-f]+","role":"platform","label":"plat","key":"ejk_[0-9a-f]{64}"\}$' "$T/out"; then
    ok
else
    bad "keys-create: output shape"
    sed 's/^/  /' "$T/out"
fi
PLAT=$(sed -n 's/.*"key":"\(ejk_[0-9a-f]\{64\}\)".*/\1/p' "$T/out")
AUDITOR=$(key auditor)
MODERATOR=$(key moderator)
for k in "$AUDITOR" "$MODERATOR"; do
    case $k in
    ejk_????????????????????????????????????????????????????????????????) ok ;;
    *) bad "keys create: no key parsed ($k)" ;;
    esac
done
run keys-bad-role 2 "$E" keys create --db "$DB" --role root

start a "$DB" "" || { echo "http: $pass passed, $fail failed"; exit 1; }
PID_A=$SPID

# Health and metrics (no key).
call healthz 200 GET /healthz "" &&
    has healthz body '"status":"ok"' &&
    has healthz body '"packs":[' &&
    has healthz body '{"id":"kz.draft-2025","version":"0.1.0","status":"draft"}' &&
    has healthz hdr 'Content-Type: application/json'
call metrics 200 GET /metrics "" &&
    has metrics hdr 'Content-Type: text/plain' &&
    has metrics body '# TYPE ereje_http_requests_total counter' &&
    has metrics body 'ereje_http_requests_total{route="/healthz",method="GET",code="200"} 1' &&
    has metrics body 'ereje_registration_decisions_total{decision="allow"} 0' &&
    has metrics body 'ereje_rule_outcomes_total{rule="kz.draft.min_registration_age",mode="shadow",outcome="deny"} 0' &&
    has metrics body 'ereje_events_committed_total 0'
call metrics-post 405 POST /metrics "" '{}'

# Authentication and roles.
err no-key 401 UNAUTHORIZED "" "$KID14" &&
    has no-key hdr 'WWW-Authenticate: Bearer'
err no-key-bad-json 401 UNAUTHORIZED "" 'not json'
err malformed-key 401 UNAUTHORIZED "Bearer not-a-key" "$KID14"
err empty-bearer 401 UNAUTHORIZED "Bearer " "$KID14"
err basic-scheme 401 UNAUTHORIZED "Basic $PLAT" "$KID14"
err no-scheme 401 UNAUTHORIZED "$PLAT" "$KID14"
err key-plus-char 401 UNAUTHORIZED "Bearer ${PLAT}0" "$KID14"
UNKNOWN=ejk_$(printf '%064d' 0)
err unknown-key 401 UNAUTHORIZED "Bearer $UNKNOWN" "$KID14" &&
    has unknown-key body 'unknown or revoked API key'
err auditor 403 FORBIDDEN "Bearer $AUDITOR" "$KID14" &&
    has auditor body "role 'auditor' may not call POST $CHECK"
err moderator 403 FORBIDDEN "Bearer $MODERATOR" "$KID14"
n0=$(count_reg)
eq "rejected requests record nothing" "$n0" 0

# Decisions. The draft minimum age runs in shadow mode by default.
check platform-kid 200 "Bearer $PLAT" "$KID14" &&
    has platform-kid body '{"decision":"allow","mode":"shadow","advisory":{"decision":"deny"}' &&
    has platform-kid body '"fired":["kz.draft.min_registration_age"]' &&
    has platform-kid body '"code":"below_min_age"' &&
    has platform-kid body '"age":14,"age_band":"13_15","at":"2026-03-01T05:00:00Z"' &&
    has platform-kid body '"event":{"id":"reg_'
ADMIN=$(key admin) # created while the server runs: usable at once
check admin-adult 200 "Bearer $ADMIN" "$ADULT" &&
    has admin-adult body '{"decision":"allow","mode":"shadow","advisory":{"decision":"allow"}' &&
    has admin-adult body '"fired":[]' &&
    has admin-adult body '"age":20'
check messenger-kid 200 "Bearer $PLAT" \
    '{"service":"instant_messaging",'"$AT"',"birth_date":"2011-06-01"}' &&
    has messenger-kid body '"advisory":{"decision":"allow"}' &&
    has messenger-kid body '"fired":[]' &&
    has messenger-kid body '"code":"exempt_service"'
check iin-only 200 "Bearer $PLAT" '{"service":"video_hosting",'"$AT"',"iin":"'"$IIN"'"}' &&
    has iin-only body '"evidence":["iin"],"age":36'
check assurance 200 "Bearer $PLAT" \
    '{"service":"online_game",'"$AT"',"assurance":{"method":"egov","level":"strict","over_threshold":true}}' &&
    has assurance body '"evidence":["assurance"]' &&
    has assurance body '"code":"assurance_over"'
check unknown-fields 200 "Bearer $PLAT" \
    '{"service":"social_network",'"$AT"',"birth_date":"2011-06-01","nickname":"x","extra":{"a":[1,2,{"b":null}]},"n":5}' &&
    has unknown-fields body '{"decision":"allow","mode":"shadow","advisory":{"decision":"deny"}' &&
    lacks unknown-fields body 'nickname'
check subject 200 "Bearer $PLAT" '{"service":"other",'"$AT"',"subject":"user-42","birth_date":"2011-06-01"}'
check no-at 200 "Bearer $PLAT" '{"service":"other","birth_date":"2006-01-01"}' &&
    has no-at body '"age":20'

# Every 400 code; none of them records anything.
nbefore=$(count_reg)
err bad-json 400 BAD_JSON "Bearer $PLAT" 'not json'
err bad-json-cut 400 BAD_JSON "Bearer $PLAT" '{"service":'
err bad-json-empty 400 BAD_JSON "Bearer $PLAT" ''
DEEP33=$(awk 'BEGIN { printf "{\"service\":\"other\",\"x\":"; for (i = 0; i < 32; i++) printf "["; for (i = 0; i < 32; i++) printf "]"; printf "}" }')
DEEP32=$(awk 'BEGIN { printf "{\"service\":\"other\",\"x\":"; for (i = 0; i < 31; i++) printf "["; for (i = 0; i < 31; i++) printf "]"; printf "}" }')
err too-deep 400 JSON_TOO_DEEP "Bearer $PLAT" "$DEEP33"
err field-type 400 FIELD_TYPE "Bearer $PLAT" '{"service":5}'
err field-type-array 400 FIELD_TYPE "Bearer $PLAT" '[{"service":"other"}]'
err field-type-birth 400 FIELD_TYPE "Bearer $PLAT" '{"service":"other","birth_date":20110601}'
err field-missing 400 FIELD_MISSING "Bearer $PLAT" '{"birth_date":"2011-06-01"}'
err field-missing-empty 400 FIELD_MISSING "Bearer $PLAT" '{}'
err field-value 400 FIELD_VALUE "Bearer $PLAT" '{"service":"fax"}'
err no-such-date 400 TIME_RANGE "Bearer $PLAT" '{"service":"other","birth_date":"2011-02-30"}'
err born-after 400 TIME_RANGE "Bearer $PLAT" '{"service":"other",'"$AT"',"birth_date":"2027-01-01"}'
err no-offset 400 TIME_NO_OFFSET "Bearer $PLAT" '{"service":"other","at":"2026-03-01T10:00:00"}'
err iin-checksum 400 IDNUM_CHECKSUM "Bearer $PLAT" '{"service":"other","iin":"900101300187"}'
eq "400 replies record nothing" "$(count_reg)" "$nbefore"
check deep-32-ok 200 "Bearer $PLAT" "$DEEP32"

# Paths and methods.
call not-found 404 GET /nope "" && has not-found body '"code":"NOT_FOUND"'
call not-found-slash 404 POST "$CHECK/" "Bearer $PLAT" "$KID14"
call not-found-v1 404 GET /v1 ""
call get-check 405 GET "$CHECK" "Bearer $PLAT" &&
    has get-check body '"code":"METHOD_NOT_ALLOWED"' &&
    has get-check hdr 'Allow: POST'
call post-healthz 405 POST /healthz "" '{}' && has post-healthz hdr 'Allow: GET'
call delete-orders 405 DELETE /v1/orders "" && has delete-orders hdr 'Allow: POST, GET'

# Body size: the default limit is 65536 bytes, declared or chunked.
# mkbody N: a valid request of exactly N bytes, padded by an unknown field.
mkbody() {
    awk -v n="$1" 'BEGIN { printf "{\"service\":\"other\",\"pad\":\""; for (i = 0; i < n - 28; i++) printf "a"; printf "\"}" }'
}
mkbody 65536 >"$T/b65536"
mkbody 65537 >"$T/b65537"
mkbody 70000 >"$T/b70000"
mkbody 100000 >"$T/b100000"
mkbody 100001 >"$T/b100001"
eq "mkbody size" "$(wc -c <"$T/b65537" | tr -d ' ')" 65537
check body-at-limit 200 "Bearer $PLAT" "@$T/b65536"
err body-over-limit 413 BODY_TOO_LARGE "Bearer $PLAT" "@$T/b65537"
err body-70000 413 BODY_TOO_LARGE "Bearer $PLAT" "@$T/b70000"
err body-over-no-key 413 BODY_TOO_LARGE "" "@$T/b70000"
# chunked NAME WANT FILE: the same without a Content-Length.
chunked() {
    code=$(curl -sS -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $PLAT" \
        -H 'Transfer-Encoding: chunked' --data-binary "@$3" \
        "http://127.0.0.1:$PORT$CHECK" 2>"$T/curlerr")
    [ "$code" = 200 ] && acked "$T/body" >>"$ACKED"
    eq "$1" "$code" "$2"
}
chunked chunked-at-limit 200 "$T/b65536"
chunked chunked-over-limit 413 "$T/b65537" && has chunked-over-limit body BODY_TOO_LARGE
# Without a valid key no body is kept: the key is checked on the headers
# and the body discarded, so an unauthenticated chunked body over the limit
# gets its 401, not the 413 of a body the server would have buffered.
code=$(curl -sS -o "$T/body" -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
    --data-binary "@$T/b70000" "http://127.0.0.1:$PORT$CHECK" 2>"$T/curlerr")
eq chunked-no-key "$code" 401 && has chunked-no-key body '"code":"UNAUTHORIZED"'
code=$(curl -sS -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer ejk_not_a_key" \
    -H 'Transfer-Encoding: chunked' --data-binary "@$T/b65536" \
    "http://127.0.0.1:$PORT$CHECK" 2>"$T/curlerr")
eq chunked-bad-key "$code" 401

# Metrics count what happened: exact deltas over a few requests.
m200=$(metric 'ereje_http_requests_total{route="/v1/registrations/check",method="POST",code="200"}')
m401=$(metric 'ereje_http_requests_total{route="/v1/registrations/check",method="POST",code="401"}')
mallow=$(metric 'ereje_registration_decisions_total{decision="allow"}')
mdeny=$(metric 'ereje_rule_outcomes_total{rule="kz.draft.min_registration_age",mode="shadow",outcome="deny"}')
mokay=$(metric 'ereje_rule_outcomes_total{rule="kz.draft.min_registration_age",mode="shadow",outcome="allow"}')
mev=$(metric 'ereje_events_committed_total')
if [ "$m200" -gt 0 ] && [ "$mev" -gt 0 ]; then
    ok
else
    bad "metrics: counters at zero after requests ($m200, $mev)"
fi
check m-kid1 200 "Bearer $PLAT" "$KID14"
check m-kid2 200 "Bearer $PLAT" "$KID14"
check m-adult 200 "Bearer $PLAT" "$ADULT"
check m-nokey 401 "" "$ADULT"
metric_is metrics-200 'ereje_http_requests_total{route="/v1/registrations/check",method="POST",code="200"}' $((m200 + 3))
metric_is metrics-401 'ereje_http_requests_total{route="/v1/registrations/check",method="POST",code="401"}' $((m401 + 1))
metric_is metrics-allow 'ereje_registration_decisions_total{decision="allow"}' $((mallow + 3))
metric_is metrics-shadow-deny 'ereje_rule_outcomes_total{rule="kz.draft.min_registration_age",mode="shadow",outcome="deny"}' $((mdeny + 2))
metric_is metrics-shadow-allow 'ereje_rule_outcomes_total{rule="kz.draft.min_registration_age",mode="shadow",outcome="allow"}' $((mokay + 1))
metric_is metrics-events 'ereje_events_committed_total' $((mev + 3))

# Sequence numbers of the replies only grow, and each was committed.
nack=$(wc -l <"$ACKED" | tr -d ' ')
if awk 'NR > 1 && $2 <= last { bad = 1 } { last = $2 } END { exit bad }' "$ACKED"; then
    ok
else
    bad "event.seq not increasing"
    cut -d' ' -f2 "$ACKED" | tr '\n' ' '
    echo
fi
eq "all acknowledged decisions stored" "$(count_reg)" "$nack"

# A burst of concurrent requests: all answered 200 and all committed.
nbefore=$(count_reg)
mkdir "$T/burst"
(
    i=1
    while [ "$i" -le 200 ]; do
        curl -sS -o "$T/burst/$i.body" -w '%{http_code}\n' \
            -H "Authorization: Bearer $PLAT" --data-binary "$KID14" \
            "http://127.0.0.1:$PORT$CHECK" >"$T/burst/$i.code" 2>"$T/burst/$i.err" &
        i=$((i + 1))
    done
    wait
)
n200=$(cat "$T"/burst/*.code | grep -c '^200$')
eq "burst: 200 replies" "$n200" 200
acked "$T"/burst/*.body >"$T/burst.acked"
cat "$T/burst.acked" >>"$ACKED"
eq "burst: distinct seqs" "$(cut -d' ' -f2 "$T/burst.acked" | sort -u | wc -l | tr -d ' ')" 200
eq "burst: all committed" "$(count_reg)" $((nbefore + 200))

# Graceful stop of an idle server.
stop a "$PID_A"
run verify-after-idle-stop 0 "$E" audit verify --db "$DB"

# Graceful stop with requests in flight, a few rounds (the signal lands at
# a different point of the burst each time): the exit status is 0, every
# reply is a 200, a 503 SHUTTING_DOWN (a request that arrived after the
# signal) or no reply at all, and whatever was acknowledged is kept
# (checked below with the rest).
round=1
while [ "$round" -le 6 ]; do
    start "inflight$round" "$DB" "" || break
    rpid=$SPID
    rdir=$T/inflight$round
    mkdir "$rdir"
    (
        i=1
        while [ "$i" -le 100 ]; do
            curl -sS -o "$rdir/$i.body" -w '%{http_code}\n' \
                -H "Authorization: Bearer $PLAT" --data-binary "$ADULT" \
                "http://127.0.0.1:$PORT$CHECK" >"$rdir/$i.code" 2>/dev/null &
            i=$((i + 1))
        done
        wait
    ) &
    burst=$!
    # Wait for the round's first 1, 5, 10, ... replies, then SIGTERM.
    want=$(( (round - 1) * 5 ))
    [ "$want" -eq 0 ] && want=1
    tries=0
    while [ "$tries" -lt 200 ] &&
        [ "$(cat "$rdir"/*.code 2>/dev/null | grep -c '^200$')" -lt "$want" ]; do
        sleep 0.02
        tries=$((tries + 1))
    done
    failed_before=$fail
    stop "inflight$round" "$rpid"
    wait "$burst"
    acked "$rdir"/*.body >>"$ACKED"
    others=$(cat "$rdir"/*.code | grep -vc -e '^200$' -e '^000$' -e '^503$')
    eq "inflight$round: only 200, 503 or no reply" "$others" 0
    for f in "$rdir"/*.code; do
        if grep -qx 503 "$f" &&
            ! grep -qF '"code":"SHUTTING_DOWN"' "${f%.code}.body"; then
            eq "inflight$round: a 503 is SHUTTING_DOWN" "$(cat "${f%.code}.body")" SHUTTING_DOWN
        fi
    done
    if [ "$fail" -ne "$failed_before" ]; then
        sed 's/^/  inflight stderr: /' "$T/inflight$round.err" | head -5
        break # one failing round tells enough
    fi
    round=$((round + 1))
done

# After the stop: every acknowledged event is in the log, and nothing else.
sqlite3 "$DB" "SELECT id FROM events WHERE type = 'registration.checked'" >"$T/stored"
missing=0
while read -r id _; do
    grep -qxF "$id" "$T/stored" || missing=$((missing + 1))
done <"$ACKED"
eq "acknowledged events missing from the log" "$missing" 0
eq "stored = acknowledged" "$(wc -l <"$T/stored" | tr -d ' ')" "$(wc -l <"$ACKED" | tr -d ' ')"
run verify-after-stop 0 "$E" audit verify --db "$DB" &&
    has verify-after-stop out "ok: $(sqlite3 "$DB" 'SELECT count(*) FROM events') events, chain head"
run export 0 "$E" audit export --db "$DB"
eq "export lines = events" "$(wc -l <"$T/out" | tr -d ' ')" "$(sqlite3 "$DB" 'SELECT count(*) FROM events')"
cp "$T/out" "$T/export"

# No event keeps a birth date or an IIN; the subject is kept.
sqlite3 "$DB" "SELECT id, type, subject, pack_id, pack_version, rules, body FROM events" >"$T/events"
lacks no-pii-birth events '2011-06-01'
lacks no-pii-birth2 events '2006-01-01'
lacks no-pii-iin events "$IIN"
lacks no-pii-export export "$IIN"
lacks no-pii-export-birth export '2011-06-01'
has subject-kept events 'user-42'
has body-shape events '"age_band":"13_15"'
# The raw database files: the same, with the subject as a control.
cat "$DB" "$DB-wal" >"$T/raw" 2>/dev/null
if grep -aqF 'user-42' "$T/raw"; then ok; else bad "raw db lacks the subject (control)"; fi
if grep -aqF -e "$IIN" -e '2011-06-01' "$T/raw"; then bad "raw db holds an IIN or birth date"; else ok; fi

# Restart in enforce mode with a larger body limit: the chain continues.
last=$(sqlite3 "$DB" 'SELECT max(seq) FROM events')
start b "$DB" --enforce-drafts --max-body 100000 || { echo "http: $pass passed, $fail failed"; exit 1; }
PID_B=$SPID
check enforce-kid 200 "Bearer $PLAT" "$KID14" &&
    has enforce-kid body '{"decision":"deny","mode":"enforce","rules":' &&
    lacks enforce-kid body '"advisory"' &&
    has enforce-kid body '"outcome":"deny"' &&
    has enforce-kid body "\"seq\":$((last + 1)),"
check enforce-adult 200 "Bearer $PLAT" "$ADULT" &&
    has enforce-adult body '{"decision":"allow","mode":"enforce"'
check enforce-messenger 200 "Bearer $ADMIN" \
    '{"service":"instant_messaging",'"$AT"',"birth_date":"2011-06-01"}' &&
    has enforce-messenger body '{"decision":"allow","mode":"enforce"' &&
    has enforce-messenger body '"code":"exempt_service"'
metric_is metrics-enforce-deny 'ereje_rule_outcomes_total{rule="kz.draft.min_registration_age",mode="enforce",outcome="deny"}' 1
metric_is metrics-deny 'ereje_registration_decisions_total{decision="deny"}' 1
check max-body-70000 200 "Bearer $PLAT" "@$T/b70000"
check max-body-at-limit 200 "Bearer $PLAT" "@$T/b100000"
err max-body-over 413 BODY_TOO_LARGE "Bearer $PLAT" "@$T/b100001"
err enforce-auditor 403 FORBIDDEN "Bearer $AUDITOR" "$KID14"
stop b "$PID_B"
eq "after restart: stored = acknowledged" "$(count_reg)" "$(wc -l <"$ACKED" | tr -d ' ')"
run verify-after-restart 0 "$E" audit verify --db "$DB"

# SIGTERM while the log is locked by another process: requests wait in the
# committer (A is taken alone, B queues behind it). The server must answer
# 503 (or drop the connection), never 200, and must still exit by itself
# rather than die on a signal.
mkfifo "$T/lockfifo"
sqlite3 "$DB" <"$T/lockfifo" >/dev/null 2>&1 &
SQPID=$!
SERVERS="$SERVERS $SQPID"
exec 7>"$T/lockfifo"
printf '.timeout 10000\nBEGIN IMMEDIATE;\n' >&7
tries=0
while [ "$tries" -lt 100 ] && sqlite3 "$DB" 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; do
    sleep 0.1
    tries=$((tries + 1))
done
nbefore=$(count_reg)
locked=0
if sqlite3 "$DB" 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; then
    bad "locked: could not hold the write lock for the test"
else
    locked=1
fi
[ "$locked" = 1 ] && start locked "$DB" "" && {
    LPID=$SPID
    curl -sS -o "$T/lockA.body" -w '%{http_code}\n' -H "Authorization: Bearer $PLAT" \
        --data-binary "$ADULT" "http://127.0.0.1:$PORT$CHECK" >"$T/lockA.code" 2>/dev/null &
    CA=$!
    sleep 0.5 # let the committer take A alone
    curl -sS -o "$T/lockB.body" -w '%{http_code}\n' -H "Authorization: Bearer $PLAT" \
        --data-binary "$ADULT" "http://127.0.0.1:$PORT$CHECK" >"$T/lockB.code" 2>/dev/null &
    CB=$!
    sleep 0.5
    kill -TERM "$LPID"
    wait "$LPID"
    st=$?
    forget "$LPID"
    wait "$CA" "$CB"
    if [ "$st" -lt 128 ]; then
        ok
    else
        bad "locked: server died on signal $((st - 128)) after SIGTERM (exit $st)"
        sed 's/^/  stderr: /' "$T/locked.err" | head -3
    fi
    eq "locked: A answered 503 or not at all" "$(grep -c -e '^503$' -e '^000$' "$T/lockA.code")" 1
    eq "locked: B answered 503 or not at all" "$(grep -c -e '^503$' -e '^000$' "$T/lockB.code")" 1
}
exec 7>&-
wait "$SQPID"
forget "$SQPID"
eq "locked: nothing recorded" "$(count_reg)" "$nbefore"
run verify-after-locked 0 "$E" audit verify --db "$DB"

# Bad invocations exit 2 before listening.
run listen-garbage 2 "$E" serve --db "$T/x.db" --listen nonsense && has listen-garbage err "--listen"
run listen-no-port 2 "$E" serve --db "$T/x.db" --listen 127.0.0.1
run listen-big-port 2 "$E" serve --db "$T/x.db" --listen 127.0.0.1:70000
run listen-host 2 "$E" serve --db "$T/x.db" --listen localhost:0
run no-db 2 "$E" serve --listen 127.0.0.1:0 && has no-db err "--db"
run max-body-small 2 "$E" serve --db "$T/x.db" --listen 127.0.0.1:0 --max-body 10
run threads-zero 2 "$E" serve --db "$T/x.db" --listen 127.0.0.1:0 --threads 0
run drain-zero 2 "$E" serve --db "$T/x.db" --listen 127.0.0.1:0 --drain-timeout 0
run model-missing 3 "$E" serve --db "$T/x.db" --listen 127.0.0.1:0 --model "$T/no.model" &&
    has model-missing err "serve: --model:" && lacks model-missing err "labelling off"

# A client that sends its body slowly cannot hold a stop forever: after
# --drain-timeout the server closes it unanswered and exits 0 while the
# client is still sending.
DDB=$T/drain.db
DKEY=$("$E" --policy-dir "$SRC/policies" keys create --db "$DDB" --role platform 2>/dev/null |
       sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
if start drain "$DDB" "" --drain-timeout 1; then
    { printf '{"service":'; sleep 30; printf '"other"}'; } 2>/dev/null |
        curl -s -o /dev/null -H "Authorization: Bearer $DKEY" -X POST -T - \
            "http://127.0.0.1:$PORT$CHECK" >/dev/null 2>&1 &
    CPID=$!
    sleep 1 # the headers and the first bytes are in
    stop drain "$SPID"
    if kill -0 "$CPID" 2>/dev/null; then ok; else bad "drain: the server waited for the client"; fi
    kill "$CPID" 2>/dev/null
    has "drain: stderr" drain.err "still incoming after 1 s"
fi

summary
[ "$fail" -eq 0 ]
