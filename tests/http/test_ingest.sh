#!/bin/sh
# Platform events end to end (docs/EVENTS.md): 'ereje ingest' (every event
# type, every per-line error, idempotent re-ingest), the follower
# threshold and its hysteresis through 'registry export', encrypted
# identity data (export with the key, identity.read records, no plaintext
# in the log or the database file, wrong and loose key files), kill -9 in
# the middle of a large ingest and its resumption, 'report audience',
# 'cases sweep', and the HTTP side: POST /v1/events, the registry and
# account endpoints, roles, and a graceful stop.
# Usage: test_ingest.sh EREJE SOURCE_DIR
set -u
E=$1
SRC=$2
T=$(mktemp -d)
SUITE=ingest
# shellcheck source=tests/http/lib.sh
. "$(dirname "$0")/lib.sh"
finish() {
    summary
    [ "$fail" -eq 0 ]
    exit
}

# ej ARGS...: the binary with the source tree's packs (a function: never
# start it with & -- $! would be the subshell, not the process).
ej() { "$E" --policy-dir "$SRC/policies" "$@"; }

# hasre NAME FILE ERE: a line of $T/FILE matches the extended regex ERE.
hasre() {
    if grep -qE -- "$3" "$T/$2"; then
        ok
    else
        bad "$1: $2 matches no: $3"
        head -c 600 "$T/$2" | sed 's/^/  /'
        echo
    fi
}
# ne NAME GOT NOT_WANT
ne() {
    if [ "$2" != "$3" ]; then
        ok
    else
        bad "$1: got '$2', want anything else"
    fi
}
# lines FILE: the number of lines of $T/FILE.
lines() { wc -l <"$T/$1" | tr -d ' '; }
# q DB SQL: one sqlite3 query.
q() { sqlite3 "$1" "$2"; }
# ntype DB TYPE: events of TYPE in DB.
ntype() { q "$1" "SELECT count(*) FROM events WHERE type = '$2'"; }
# nev DB: events in DB.
nev() { q "$1" 'SELECT count(*) FROM events'; }
# chain_head DB: the head printed by 'audit verify' (empty when not ok).
chain_head() {
    "$E" audit verify --db "$1" 2>/dev/null | sed -n 's/^ok: .*chain head \([0-9a-f]*\).*/\1/p'
}
# verify NAME DB: 'audit verify' is ok and counts every event of DB.
verify() {
    run "$1" 0 "$E" audit verify --db "$2" &&
        has "$1" out "ok: $(nev "$2") events, chain head "
}
# raw_count DB TEXT: lines of the raw database file and its WAL holding
# TEXT (bytes, not rows: what a copy of the files would give away).
raw_count() {
    cat "$1" "$1-wal" 2>/dev/null | grep -a -c -F -- "$2"
}

IIN1=900101300186
NAME1='Айгерим Сейткали'
CONTACT1='+7 701 000 00 00'
IIN2=880515400018
NAME2='Бауыржан Тестов'
CONTACT2='b.testov@example.kz'
IDENT1='{"iin":"'$IIN1'","name":"'$NAME1'","contact":"'$CONTACT1'"}'
IDENT2='{"iin":"'$IIN2'","name":"'$NAME2'","contact":"'$CONTACT2'"}'
DUE='2026-04-07T19:00:00Z'     # 10 working days from 2026-03-19 (kz.5day)
OPENED='2026-03-19T05:00:00Z'  # 2026-03-19T10:00:00+05:00
X19='"at":"2026-03-19T10:00:00+05:00"'
ESC='"actions":["limit_reach","suspend_monetization","report_to_authority"]'

# ---------------------------------------------------------------------
# 1. CLI ingest: every event type, every kind of bad line.
DB1=$T/cli.db
cat >"$T/mixed.jsonl" <<EOF
{"id":"c-reg","type":"account.registered","account":"a1","service":"social_network","at":"2026-03-01T10:00:00+05:00"}
{"id":"c-f1","type":"account.followers","account":"a1","followers":5001,"kz_share":0.82,$X19}
not json
{"id":"c-neg","type":"account.followers","account":"a2","followers":-1,$X19}
{"id":"c-frac","type":"account.followers","account":"a2","followers":5000.5,$X19}
{"id":"c-unk","type":"account.renamed","account":"a2",$X19}

{"id":"c-noacc","type":"account.followers","followers":10,$X19}
{"id":"c-idk","type":"account.identity","account":"a1","status":"submitted","method":"egov","identity":$IDENT1,"at":"2026-03-20T10:00:00+05:00"}
{"id":"c-not","type":"account.notified","account":"a1","at":"2026-03-19T10:05:00+05:00"}
{"id":"c-rej","type":"account.identity","account":"a3","status":"rejected","method":"document","at":"2026-03-19T11:00:00+05:00"}
{"id":"c-clo","type":"account.closed","account":"a4","at":"2026-03-19T12:00:00+05:00"}
{"id":"c-aud","type":"audience.daily","date":"2026-03-18","users_kz":104213,"at":"2026-03-19T00:10:00+05:00"}
EOF
run ingest-mixed 1 ej ingest --db "$DB1" "$T/mixed.jsonl"
eq "ingest-mixed: summary" "$(cat "$T/out")" \
    '{"lines":13,"accepted":6,"duplicates":0,"rejected":6,"transitions":2}'
cp "$T/err" "$T/mixed.err"
eq "ingest-mixed: stderr lines" "$(lines mixed.err)" 6
eq "ingest-mixed: 'line N:' lines" "$(grep -c '^line [0-9][0-9]*: [A-Z_][A-Z_]*: .' "$T/mixed.err")" 6
has ingest-mixed mixed.err 'line 3: BAD_JSON: '
has ingest-mixed mixed.err 'line 4: FIELD_VALUE: followers must be 0 to 4,000,000,000'
has ingest-mixed mixed.err 'line 5: FIELD_TYPE: followers must be an integer'
has ingest-mixed mixed.err "line 6: UNKNOWN_TYPE: type 'account.renamed'"
has ingest-mixed mixed.err 'line 8: FIELD_MISSING: account is required'
has ingest-mixed mixed.err 'line 9: IDENTITY_KEY_MISSING: '
lacks ingest-mixed mixed.err "$IIN1"
eq "ingest-mixed: events stored" "$(nev "$DB1")" 8
eq "ingest-mixed: stored ids" \
    "$(q "$DB1" "SELECT id FROM events" | sort | tr '\n' ' ')" \
    'c-aud c-clo c-f1 c-f1#case c-not c-not#case c-reg c-rej '
