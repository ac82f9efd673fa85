# lib.sh: helpers for the HTTP test scripts (sourced). The sourcing
# script sets E (the ereje binary), SRC (the source tree), T (a temporary
# folder) and SUITE (its name, for the closing line) first.
SERVERS=""
pass=0 fail=0

cleanup() {
    for p in $SERVERS; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in $SERVERS; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { pass=$((pass + 1)); }
bad() {
    echo "FAIL $*"
    fail=$((fail + 1))
}
summary() { echo "$SUITE: $pass passed, $fail failed"; }

# run NAME WANT_STATUS CMD...: runs CMD, stdout in $T/out, stderr in $T/err.
run() {
    name=$1 want=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        bad "$name: exit $got, want $want"
        sed 's/^/  stderr: /' "$T/err" | head -5
        return 1
    fi
    ok
}
# has NAME FILE TEXT: $T/FILE contains the fixed string TEXT.
has() {
    if grep -qF -- "$3" "$T/$2"; then
        ok
    else
        bad "$1: $2 lacks: $3"
        head -c 600 "$T/$2" | sed 's/^/  /'
        echo
    fi
}
# lacks NAME FILE TEXT: $T/FILE does not contain TEXT.
lacks() {
    if grep -qF -- "$3" "$T/$2"; then
        bad "$1: $2 has: $3"
        grep -F -- "$3" "$T/$2" | head -3 | cut -c1-300 | sed 's/^/  /'
    else
        ok
    fi
}
# eq NAME GOT WANT
eq() {
    if [ "$2" = "$3" ]; then
        ok
    else
        bad "$1: got '$2', want '$3'"
    fi
}

# start NAME DB [SERVE_OPTS...]: starts a server on a free port of
# 127.0.0.1 and waits for its first line; sets PORT and SPID.
start() {
    sname=$1 sdb=$2
    shift 2
    "$E" --policy-dir "$SRC/policies" serve --db "$sdb" \
        --listen 127.0.0.1:0 "$@" >"$T/$sname.out" 2>"$T/$sname.err" &
    SPID=$!
    SERVERS="$SERVERS $SPID"
    PORT=
    tries=0
    while [ "$tries" -lt 100 ]; do
        PORT=$(sed -n 's|^ereje: listening on http://127\.0\.0\.1:\([0-9][0-9]*\) (.*|\1|p' "$T/$sname.out" 2>/dev/null)
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
# forget PID: the process has ended; the cleanup need not stop it.
forget() {
    rest=
    for p in $SERVERS; do
        [ "$p" = "$1" ] || rest="$rest $p"
    done
    SERVERS=$rest
}
# stop NAME PID: SIGTERM, then the exit status must be 0.
stop() {
    kill -TERM "$2"
    wait "$2"
    st=$?
    forget "$2"
    eq "$1: exit status after SIGTERM" "$st" 0
    has "$1: stderr" "$1.err" "ereje: SIGTERM: stopping"
}

# call NAME WANT METHOD PATH AUTH [BODY]: one request to the server on
# $PORT. AUTH is a key ("" sends none); BODY is the text to send. The reply
# is in $T/body and its headers in $T/hdr; the status must be WANT.
call() {
    name=$1 want=$2 method=$3 path=$4 auth=$5
    hb=0
    if [ $# -ge 6 ]; then
        hb=1
        printf '%s' "$6" >"$T/req"
    fi
    set -- -sS -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X "$method"
    [ -n "$auth" ] && set -- "$@" -H "Authorization: Bearer $auth"
    [ "$hb" = 1 ] && set -- "$@" --data-binary "@$T/req" \
        -H 'Content-Type: application/json'
    : >"$T/body"
    code=$(curl "$@" "http://127.0.0.1:$PORT$path" 2>"$T/curlerr")
    if [ "$code" != "$want" ]; then
        bad "$name: HTTP $code, want $want"
        head -c 400 "$T/body" | sed 's/^/  /'
        echo
        sed 's/^/  curl: /' "$T/curlerr" | head -2
        return 1
    fi
    ok
}
# err NAME STATUS CODE METHOD PATH AUTH [BODY]: a request that must fail
# with the error CODE.
err() {
    en=$1 es=$2 ec=$3
    shift 3
    call "$en" "$es" "$@" &&
        has "$en" body "{\"error\":{\"code\":\"$ec\",\"message\":\""
}
# field KEY: the string value of KEY in $T/body (a key that occurs once).
field() {
    sed -n 's/.*"'"$1"'":"\([^"]*\)".*/\1/p' "$T/body"
}
