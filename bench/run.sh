#!/bin/sh
# `make bench`: the core figures (bench_core.c), then HTTP decisions per
# second with wrk against `ereje serve` (every decision committed to
# SQLite), as a ratio to nginx answering a fixed `return 200` on the same
# machine, in interleaved rounds within this one script. The same rounds
# measure `GET /healthz` (no request body, no key, no decision, no store;
# a small JSON reply): what a cheap route of this server reaches on this
# machine, for reading the decision ratio against. And the same decisions
# against ereje-bench-nostore, a build whose group commit drops the events
# instead of appending them (bench/CMakeLists.txt): the ceiling of the
# decision ratio on this machine, whatever the store did.
# Usage: bench/run.sh BUILD_DIR
set -eu
B=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$B/bench/ereje-bench
E=$B/ereje
OUT=$B/bench.json
ROUNDS=${EJ_BENCH_ROUNDS:-3}
SECS=${EJ_BENCH_SECONDS:-5}

"$BENCH" "$OUT"
"$B/bench/ereje-bench-anon" "$OUT"
"$B/bench/ereje-bench-fp" "$OUT"
sh "$SRC/bench/content.sh" "$B"

T=$(mktemp -d)
NGINX_PID= EREJE_PID= NOSTORE_PID=
cleanup() {
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    [ -n "$EREJE_PID" ] && kill "$EREJE_PID" 2>/dev/null
    [ -n "$NOSTORE_PID" ] && kill "$NOSTORE_PID" 2>/dev/null
    # a server start() launched that did not come up
    [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

free_port() {
    # A random high port that nothing listens on (ss from iproute2).
    while :; do
        p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000 ))
        ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
    done
}

# nginx: a fixed 200 with a small JSON body, two workers (ereje uses two
# request threads).
NPORT=$(free_port)
mkdir -p "$T/nginx/logs"
cat >"$T/nginx/nginx.conf" <<EOT
worker_processes 2;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    server {
        listen 127.0.0.1:$NPORT;
        location / { default_type application/json; return 200 '{"ok":true}'; }
    }
}
EOT
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" &
NGINX_PID=$!

# ereje: a fresh database, a platform key, the shipped packs. start NAME
# PROGRAM starts PROGRAM serve on NAME.db and sets PORT, PID and LUA (the
# wrk script that posts a registration check with NAME's key).
start() {
    key=$("$E" keys create --db "$T/$1.db" --role platform 2>/dev/null |
          sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
    "$2" serve --db "$T/$1.db" --listen 127.0.0.1:0 >"$T/$1.out" 2>&1 &
    PID=$!
    i=0
    while ! grep -q 'listening on' "$T/$1.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 100 ] || { cat "$T/$1.out"; exit 3; }
        sleep 0.1
    done
    PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$T/$1.out")
    LUA=$T/$1.lua
    cat >"$LUA" <<EOT
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
wrk.body = '{"service":"social_network","birth_date":"2010-05-17","at":"2026-11-28T10:00:00+05:00","subject":"bench"}'
EOT
}
start bench "$E"
EREJE_PID=$PID EPORT=$PORT ELUA=$LUA PID=
start nostore "$B/bench/ereje-bench-nostore"
NOSTORE_PID=$PID SPORT=$PORT SLUA=$LUA PID=

# Requests/s from wrk's summary; non-2xx answers make the run invalid.
rate() {
    out=$(wrk -t2 -c64 -d"${SECS}s" "$@")
    if echo "$out" | grep -q 'Non-2xx'; then
        echo "$out" >&2
        echo "bench: non-2xx answers" >&2
        exit 3
    fi
    echo "$out" | awk '/^Requests\/sec:/ { print $2 }'
}

curl -sf "http://127.0.0.1:$NPORT/" >/dev/null
n_list= e_list= r_list= h_list= hr_list= s_list= sr_list=
r=0
while [ $r -lt "$ROUNDS" ]; do
    n=$(rate "http://127.0.0.1:$NPORT/")
    e=$(rate -s "$ELUA" "http://127.0.0.1:$EPORT/v1/registrations/check")
    h=$(rate "http://127.0.0.1:$EPORT/healthz")
    s=$(rate -s "$SLUA" "http://127.0.0.1:$SPORT/v1/registrations/check")
    n_list="$n_list $n"
    e_list="$e_list $e"
    h_list="$h_list $h"
    s_list="$s_list $s"
    sr_list="$sr_list $(awk -v a="$s" -v b="$n" 'BEGIN { printf "%.4f", a / b }')"
    r_list="$r_list $(awk -v a="$e" -v b="$n" 'BEGIN { printf "%.4f", a / b }')"
    hr_list="$hr_list $(awk -v a="$h" -v b="$n" 'BEGIN { printf "%.4f", a / b }')"
    r=$((r + 1))
done
median() { echo "$@" | tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Every answered decision must be in the store: stored/answered >= 1
# (a request whose client left before the reply may be stored too).
before=$(awk '/^ereje_events_committed_total/ { print $2 }' <<EOT
$(curl -s "http://127.0.0.1:$EPORT/metrics")
EOT
)
answered=$(curl -s "http://127.0.0.1:$EPORT/metrics" |
    awk -F' ' '/^ereje_http_requests_total\{route="\/v1\/registrations\/check",method="POST",code="200"\}/ { print $2 }')
kill -TERM "$EREJE_PID"
wait "$EREJE_PID" 2>/dev/null || true
EREJE_PID=
kill -TERM "$NOSTORE_PID"
wait "$NOSTORE_PID" 2>/dev/null || true
NOSTORE_PID=
stored=$("$E" audit export --db "$T/bench.db" | grep -c '"type":"registration.checked"')
"$E" audit verify --db "$T/bench.db" >&2 || { echo "bench: audit chain broken" >&2; exit 3; }

"$BENCH" --append "$OUT" \
    http_nginx_return200 "$(median $n_list)" /s \
    http_registration_decisions "$(median $e_list)" /s \
    http_decisions_vs_nginx "$(median $r_list)" x \
    http_healthz "$(median $h_list)" /s \
    http_healthz_vs_nginx "$(median $hr_list)" x \
    http_decisions_without_store "$(median $s_list)" /s \
    http_decisions_without_store_vs_nginx "$(median $sr_list)" x \
    http_stored_per_answered "$(awk -v a="$stored" -v b="$answered" 'BEGIN { printf "%.4f", a / b }')" x
echo "results written to $OUT ($answered decisions answered, $stored stored; events counter $before)" >&2