eq "ingest-mixed: transitions follow their causes" \
    "$(q "$DB1" "SELECT c.type FROM events c JOIN events e ON c.id = e.id || '#case' WHERE c.seq > e.seq ORDER BY c.id" | tr '\n' ' ')" \
    'case.opened case.notified '
run export-1 0 "$E" audit export --db "$DB1"
cp "$T/out" "$T/export1"
eq "export-1 lines" "$(lines export1)" 8
lacks export-1 export1 "$IIN1"
lacks export-1 export1 "$NAME1"
has export-1 export1 '"to":"opened","cause":"account.followers","mode":"shadow","measure":5001,"threshold":5000,"due":"'$DUE'"'
HEAD1=$(chain_head "$DB1")
ne "chain head after the first ingest" "$HEAD1" ""

# The same file again: every valid line is a duplicate, nothing changes.
run ingest-again 1 ej ingest --db "$DB1" "$T/mixed.jsonl"
eq "ingest-again: summary" "$(cat "$T/out")" \
    '{"lines":13,"accepted":0,"duplicates":6,"rejected":6,"transitions":0}'
eq "ingest-again: same stderr" "$(cat "$T/err")" "$(cat "$T/mixed.err")"
run export-2 0 "$E" audit export --db "$DB1"
eq "ingest-again: export lines unchanged" "$(lines out)" 8
eq "ingest-again: chain head unchanged" "$(chain_head "$DB1")" "$HEAD1"
verify verify-1 "$DB1"
run registry-1 0 ej registry export --db "$DB1" --at 2026-03-21T00:00:00+05:00
eq "registry-1: line" "$(cat "$T/out")" \
    '{"account":"a1","followers":5001,"case_state":"notified","deadline":"'$DUE'","opened_at":"'$OPENED'","identity_status":"none"}'

# A clean file from stdin exits 0.
printf '%s\n' '{"id":"c-f2","type":"account.followers","account":"a5","followers":12,'"$X19"'}' \
    '{"id":"c-reg5","type":"account.registered","account":"a5","service":"online_game",'"$X19"'}' >"$T/clean.jsonl"
run ingest-stdin 0 ej ingest --db "$DB1" - <"$T/clean.jsonl" &&
    eq "ingest-stdin: summary" "$(cat "$T/out")" \
        '{"lines":2,"accepted":2,"duplicates":0,"rejected":0,"transitions":0}'
eq "ingest-stdin: events" "$(nev "$DB1")" 10
run ingest-batch-0 2 ej ingest --db "$DB1" --batch 0 "$T/clean.jsonl"
run ingest-batch-big 2 ej ingest --db "$DB1" --batch 10001 "$T/clean.jsonl"
run ingest-no-db 2 ej ingest "$T/clean.jsonl"
run ingest-no-file 3 ej ingest --db "$DB1" "$T/nope.jsonl"
eq "usage errors record nothing" "$(nev "$DB1")" 10

# ---------------------------------------------------------------------
# 2. The threshold (more than 5,000), verified and closed accounts, and
# the 90-day hysteresis counted in local (Asia/Almaty) dates.
DB2=$T/threshold.db
cat >"$T/thr.jsonl" <<EOF
{"id":"t1","type":"account.followers","account":"t5000","followers":5000,$X19}
{"id":"t2","type":"account.followers","account":"t5001","followers":5001,$X19}
{"id":"t3","type":"account.followers","account":"tver","followers":9000,$X19}
{"id":"t4","type":"account.identity","account":"tver","status":"verified","method":"digital_signature","at":"2026-03-20T10:00:00+05:00"}
{"id":"t5","type":"account.followers","account":"tclosed","followers":9000,$X19}
{"id":"t6","type":"account.closed","account":"tclosed","at":"2026-03-20T10:00:00+05:00"}
{"id":"t7","type":"account.followers","account":"thyst","followers":6000,"at":"2026-03-02T10:00:00+05:00"}
{"id":"t8","type":"account.followers","account":"thyst","followers":4000,"at":"2026-04-01T00:30:00+05:00"}
{"id":"t9","type":"account.followers","account":"t5001","followers":100,"at":"2026-03-18T10:00:00+05:00"}
{"id":"t10","type":"account.followers","account":"tver","followers":20000,"at":"2026-03-25T10:00:00+05:00"}
{"id":"t11","type":"account.followers","account":"tclosed","followers":20000,"at":"2026-03-25T10:00:00+05:00"}
EOF
run ingest-thr 0 ej ingest --db "$DB2" "$T/thr.jsonl" &&
    eq "ingest-thr: summary" "$(cat "$T/out")" \
        '{"lines":11,"accepted":11,"duplicates":0,"rejected":0,"transitions":6}'
# reg AT: the registry at AT into $T/reg (it must exit 0).
reg() {
    : >"$T/reg"
    run "registry --at $1" 0 ej registry export --db "$DB2" --at "$1" &&
        cp "$T/out" "$T/reg"
}
reg 2026-03-26T00:00:00+05:00
eq "registry: accounts listed" "$(sed 's/^{"account":"\([^"]*\)".*/\1/' "$T/reg" | tr '\n' ' ')" "t5001 thyst "
has "registry: 5001" reg \
    '{"account":"t5001","followers":5001,"case_state":"opened","deadline":"'$DUE'","opened_at":"'$OPENED'","identity_status":"none"}'
lacks "registry: 5000 is not more than 5000" reg '"t5000"'
lacks "registry: verified" reg '"tver"'
lacks "registry: closed" reg '"tclosed"'
eq "verified case" "$(q "$DB2" "SELECT type FROM events WHERE id = 't4#case'")" case.verified
eq "closed case" "$(q "$DB2" "SELECT type FROM events WHERE id = 't6#case'")" case.closed
eq "no case for 5000" "$(q "$DB2" "SELECT count(*) FROM events WHERE subject = 't5000' AND type LIKE 'case.%'")" 0
run registry-csv 0 ej registry export --db "$DB2" --at 2026-03-26T00:00:00+05:00 --format csv
eq "registry-csv: header" "$(head -n 1 "$T/out")" 'account,followers,case_state,deadline,opened_at,identity_status'
has registry-csv out "t5001,5001,opened,$DUE,$OPENED,none"
eq "registry-csv: lines" "$(lines out)" 3
# thyst fell to 4,000 on local 2026-04-01 (2026-03-31 in UTC): listed on
# the 89th day after, gone on the 90th.
reg 2026-04-01T12:00:00+05:00 && has "hysteresis: the day of the drop" reg '"account":"thyst"'
reg 2026-06-29T23:59:59+05:00 && has "hysteresis: 89 days later" reg '"account":"thyst","followers":4000'
reg 2026-06-30T00:00:00+05:00 && lacks "hysteresis: 90 days later" reg '"thyst"'
has "hysteresis: 90 days later, control" reg '"account":"t5001"'
reg 2026-06-29T18:59:59Z && has "hysteresis: 89 days later (UTC instant)" reg '"thyst"'
reg 2026-06-29T19:00:00Z && lacks "hysteresis: 90 days later (UTC instant)" reg '"thyst"' &&
    has "hysteresis: 90 days later (UTC instant), control" reg '"account":"t5001"'
# A count on the 90th day takes it out for good, closing the case.
printf '%s\n' '{"id":"t12","type":"account.followers","account":"thyst","followers":4500,"at":"2026-06-30T10:00:00+05:00"}' >"$T/thr2.jsonl"
run ingest-thr2 0 ej ingest --db "$DB2" "$T/thr2.jsonl" &&
    eq "ingest-thr2: summary" "$(cat "$T/out")" \
        '{"lines":1,"accepted":1,"duplicates":0,"rejected":0,"transitions":1}'
eq "hysteresis: case closed" "$(q "$DB2" "SELECT type FROM events WHERE id = 't12#case'")" case.closed
reg 2026-06-01T00:00:00+05:00 && lacks "hysteresis: left the registry" reg '"thyst"' &&
    has "hysteresis: left the registry, control" reg '"account":"t5001"'
run registry-bad-at 2 ej registry export --db "$DB2" --at 2026-06-01
verify verify-2 "$DB2"

# ---------------------------------------------------------------------
# 3. Identity data: encrypted at rest, read back only with the key, each
# read recorded, never in the log or the database file in the clear.
K1=$T/k1.key
run keys-init 0 "$E" keys init --key-file "$K1" &&
    hasre keys-init out '"key_id":"[0-9a-f]{16}"'
K1ID=$(sed -n 's/.*"key_id":"\([0-9a-f]*\)".*/\1/p' "$T/out")
# shellcheck disable=SC2012 # the mode column of ls is the point
eq "keys init: mode 0600" "$(ls -l "$K1" | cut -c1-10)" '-rw-------'
K1TEXT=$(cat "$K1")
run keys-init-again 2 "$E" keys init --key-file "$K1"
eq "keys init: not overwritten" "$(cat "$K1")" "$K1TEXT"
DB3=$T/identity.db
cat >"$T/id.jsonl" <<EOF
{"id":"p1f","type":"account.followers","account":"acct-one","followers":7000,$X19}
{"id":"p1i","type":"account.identity","account":"acct-one","status":"submitted","method":"egov","identity":$IDENT1,"at":"2026-03-20T10:00:00+05:00"}
{"id":"p2f","type":"account.followers","account":"acct-two","followers":8000,$X19}
{"id":"p2i","type":"account.identity","account":"acct-two","status":"submitted","method":"digital_signature","identity":$IDENT2,"at":"2026-03-20T11:00:00+05:00"}
{"id":"p3f","type":"account.followers","account":"acct-three","followers":9000,$X19}
{"id":"p0f","type":"account.followers","account":"acct-0","followers":6000,$X19}
{"id":"p0i","type":"account.identity","account":"acct-0","status":"rejected","method":"document","at":"2026-03-20T12:00:00+05:00"}
{"id":"pbad","type":"account.identity","account":"acct-bad","status":"submitted","method":"egov","identity":{"iin":"900101300187","name":"X","contact":"y"},"at":"2026-03-20T12:00:00+05:00"}
EOF
run ingest-id 1 ej ingest --db "$DB3" --key-file "$K1" "$T/id.jsonl" &&
    eq "ingest-id: summary" "$(cat "$T/out")" \
        '{"lines":8,"accepted":7,"duplicates":0,"rejected":1,"transitions":7}'
eq "ingest-id: stderr lines" "$(lines err)" 1
has ingest-id err 'line 8: IDNUM_CHECKSUM: '
lacks ingest-id err "$IIN1"
eq "identity rows" "$(q "$DB3" 'SELECT count(*) FROM identities')" 3
eq "identity rows with ciphertext" "$(q "$DB3" 'SELECT count(*) FROM identities WHERE ciphertext IS NOT NULL AND iin_hash IS NOT NULL')" 2
R0=$(ntype "$DB3" identity.read)
eq "no identity.read before an export" "$R0" 0

# reads ACCOUNT: identity.read events naming ACCOUNT in DB3.
reads() { q "$DB3" "SELECT count(*) FROM events WHERE type = 'identity.read' AND subject = '$1'"; }
AT3=2026-03-21T00:00:00+05:00
run export-identity 0 ej registry export --db "$DB3" --at "$AT3" --include-identity --key-file "$K1"
cp "$T/out" "$T/idjson"
eq "export-identity: accounts" "$(sed 's/^{"account":"\([^"]*\)".*/\1/' "$T/idjson" | tr '\n' ' ')" \
    "acct-0 acct-one acct-three acct-two "
has export-identity idjson '{"account":"acct-one","followers":7000,"case_state":"submitted","deadline":"'$DUE'","opened_at":"'$OPENED'","identity_status":"submitted","iin":"'$IIN1'","name":"'"$NAME1"'","contact":"'"$CONTACT1"'","method":"egov"}'
has export-identity idjson '"account":"acct-two","followers":8000,"case_state":"submitted"'
has export-identity idjson '"iin":"'$IIN2'","name":"'"$NAME2"'","contact":"'"$CONTACT2"'","method":"digital_signature"}'
has export-identity idjson '{"account":"acct-three","followers":9000,"case_state":"opened","deadline":"'$DUE'","opened_at":"'$OPENED'","identity_status":"none","iin":null,"name":null,"contact":null,"method":null}'
# (acct-0 is listed with an identity status, rejected, but without
# identity data: there is nothing to read, so no read to record.)
eq "export-identity: identity.read of the others" \
    "$(q "$DB3" "SELECT count(*) FROM events WHERE type = 'identity.read' AND subject != 'acct-0'")" 2
eq "export-identity: read of acct-one" "$(reads acct-one)" 1
eq "export-identity: read of acct-two" "$(reads acct-two)" 1
eq "export-identity: no read of acct-three (no identity data)" "$(reads acct-three)" 0
eq "export-identity: no read of acct-0 (a rejection without identity data)" "$(reads acct-0)" 0
q "$DB3" "SELECT body FROM events WHERE type = 'identity.read' AND subject = 'acct-one'" >"$T/readbody"
has identity-read-body readbody '{"account":"acct-one","reader":"cli:'
has identity-read-body readbody '"key_id":"'"$K1ID"'","purpose":"registry export"}'
lacks identity-read-body readbody "$IIN1"
R1=$(ntype "$DB3" identity.read)
R1_0=$(reads acct-0)
run export-identity-csv 0 ej registry export --db "$DB3" --at "$AT3" --format csv --include-identity --key-file "$K1"
cp "$T/out" "$T/idcsv"
eq "export-identity-csv: header" "$(head -n 1 "$T/idcsv")" \
    'account,followers,case_state,deadline,opened_at,identity_status,iin,name,contact,method'
# The contact starts with '+': a spreadsheet formula guard quotes it.
has export-identity-csv idcsv "acct-one,7000,submitted,$DUE,$OPENED,submitted,$IIN1,$NAME1,'$CONTACT1,egov"
has export-identity-csv idcsv "acct-two,8000,submitted,$DUE,$OPENED,submitted,$IIN2,$NAME2,$CONTACT2,digital_signature"
has export-identity-csv idcsv "acct-three,9000,opened,$DUE,$OPENED,none,,,,"
eq "export-identity-csv: lines" "$(lines idcsv)" 5
eq "export-identity-csv: a read each of acct-one and acct-two" \
    "$(($(ntype "$DB3" identity.read) - $(reads acct-0)))" $((R1 - R1_0 + 2))
eq "export-identity-csv: no read of acct-0" "$(reads acct-0)" "$R1_0"
R2=$(ntype "$DB3" identity.read)
run export-plain 0 ej registry export --db "$DB3" --at "$AT3"
eq "export-plain: accounts" "$(lines out)" 4
lacks export-plain out "$IIN1"
lacks export-plain out '"iin"'
eq "export-plain: no identity.read" "$(ntype "$DB3" identity.read)" "$R2"
run export-no-key 2 ej registry export --db "$DB3" --at "$AT3" --include-identity
eq "export-no-key: no identity.read" "$(ntype "$DB3" identity.read)" "$R2"

# Nothing of the identity data in the log or the raw database files.
run export-3 0 "$E" audit export --db "$DB3"
cp "$T/out" "$T/export3"
for s in "$IIN1" "$NAME1" "$CONTACT1" "$IIN2" "$NAME2" "$CONTACT2" 900101300187; do
    lacks "audit export: no identity data" export3 "$s"
done
eq "audit export: identity events keep the IIN's keyed hash" \
    "$(grep -c '"iin_hash":"[0-9a-f]\{64\}"' "$T/export3")" 2
eq "audit export: identity events say there was identity data" \
    "$(grep -c '"identity_data":true' "$T/export3")" 2
has "audit export: the method is kept" export3 '"method":"digital_signature"'
eq "raw db: control (an account id is there)" "$([ "$(raw_count "$DB3" acct-three)" -gt 0 ] && echo yes)" yes
for s in "$IIN1" "$NAME1" "$CONTACT1" "$IIN2" "$NAME2" "$CONTACT2"; do
    eq "raw db: lines with '$s'" "$(raw_count "$DB3" "$s")" 0
done

# A wrong key (another 'keys init'): the export fails, names the key, and
# records nothing.
K2=$T/k2.key
run keys-init-2 0 "$E" keys init --key-file "$K2"
ne "two keys, two key ids" "$(sed -n 's/.*"key_id":"\([0-9a-f]*\)".*/\1/p' "$T/out")" "$K1ID"
N3=$(nev "$DB3")
ej registry export --db "$DB3" --at "$AT3" --include-identity --key-file "$K2" >"$T/out" 2>"$T/err"
st=$?
ne "wrong key: exit status" "$st" 0
has "wrong key: message" err 'key'
lacks "wrong key: no data" out "$IIN1"
lacks "wrong key: no data" out "$NAME2"
eq "wrong key: no read of acct-one" "$(reads acct-one)" 2
eq "wrong key: no event at all" "$(nev "$DB3")" "$N3"
# A key file readable by others is refused before anything happens.
K644=$T/k644.key
cp "$K1" "$K644"
chmod 644 "$K644"
N3=$(nev "$DB3")
run loose-key-export 2 ej registry export --db "$DB3" --at "$AT3" --include-identity --key-file "$K644" &&
    has loose-key-export err 'group or others'
lacks loose-key-export out "$IIN1"
printf '%s\n' '{"id":"p4i","type":"account.identity","account":"acct-three","status":"submitted","method":"egov","identity":'"$IDENT1"',"at":"2026-03-22T10:00:00+05:00"}' >"$T/id2.jsonl"
run loose-key-ingest 2 ej ingest --db "$DB3" --key-file "$K644" "$T/id2.jsonl"
chmod 640 "$K644"
run group-key-ingest 2 ej ingest --db "$DB3" --key-file "$K644" "$T/id2.jsonl"
eq "loose keys record nothing" "$(nev "$DB3")" "$N3"
chmod 644 "$K644"
# The service refuses it too (exit 2, before listening).
"$E" --policy-dir "$SRC/policies" serve --db "$T/loose.db" --listen 127.0.0.1:0 --key-file "$K644" >"$T/loose.out" 2>"$T/loose.err" &
LPID=$!
SERVERS="$SERVERS $LPID"
tries=0
while [ "$tries" -lt 100 ] && kill -0 "$LPID" 2>/dev/null; do
    sleep 0.1
    tries=$((tries + 1))
done
if kill -0 "$LPID" 2>/dev/null; then
    bad "serve with a loose key file is still running"
    kill -TERM "$LPID"
fi
wait "$LPID"
eq "serve with a loose key file: exit status" "$?" 2
forget "$LPID"
has "serve with a loose key file: message" loose.err 'group or others'
lacks "serve with a loose key file: never listened" loose.out 'listening'
verify verify-3 "$DB3"

# ---------------------------------------------------------------------
# 4. kill -9 during a large ingest, then the same file again: every event
# exactly once, the folded state as if it had run once.
DB4=$T/bulk.db
printf '%s\n' '{"id":"pre-1","type":"account.registered","account":"pre","service":"other",'"$X19"'}' >"$T/pre.jsonl"
run bulk-pre 0 ej ingest --db "$DB4" "$T/pre.jsonl"
# 200,000 counts for 2,000 accounts, all on one day; the 200 accounts
# b0, b10, ..., b1990 go over 5,000 in the second half.
awk 'BEGIN { for (n = 1; n <= 200000; n++) {
    f = (n % 10 == 0 && n > 100000) ? 6000 : 100
    printf "{\"id\":\"bulk-%d\",\"type\":\"account.followers\",\"account\":\"b%d\",\"followers\":%d,\"at\":\"2026-05-04T10:00:00+05:00\"}\n", n, n % 2000, f } }' >"$T/bulk.jsonl"
NIDS=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' "$T/bulk.jsonl" | sort -u | wc -l | tr -d ' ')
eq "bulk file: distinct ids" "$NIDS" 200000
eq "bulk file: lines" "$(lines bulk.jsonl)" 200000
BULKQ="SELECT count(*) FROM events WHERE substr(id, 1, 5) = 'bulk-' AND type = 'account.followers'"
"$E" --policy-dir "$SRC/policies" ingest --db "$DB4" --batch 1000 "$T/bulk.jsonl" >"$T/bulk1.out" 2>"$T/bulk1.err" &
BPID=$!
SERVERS="$SERVERS $BPID"
tries=0
nb=0
while [ "$tries" -lt 1200 ]; do
    nb=$(q "$DB4" "$BULKQ" 2>/dev/null)
    [ "${nb:-0}" -gt 0 ] && break
    kill -0 "$BPID" 2>/dev/null || break
    sleep 0.05
    tries=$((tries + 1))
done
if kill -9 "$BPID" 2>/dev/null; then
    ok
else
    bad "bulk: the ingest ended before it could be killed"
fi
wait "$BPID" 2>/dev/null # (without the shell's "Killed")
eq "bulk: killed by SIGKILL" "$?" 137
forget "$BPID"
NK=$(q "$DB4" "$BULKQ")
if [ "$NK" -gt 0 ] && [ "$NK" -lt 200000 ]; then
    ok
else
    bad "bulk: $NK of 200000 events stored at the kill, want some but not all"
fi
eq "bulk: whole batches only (stored % 1000)" $((NK % 1000)) 0
eq "bulk: the killed run printed no summary" "$(cat "$T/bulk1.out")" ""
eq "bulk: integrity after the kill" "$(q "$DB4" 'PRAGMA integrity_check')" ok
verify bulk-verify-killed "$DB4"
NO=$(q "$DB4" "SELECT count(*) FROM events WHERE substr(id, 1, 5) = 'bulk-' AND type = 'case.opened'")
run bulk-resume 0 ej ingest --db "$DB4" --batch 1000 "$T/bulk.jsonl" &&
    eq "bulk-resume: summary" "$(cat "$T/out")" \
        "{\"lines\":200000,\"accepted\":$((200000 - NK)),\"duplicates\":$NK,\"rejected\":0,\"transitions\":$((200 - NO))}"
eq "bulk: every event exactly once" \
    "$(q "$DB4" "SELECT count(*) || ' ' || count(DISTINCT id) FROM events WHERE substr(id, 1, 5) = 'bulk-' AND type = 'account.followers'")" \
    "$NIDS $NIDS"
eq "bulk: every case opened exactly once" \
    "$(q "$DB4" "SELECT count(*) || ' ' || count(DISTINCT subject) FROM events WHERE type = 'case.opened'")" \
    "200 200"
eq "bulk: nothing else" "$(nev "$DB4")" $((1 + 200000 + 200))
eq "bulk: accounts" "$(q "$DB4" "SELECT count(*) FROM accounts WHERE substr(id, 1, 1) = 'b'")" 2000
run bulk-registry 0 ej registry export --db "$DB4" --at 2026-05-05T00:00:00+05:00
eq "bulk: registry" "$(lines out)" 200
has bulk-registry out '{"account":"b10","followers":6000,"case_state":"opened"'
lacks bulk-registry out '"account":"b1",'
verify bulk-verify "$DB4"
rm -f "$T/bulk.jsonl"

# ---------------------------------------------------------------------
# 5. report audience: more than 100,000 on average, compared exactly.
DB5=$T/audience.db
# Each day is reported the next morning: the date decides the month (the
# report of 2026-04-30 comes on 2026-05-01).
awk 'BEGIN { for (d = 1; d <= 30; d++) {
    at = d < 30 ? sprintf("2026-04-%02d", d + 1) : "2026-05-01"
    printf "{\"id\":\"aud-04-%02d\",\"type\":\"audience.daily\",\"date\":\"2026-04-%02d\",\"users_kz\":100000,\"at\":\"%sT10:00:00+05:00\"}\n", d, d, at } }' >"$T/aud.jsonl"
cat >>"$T/aud.jsonl" <<'EOF'
{"id":"aud-05-10","type":"audience.daily","date":"2026-05-10","users_kz":100000,"at":"2026-05-11T00:10:00+05:00"}
{"id":"aud-05-11","type":"audience.daily","date":"2026-05-11","users_kz":100001,"at":"2026-05-12T00:10:00+05:00"}
{"id":"aud-bad","type":"audience.daily","date":"2026-05-12","users_kz":100000.5,"at":"2026-05-13T00:10:00+05:00"}
{"id":"aud-bad2","type":"audience.daily","date":"2026-05-32","users_kz":100000,"at":"2026-05-13T00:10:00+05:00"}
EOF
run ingest-aud 1 ej ingest --db "$DB5" "$T/aud.jsonl" &&
    eq "ingest-aud: summary" "$(cat "$T/out")" \
        '{"lines":34,"accepted":32,"duplicates":0,"rejected":2,"transitions":0}'
has ingest-aud err 'line 33: FIELD_TYPE: '
has ingest-aud err 'line 34: '
run report-april 0 ej report audience --db "$DB5" --month 2026-04 &&
    eq "report-april" "$(cat "$T/out")" \
        '{"month":"2026-04","days_in_month":30,"days_reported":30,"complete":true,"sum":3000000,"average":100000,"threshold":100000,"exceeds":false,"rule":"kz.18viii.legal_representative"}'
run report-may 0 ej report audience --db "$DB5" --month 2026-05 &&
    eq "report-may" "$(cat "$T/out")" \
        '{"month":"2026-05","days_in_month":31,"days_reported":2,"complete":false,"sum":200001,"average":100000,"threshold":100000,"exceeds":true,"rule":"kz.18viii.legal_representative"}'
run report-june 0 ej report audience --db "$DB5" --month 2026-06 &&
    has report-june out '"days_in_month":30,"days_reported":0,"complete":false,"sum":0,' &&
    has report-june out '"exceeds":false'
run report-feb 0 ej report audience --db "$DB5" --month 2028-02 &&
    has report-feb out '"days_in_month":29,'
for m in 2026-13 2026-4 26-04 2026-04-01 2026-00 april ''; do
    run "report-bad-month '$m'" 2 ej report audience --db "$DB5" --month "$m"
done
run report-no-month 2 ej report audience --db "$DB5"
run report-bad-sub 2 ej report visitors --db "$DB5" --month 2026-04

# ---------------------------------------------------------------------
# 6. cases sweep: overdue open cases escalate once; submitted ones never;
# a rejection gives a fresh deadline.
DB6=$T/sweep.db
cat >"$T/sweep.jsonl" <<EOF
{"id":"s1","type":"account.followers","account":"s-open","followers":5001,$X19}
{"id":"s2","type":"account.followers","account":"s-sub","followers":5001,$X19}
{"id":"s3","type":"account.identity","account":"s-sub","status":"submitted","method":"egov","identity":{"iin":"950203500122","name":"Test Person","contact":"t@example.kz"},"at":"2026-03-20T10:00:00+05:00"}
{"id":"s4","type":"account.followers","account":"s-below","followers":5000,$X19}
{"id":"s5","type":"account.followers","account":"s-rej","followers":5001,$X19}
{"id":"s6","type":"account.identity","account":"s-rej","status":"rejected","method":"egov","at":"2026-04-06T10:00:00+05:00"}
EOF
run ingest-sweep 0 ej ingest --db "$DB6" --key-file "$K1" "$T/sweep.jsonl"
run sweep-registry 0 ej registry export --db "$DB6" --at 2026-04-07T00:00:00+05:00
REJ_DUE=$(sed -n 's/.*"account":"s-rej".*"deadline":"\([^"]*\)".*/\1/p' "$T/out")
eq "rejection: a fresh deadline (10 working days from 2026-04-06)" "$REJ_DUE" 2026-04-20T19:00:00Z
run sweep-before 0 ej cases sweep --db "$DB6" --at 2026-04-07T18:59:59Z &&
    eq "sweep-before" "$(cat "$T/out")" '{"escalated":0,"deadline_unknown":0}'
eq "sweep-before: no event" "$(ntype "$DB6" case.escalated)" 0
run sweep-after 0 ej cases sweep --db "$DB6" --at 2026-04-08T00:00:01+05:00 &&
    eq "sweep-after" "$(cat "$T/out")" '{"escalated":1,"deadline_unknown":0}'
eq "sweep-after: the opened case" \
    "$(q "$DB6" "SELECT group_concat(subject) FROM events WHERE type = 'case.escalated'")" s-open
q "$DB6" "SELECT body FROM events WHERE type = 'case.escalated' AND subject = 's-open'" >"$T/escbody"
has sweep-after escbody '{"account":"s-open","case_state":"opened","due":"'$DUE'","mode":"shadow",'"$ESC"'}'
eq "sweep-after: rules" "$(q "$DB6" "SELECT rules || ' ' || pack_id FROM events WHERE type = 'case.escalated'")" \
    '["kz.draft.anonymous_identification"] kz.draft-2025'
run sweep-again 0 ej cases sweep --db "$DB6" --at 2026-04-08T00:00:02+05:00 &&
    eq "sweep-again" "$(cat "$T/out")" '{"escalated":0,"deadline_unknown":0}'
run sweep-rejected 0 ej cases sweep --db "$DB6" --at 2026-06-01T00:00:00+05:00 &&
    eq "sweep-rejected: past the fresh deadline" "$(cat "$T/out")" '{"escalated":1,"deadline_unknown":0}'
q "$DB6" "SELECT body FROM events WHERE type = 'case.escalated' AND subject = 's-rej'" >"$T/escbody"
has sweep-rejected escbody '{"account":"s-rej","case_state":"rejected","due":"'"$REJ_DUE"'","mode":"shadow",'"$ESC"'}'
run sweep-late 0 ej cases sweep --db "$DB6" --at 2026-12-31T00:00:00+05:00 &&
    eq "sweep-late" "$(cat "$T/out")" '{"escalated":0,"deadline_unknown":0}'
eq "submitted case never escalated" \
    "$(q "$DB6" "SELECT count(*) FROM events WHERE type = 'case.escalated' AND subject IN ('s-sub', 's-below')")" 0
eq "escalations in all" "$(ntype "$DB6" case.escalated)" 2
run sweep-bad-at 2 ej cases sweep --db "$DB6" --at yesterday
run sweep-no-db 2 ej cases sweep --at 2026-04-08T00:00:00Z
verify verify-6 "$DB6"

# ---------------------------------------------------------------------
# 7. HTTP.
DB7=$T/http.db
# nev7: events in DB7 but the service's own escalations (it sweeps
# overdue cases every minute: their number depends on timing).
nev7() { q "$DB7" "SELECT count(*) FROM events WHERE type != 'case.escalated'"; }
# key ROLE: creates a key in $DB7, prints "KEY_ID KEY".
key() {
    ej keys create --db "$DB7" --role "$1" --label "ingest-$1" 2>/dev/null |
        sed -n 's/^{"id":"\([0-9a-f]*\)".*"key":"\(ejk_[0-9a-f]\{64\}\)".*/\1 \2/p'
}
PLAT=$(key platform | cut -d' ' -f2)
AUDITOR=$(key auditor | cut -d' ' -f2)
MODERATOR=$(key moderator | cut -d' ' -f2)
ADMINLINE=$(key admin)
ADMIN=${ADMINLINE#* }
ADMIN_ID=${ADMINLINE%% *}
for k in "$PLAT" "$AUDITOR" "$MODERATOR" "$ADMIN"; do
    case $k in
    ejk_????????????????????????????????????????????????????????????????) ok ;;
    *) bad "keys create: no key parsed ($k)" ;;
    esac
done

# stop NAME PID: SIGTERM, then the exit status must be 0 (this suite's
# own: it does not check the server's stderr).
stop() {
    kill -TERM "$2"
    wait "$2"
    st=$?
    forget "$2"
    eq "$1: exit status after SIGTERM" "$st" 0
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
    if [ "$code" != "$want" ]; then
        bad "$name: HTTP $code, want $want"
        head -c 400 "$T/body" | sed 's/^/  /'
        echo
        sed 's/^/  curl: /' "$T/curlerr" | head -2
        return 1
    fi
    ok
}

start h1 "$DB7" --key-file "$K1" || finish
PID_H1=$SPID
EV=/v1/events
ARRAY='[{"id":"h-reg","type":"account.registered","account":"h1","service":"video_hosting","at":"2026-03-01T10:00:00+05:00"},
{"id":"h-f1","type":"account.followers","account":"h1","followers":5001,'"$X19"'},
{"id":"h-bad","type":"account.followers","account":"h1","followers":-5,'"$X19"'},
{"id":"h-id","type":"account.identity","account":"h1","status":"submitted","method":"egov","identity":'"$IDENT1"',"at":"2026-03-20T10:00:00+05:00"},
{"id":"h-nt","account":"h1",'"$X19"'}]'
N7=$(nev7)
call events-no-key 401 POST "$EV" "" "$ARRAY"
call events-auditor 403 POST "$EV" "Bearer $AUDITOR" "$ARRAY" &&
    has events-auditor body '"code":"FORBIDDEN"'
call events-moderator 403 POST "$EV" "Bearer $MODERATOR" "$ARRAY"
eq "rejected requests record nothing" "$(nev7)" "$N7"
call events-array 200 POST "$EV" "Bearer $PLAT" "$ARRAY" &&
    has events-array body '{"received":5,"accepted":3,"duplicates":0,"rejected":2,"transitions":2,"errors":[' &&
    has events-array body '{"index":2,"code":"FIELD_VALUE","message":"followers must be 0 to 4,000,000,000"}' &&
    has events-array body '{"index":4,"code":"FIELD_MISSING","message":"type is required"}' &&
    lacks events-array body '"line"'
eq "events-array: stored" "$(nev7)" $((N7 + 5))
call events-array-again 200 POST "$EV" "Bearer $PLAT" "$ARRAY" &&
    has events-array-again body '{"received":5,"accepted":0,"duplicates":3,"rejected":2,"transitions":0,'
printf '%s\n' \
    '{"id":"h-f2","type":"account.followers","account":"h2","followers":6000,'"$X19"'}' \
    '' \
    'not json' \
    '{"id":"h-reg3","type":"account.registered","account":"h3","service":"fax",'"$X19"'}' \
    '{"id":"h-f2","type":"account.followers","account":"h2","followers":6000,'"$X19"'}' \
    '{"id":"h-f3","type":"account.followers","account":"h3","followers":100,'"$X19"'}' >"$T/lines.jsonl"
call events-lines 200 POST "$EV" "Bearer $ADMIN" "@$T/lines.jsonl" &&
    has events-lines body '{"received":5,"accepted":2,"duplicates":1,"rejected":2,"transitions":1,"errors":[' &&
    hasre events-lines body '\{"index":1,"code":"BAD_JSON","message":"[^"]*","line":3\}' &&
    hasre events-lines body '\{"index":2,"code":"FIELD_VALUE","message":"service must [^"]*","line":4\}'
call events-empty 400 POST "$EV" "Bearer $PLAT" '' && has events-empty body '"code":"BAD_JSON"'
call events-object 400 POST "$EV" "Bearer $PLAT" '[1' && has events-object body '"code":"BAD_JSON"'
# 10,000 events a request at most, as an array or as lines.
awk 'BEGIN { printf "["; for (i = 1; i <= 10001; i++) printf "%s{\"id\":\"many-%d\",\"type\":\"account.registered\",\"account\":\"m%d\",\"service\":\"other\",\"at\":\"2026-03-01T10:00:00+05:00\"}", (i > 1 ? "," : ""), i, i; printf "]" }' >"$T/many.json"
awk 'BEGIN { for (i = 1; i <= 10001; i++) printf "{\"id\":\"many-%d\",\"type\":\"account.registered\",\"account\":\"m%d\",\"service\":\"other\",\"at\":\"2026-03-01T10:00:00+05:00\"}\n", i, i }' >"$T/many.jsonl"
N7=$(nev7)
call many-array 413 POST "$EV" "Bearer $PLAT" "@$T/many.json" &&
    has many-array body '{"error":{"code":"TOO_MANY_EVENTS",'
call many-lines 413 POST "$EV" "Bearer $PLAT" "@$T/many.jsonl" &&
    has many-lines body '{"error":{"code":"TOO_MANY_EVENTS",'
eq "too many events: nothing stored" "$(nev7)" "$N7"
head -n 10000 "$T/many.jsonl" >"$T/max.jsonl"
call max-lines 200 POST "$EV" "Bearer $PLAT" "@$T/max.jsonl" &&
    has max-lines body '{"received":10000,"accepted":10000,"duplicates":0,"rejected":0,"transitions":0,"errors":[]}'
eq "10,000 events: stored" "$(nev7)" $((N7 + 10000))

# The registry.
REGQ="/v1/registry/anonymous?at=2026-03-21T00:00:00%2B05:00"
call registry-auditor 200 GET "$REGQ" "Bearer $AUDITOR" &&
    has registry-auditor hdr 'Content-Type: application/x-ndjson' &&
    eq "registry-auditor: body" "$(cat "$T/body")" \
        '{"account":"h1","followers":5001,"case_state":"submitted","deadline":"'$DUE'","opened_at":"'$OPENED'","identity_status":"submitted"}
{"account":"h2","followers":6000,"case_state":"opened","deadline":"'$DUE'","opened_at":"'$OPENED'","identity_status":"none"}'
call registry-csv 200 GET "$REGQ&format=csv" "Bearer $AUDITOR" &&
    has registry-csv hdr 'Content-Type: text/csv' &&
    eq "registry-csv: header" "$(head -n 1 "$T/body")" 'account,followers,case_state,deadline,opened_at,identity_status'
call registry-platform 403 GET "$REGQ" "Bearer $PLAT" && has registry-platform body '"code":"FORBIDDEN"'
call registry-moderator 403 GET "$REGQ" "Bearer $MODERATOR"
call registry-no-key 401 GET "$REGQ" ""
call registry-bad-at 400 GET "/v1/registry/anonymous?at=2026-03-21" "Bearer $AUDITOR"
call registry-at-range 400 GET "/v1/registry/anonymous?at=9999-12-31T23:59:59-12:00" "Bearer $AUDITOR" &&
    has registry-at-range body '"code":"RANGE"'
RH=$(ntype "$DB7" identity.read)
call identity-auditor 403 GET "$REGQ&include_identity=true" "Bearer $AUDITOR" &&
    has identity-auditor body '"code":"FORBIDDEN"' && lacks identity-auditor body "$IIN1"
call identity-platform 403 GET "$REGQ&include_identity=true" "Bearer $PLAT"
eq "identity refused: no identity.read" "$(ntype "$DB7" identity.read)" "$RH"
call identity-admin 200 GET "$REGQ&include_identity=true" "Bearer $ADMIN" &&
    has identity-admin body '"account":"h1","followers":5001,"case_state":"submitted"' &&
    has identity-admin body '"iin":"'$IIN1'","name":"'"$NAME1"'","contact":"'"$CONTACT1"'","method":"egov"}' &&
    has identity-admin body '"account":"h2","followers":6000,"case_state":"opened","deadline":"'$DUE'","opened_at":"'$OPENED'","identity_status":"none","iin":null'
eq "identity-admin: one identity.read (h1)" "$(ntype "$DB7" identity.read)" $((RH + 1))
eq "identity-admin: the read names the key" \
    "$(q "$DB7" "SELECT subject || ' ' || json_extract(body, '\$.reader') FROM events WHERE type = 'identity.read'")" \
    "h1 api:$ADMIN_ID"

# Accounts.
call account-h1 200 GET /v1/accounts/h1 "Bearer $PLAT" &&
    has account-h1 body '"account":"h1","service":"video_hosting","followers":5001,"measure":5001,"kz_share":null,"identity_status":"submitted","in_registry":true,"closed":false' &&
    has account-h1 body '"cases":[{"state":"submitted","open":true,"opened_at":"'$OPENED'","deadline":"'$DUE'","overdue":false,' &&
    has account-h1 body '"identity_method":"egov"' &&
    lacks account-h1 body "$IIN1" && lacks account-h1 body "$NAME1"
call account-h3 200 GET /v1/accounts/h3 "Bearer $MODERATOR" &&
    has account-h3 body '"in_registry":false' && has account-h3 body '"cases":[]'
call account-auditor 200 GET /v1/accounts/h2 "Bearer $AUDITOR" &&
    has account-auditor body '"in_registry":true' &&
    has account-auditor body '"cases":[{"state":"opened","open":true,'
call account-unknown 404 GET /v1/accounts/nobody "Bearer $PLAT" &&
    has account-unknown body '"code":"NOT_FOUND"'
call account-no-key 401 GET /v1/accounts/h1 ""
# The service writes accounts through (one ingest a request): it leaves no
# delta behind, so its readers need not write.
eq "http: no account delta left" "$(q "$DB7" "SELECT count(*) FROM account_deltas")" 0
eq "http: accounts in the table" "$(q "$DB7" "SELECT followers FROM accounts WHERE id = 'h2'")" 6000
stop h1 "$PID_H1"
has "h1: stderr" h1.err "ereje: SIGTERM: stopping"
verify verify-http "$DB7"
run export-http 0 "$E" audit export --db "$DB7"
lacks export-http out "$IIN1"
lacks export-http out "$NAME1"
eq "raw http db: no IIN" "$(raw_count "$DB7" "$IIN1")" 0
eq "raw http db: no name" "$(raw_count "$DB7" "$NAME1")" 0

# A service without --key-file: no identity data in or out.
start h2 "$DB7" || finish
PID_H2=$SPID
call nokey-identity 409 GET "$REGQ&include_identity=true" "Bearer $ADMIN" &&
    has nokey-identity body '"code":"IDENTITY_KEY_MISSING"'
call nokey-identity-auditor 403 GET "$REGQ&include_identity=1" "Bearer $AUDITOR"
call nokey-registry 200 GET "$REGQ" "Bearer $AUDITOR" &&
    has nokey-registry body '"account":"h1"'
call nokey-events 200 POST "$EV" "Bearer $PLAT" \
    '[{"id":"h2-id","type":"account.identity","account":"h2","status":"submitted","method":"egov","identity":'"$IDENT2"',"at":"2026-03-20T10:00:00+05:00"}]' &&
    has nokey-events body '"accepted":0,' &&
    has nokey-events body '{"index":0,"code":"IDENTITY_KEY_MISSING",'
eq "no key: no identity.read" "$(ntype "$DB7" identity.read)" $((RH + 1))
stop h2 "$PID_H2"

# A service with another key: the identity export fails as a whole and
# records no read.
start h3 "$DB7" --key-file "$K2" || finish
PID_H3=$SPID
N7=$(nev7)
call wrongkey-identity 500 GET "$REGQ&include_identity=true" "Bearer $ADMIN" &&
    has wrongkey-identity body '{"error":{"code":"' &&
    has wrongkey-identity body 'key' &&
    lacks wrongkey-identity body '"account":"h'
eq "wrong key (http): no identity.read" "$(ntype "$DB7" identity.read)" $((RH + 1))
call wrongkey-plain 200 GET "$REGQ" "Bearer $AUDITOR" &&
    has wrongkey-plain body '"account":"h1"'
stop h3 "$PID_H3"
verify verify-http-2 "$DB7"

finish
