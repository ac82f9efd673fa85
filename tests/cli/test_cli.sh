#!/bin/sh
# CLI tests against the real binary: exit statuses, output shapes, and
# precise errors for bad input. Usage: test_cli.sh EREJE SOURCE_DIR
set -u
E=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

# run NAME WANT_STATUS CMD...: runs CMD, keeps stdout in $T/out and stderr
# in $T/err, checks the exit status.
run() {
    name=$1 want=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $name: exit $got, want $want"
        sed 's/^/  stderr: /' "$T/err" | head -5
        fail=$((fail + 1))
        return 1
    fi
    pass=$((pass + 1))
}
# has NAME FILE TEXT: FILE contains the fixed string TEXT.
has() {
    if grep -qF -- "$3" "$T/$2"; then
        pass=$((pass + 1))
    else
        echo "FAIL $1: $2 lacks: $3"
        sed 's/^/  /' "$T/$2" | head -5
        fail=$((fail + 1))
    fi
}

run help 0 "$E" --help && has help out "policy" && has help out "Exit status"
run cmd-help 0 "$E" deadline --help && has cmd-help out "--add"
run no-args 2 "$E"
run unknown-cmd 2 "$E" frobnicate && has unknown-cmd err "unknown command"
run version 0 "$E" --version && has version out "ereje "

# Policy packs.
run policy-check 0 "$E" policy check && has policy-check out "2 pack(s), 13 rule(s)"
run policy-check-one 0 "$E" policy check "$SRC/policies/kz/draft-2025.yaml"
run policy-list 0 "$E" policy list
has policy-list out "kz.draft.min_registration_age"
grep 'kz.draft.min_registration_age' "$T/out" | grep -q ' shadow ' &&
    pass=$((pass + 1)) || { echo "FAIL draft not shadow"; fail=$((fail + 1)); }
run policy-list-enforce 0 "$E" --enforce-drafts policy list --format json
has policy-list-enforce out '"rule":"kz.draft.min_registration_age","status":"draft","mode":"enforce","effective_from":null'
has policy-list-enforce out '"rule":"kz.18viii.authority_request","status":"in_force","mode":"enforce","effective_from":"2023-09-10"'
run policy-kinds 0 "$E" policy kinds && has policy-kinds out "min_registration_age"
cp "$SRC/tests/cases/pack/wrong-type.yaml" "$T/bad.yaml"
run policy-bad 2 "$E" policy check "$T/bad.yaml"
has policy-bad err "$T/bad.yaml:19:16: min_age must be an integer"
run policy-missing-file 3 "$E" policy check "$T/nope.yaml"
has policy-missing-file err "No such file"
run policy-no-tz 2 env TZDIR="$T" "$E" policy check
has policy-no-tz err "law-18-viii.yaml:10:14: time_zone 'Asia/Almaty': unknown time zone"
run policy-dir-empty 3 "$E" --policy-dir "$T/empty" policy check

# Identity numbers.
run idnum-valid 0 "$E" idnum check 940740000911
has idnum-valid out '{"input":"940740000911","valid":true,"kind":"bin","registered":"1994-07","entity_type":"resident","branch_type":"head"}'
run idnum-invalid 2 "$E" idnum check 900101300187 12345
has idnum-invalid out '"input":"900101300187","valid":false,"kind":"iin","error":"IDNUM_CHECKSUM"'
has idnum-invalid out '"input":"12345","valid":false,"kind":null,"error":"IDNUM_LENGTH"'
printf '940740000911\n\n  900101300186  \n\377\376abc\n' >"$T/ids"
run idnum-stdin 2 sh -c "\"$E\" idnum check - <\"$T/ids\""
has idnum-stdin out '"input":"900101300186","valid":true,"kind":"iin","birth_date":"1990-01-01","sex":"male"'
has idnum-stdin out '"error":"IDNUM_NOT_DIGITS"'
[ "$(wc -l <"$T/out")" -eq 3 ] && pass=$((pass + 1)) ||
    { echo "FAIL idnum-stdin: want 3 lines"; fail=$((fail + 1)); }
run idnum-usage 2 "$E" idnum

# Deadlines.
run dl-wd 0 "$E" deadline --from 2026-03-19T10:00:00+05:00 --add 5wd
has dl-wd out '"due":"2026-03-31T19:00:00Z","due_local":"2026-04-01T00:00:00+05:00","last_day":"2026-03-31","moved":false'
run dl-24h 0 "$E" deadline --from=2026-11-28T10:00:00+05:00 --add=24h
has dl-24h out '"due":"2026-11-29T05:00:00Z","due_local":"2026-11-29T10:00:00+05:00"'
run dl-pause 0 "$E" deadline --from 2026-11-28T10:00:00+05:00 --add 24h \
    --pause 2026-11-28T12:00:00+05:00/2026-11-28T14:30:00+05:00
has dl-pause out '"due":"2026-11-29T07:30:00Z"'
has dl-pause out '"paused_s":9000'
# A paused working-day period is counted from its start moved by the
# pause: six days over Nauryz hold back one working day, and the period
# still ends at 24:00 of its last day.
run dl-pause-wd 0 "$E" deadline --from 2026-03-19T10:00:00+05:00 --add 5wd \
    --pause 2026-03-20T00:00:00+05:00/2026-03-26T00:00:00+05:00 &&
    has dl-pause-wd out '"due_local":"2026-04-02T00:00:00+05:00","last_day":"2026-04-01"'
run dl-pause-1wd 0 "$E" deadline --from 2026-11-27T10:00:00+05:00 --add 1wd \
    --pause 2026-11-27T12:00:00+05:00/2026-11-27T18:00:00+05:00 &&
    has dl-pause-1wd out '"due_local":"2026-12-01T00:00:00+05:00","last_day":"2026-11-30"'
run dl-zone 0 "$E" deadline --from 2024-02-29T10:00:00+06:00 --add 24h
has dl-zone out '"due_local":"2024-03-01T09:00:00+05:00"'
run dl-bad-date 2 "$E" deadline --from 2026-02-30T10:00:00+05:00 --add 1d
has dl-bad-date err "TIME_RANGE"
run dl-no-offset 2 "$E" deadline --from 2026-02-03T10:00:00 --add 1d
has dl-no-offset err "TIME_NO_OFFSET"
run dl-bad-dur 2 "$E" deadline --from 2026-02-03T10:00:00Z --add 3 days
run dl-bad-dur2 2 "$E" deadline --from 2026-02-03T10:00:00Z --add 3weeks
has dl-bad-dur2 err "DURATION_SYNTAX"
run dl-range 2 "$E" deadline --from 2026-12-28T10:00:00+05:00 --add 5wd
has dl-range err "CALENDAR_RANGE"
run dl-missing 2 "$E" deadline --from 2026-02-03T10:00:00Z
run dl-pack 2 "$E" deadline --from 2026-02-03T10:00:00Z --add 1h --pack nope
has dl-pack err "no pack 'nope'"
run dl-bad-pause 2 "$E" deadline --from 2026-02-03T10:00:00Z --add 1h \
    --pause 2026-02-03T09:00:00Z/2026-02-03T09:30:00Z

# Orders about unlawful content.
ODB="$T/orders.db"
run order-add 0 "$E" order add --db "$ODB" --body "MCI" --number "12/34" \
    --basis false_information --target post:1 --target acct:9 \
    --action remove --received-at 2026-11-28T20:00:00+05:00
has order-add out '"state":"open","received_at":"2026-11-28T15:00:00Z"'
has order-add out '"consider_due":"2026-11-29T15:00:00Z","effect_due":"2026-11-29T15:00:00Z","effect_mode":"shadow","overdue":false'
has order-add out '"targets":["post:1","acct:9"]'
OID=$(sed -n 's/.*"id":"\(ord_[0-9a-f]*\)".*/\1/p' "$T/out")
run order-add-again 0 "$E" order add --db "$ODB" --body "MCI" --number "12/34" \
    --basis fraud --target other --action restrict_kz \
    --received-at 2026-11-28T21:00:00+05:00
has order-add-again err "already recorded"
has order-add-again out "\"id\":\"$OID\""
has order-add-again out '"basis":"false_information"'
run order-bad-basis 2 "$E" order add --db "$ODB" --body B --number 1 \
    --basis gossip --target x --action remove --received-at 2026-11-28T20:00:00Z
has order-bad-basis err "UNKNOWN_BASIS"
run order-no-target 2 "$E" order add --db "$ODB" --body B --number 2 \
    --basis fraud --action remove --received-at 2026-11-28T20:00:00Z
has order-no-target err "NO_TARGETS"
run order-bad-utf8 2 "$E" order add --db "$ODB" --body B --number 4 \
    --basis fraud --target "$(printf 'bad\377')" --action remove \
    --received-at 2026-11-28T20:00:00Z
has order-bad-utf8 err "not UTF-8"
run order-bad-action 2 "$E" order add --db "$ODB" --body B --number 3 \
    --basis fraud --target x --action delete --received-at 2026-11-28T20:00:00Z
run order-pause 0 "$E" order pause --db "$ODB" --id "$OID" --at 2026-11-28T22:00:00+05:00
has order-pause out '"state":"clarifying"'
run order-resume 0 "$E" order resume --db "$ODB" --id "$OID" --at 2026-11-29T00:00:00+05:00
has order-resume out '"consider_due":"2026-11-29T17:00:00Z"'
has order-resume out '"paused_s":7200'
run order-resume-again 2 "$E" order resume --db "$ODB" --id "$OID" --at 2026-11-29T01:00:00+05:00
has order-resume-again err "ORDER_STATE"
run order-sweep 0 "$E" order sweep --db "$ODB" --at 2026-11-29T22:00:00+05:00
has order-sweep out '{"alerts":5,"breaches":1}'
run order-sweep-again 0 "$E" order sweep --db "$ODB" --at 2026-11-29T23:00:00+05:00
has order-sweep-again out '{"alerts":0,"breaches":0}'
run order-list-overdue 0 "$E" order list --db "$ODB" --state overdue --at 2026-11-29T22:00:00+05:00
has order-list-overdue out "\"id\":\"$OID\""
run order-close-no-evidence 2 "$E" order close --db "$ODB" --id "$OID" \
    --action remove --at 2026-11-30T10:00:00+05:00
has order-close-no-evidence err "EVIDENCE_REQUIRED"
run order-close 0 "$E" order close --db "$ODB" --id "$OID" --action remove \
    --evidence "post removed" --by "moderator 7" --at 2026-11-30T10:00:00+05:00
has order-close out '"state":"closed","received_at"'
has order-close out '"closed_with":"remove","evidence":{"at":"2026-11-30T05:00:00Z","by":"moderator 7","text":"post removed"}'
run order-list-closed 0 "$E" order list --db "$ODB" --state closed
has order-list-closed out "\"id\":\"$OID\""
run order-list-open 0 "$E" order list --db "$ODB" --state open
[ ! -s "$T/out" ] && pass=$((pass + 1)) || { echo "FAIL order-list-open not empty"; fail=$((fail + 1)); }
run order-unknown 2 "$E" order show --db "$ODB" --id ord_nope
run order-audit 0 "$E" audit verify --db "$ODB"
has order-audit out "ok: 10 events"

# Commands that read what is recorded do not create a mistyped database
# (an empty one would answer "nothing found" with status 0); those that
# record something new do.
for c in "registry export" "report audience --month 2026-11" "order list" \
         "export sor --from 2026-11-01 --to 2026-11-30" "cases sweep" \
         "webhook list" "author list --id a" "audit verify" "audit export"; do
    # shellcheck disable=SC2086
    run "typo-db $c" 3 "$E" $c --db "$T/typo.db" &&
        has "typo-db $c" err "$T/typo.db: no such database"
    [ ! -e "$T/typo.db" ] && pass=$((pass + 1)) ||
        { echo "FAIL typo-db $c: created $T/typo.db"; fail=$((fail + 1)); rm -f "$T/typo.db"; }
done
: >"$T/empty.db"
run empty-db 3 "$E" audit verify --db "$T/empty.db" &&
    has empty-db err "an empty file, not a database"
[ ! -s "$T/empty.db" ] && pass=$((pass + 1)) ||
    { echo "FAIL empty-db: audit verify wrote into it"; fail=$((fail + 1)); }
run new-db-order-add 0 "$E" order add --db "$T/new.db" --body MCI --number N-1 \
    --basis fraud --target post:n1 --action remove \
    --received-at 2026-11-28T10:00:00+05:00
run order-add-range 2 "$E" order add --db "$T/new.db" --body MCI --number N-2 \
    --basis fraud --target post:n2 --action remove \
    --received-at 9999-12-31T23:59:59-12:00 && has order-add-range err "[RANGE]"

# Content labelling: classify, label, author, audit content.
M="--model $SRC/models/content.model"
printf '%s\n' \
    '{"id":"a","text":"Расклад таро на любовь 🔮 5000 тг, пишите в директ"}' \
    '{"id":"b","text":"Taza tau baly satylady, 1 litr 5000 tg"}' \
    '{"id":"c","text":"Python для начинающих: 8 недель, проекты, сертификат"}' \
    '{"id":"d"}' \
    'not json' \
    '{"id":"f","text":""}' >"$T/posts.jsonl"
printf '{"id":"u","text":"\377"}\n' >>"$T/posts.jsonl"
run classify 1 "$E" classify $M "$T/posts.jsonl"
[ "$(wc -l <"$T/out")" -eq 7 ] && pass=$((pass + 1)) || { echo "FAIL classify: not one line per input"; fail=$((fail + 1)); }
has classify out '{"id":"a","lang":"ru","mixed":null,"labels":["occult"],"occult":{"score":'
has classify out '"practice":"tarot"'
has classify out '{"id":"b","lang":"kk","mixed":null,"labels":[]'
has classify out '"labels":["educational"]'
has classify out '"field":"it"'
has classify out '{"id":"d","line":4,"error":{"code":"FIELD_MISSING"'
has classify out '{"id":null,"line":5,"error":{"code":"JSON_SYNTAX"'
has classify out '{"id":"f","lang":null,"mixed":null,"labels":[]'
has classify out '{"id":null,"line":7,"error":{"code":"UTF8"'
has classify err 'line 7: UTF8'
run classify-help 0 "$E" classify --help && has classify-help out "occult {score, practice}"
run classify-max 1 "$E" classify $M --max-text 10 "$T/posts.jsonl"
# Output that cannot be written is an environment error, said on stderr,
# whatever the command found (classify flushes as it goes).
if [ -w /dev/full ]; then
    "$E" classify $M "$T/posts.jsonl" >/dev/full 2>"$T/err"
    eq_full=$?
    [ "$eq_full" -eq 3 ] && grep -q "error writing output" "$T/err" &&
        pass=$((pass + 1)) ||
        { echo "FAIL classify >/dev/full: exit $eq_full"; fail=$((fail + 1)); }
    "$E" idnum check 940740000911 >/dev/full 2>"$T/err"
    eq_full=$?
    [ "$eq_full" -eq 3 ] && grep -q "error writing output" "$T/err" &&
        pass=$((pass + 1)) ||
        { echo "FAIL idnum >/dev/full: exit $eq_full"; fail=$((fail + 1)); }
fi
has classify-max out '"code":"TOO_BIG"'
run classify-bad-max 2 "$E" classify $M --max-text 0 "$T/posts.jsonl"
run classify-no-model 3 "$E" classify --model "$T/none.model" "$T/posts.jsonl"
has classify-no-model err "make train"
printf 'ereje-content-model 1\nbogus\n' >"$T/bad.model"
run classify-bad-model 2 "$E" classify --model "$T/bad.model" "$T/posts.jsonl"
has classify-bad-model err "bad.model:2"

printf '%s\n' '{"id":"a","text":"Расклад таро на любовь 🔮 5000 тг, пишите в директ","at":"2026-11-28T10:00:00+05:00"}' >"$T/one.jsonl"
run label-shadow 0 "$E" label $M "$T/one.jsonl"
has label-shadow out '"decision":"allow","advisory":"label","reupload":null,"label_lang":"ru"'
run label-enforce 0 "$E" --enforce-drafts label $M "$T/one.jsonl"
has label-enforce out '"decision":"label"'
has label-enforce out 'директ\u000a\u000aМатериал носит развлекательный характер'
run label-bad-at 2 "$E" label $M --at yesterday "$T/one.jsonl"

CDB=$T/content.db
run author-add 0 "$E" author add --db "$CDB" --id acc-1 --type diploma \
    --number D-1 --issuer "КазНУ" --fields psychology,parenting --status verified
has author-add out '"author":"acc-1","type":"diploma","number":"D-1","issuer":"КазНУ","fields":["psychology","parenting"],"valid_until":null,"status":"verified"'
run author-bad-field 2 "$E" author add --db "$CDB" --id acc-1 --type diploma \
    --number D-2 --issuer x --fields tarot
has author-bad-field err "fields"
run author-bad-type 2 "$E" author add --db "$CDB" --id acc-1 --type badge \
    --number D-2 --issuer x --fields it
run author-list 0 "$E" author list --db "$CDB" --id acc-1
has author-list out '"number":"D-1"'
printf '%s\n' \
    '{"id":"q1","author":"acc-1","text":"Вебинар для родителей: как говорить с подростком без криков и наказаний. Ведёт детский психолог"}' \
    '{"id":"q2","author":"acc-2","text":"Вебинар для родителей: как говорить с подростком без криков и наказаний. Ведёт детский психолог"}' \
    '{"id":"q3","text":"Гороскоп на неделю для Тельцов. Информация носит развлекательный характер."}' \
    '{"id":"q4","text":"Натальная карта с разбором, 15 000 ₸, запись в WhatsApp"}' \
    'broken' >"$T/export.jsonl"
run audit-content 1 "$E" audit content --db "$CDB" $M --summary "$T/sum.json" "$T/export.jsonl"
has audit-content out '"id":"q2","line":2,"finding":"educational_without_qualification"'
has audit-content out '"reason":"no_qualification","author":"acc-2"'
has audit-content out '"id":"q4","line":4,"finding":"occult_without_disclaimer"'
lacks_q1=$(grep -c '"id":"q1"' "$T/out"); [ "$lacks_q1" -eq 0 ] && pass=$((pass + 1)) || { echo "FAIL audit-content: q1 is qualified"; fail=$((fail + 1)); }
lacks_q3=$(grep -c '"id":"q3"' "$T/out"); [ "$lacks_q3" -eq 0 ] && pass=$((pass + 1)) || { echo "FAIL audit-content: q3 has a disclaimer"; fail=$((fail + 1)); }
has audit-content err "posts 4 (bad lines 1)"
has audit-content err "occult 2, without disclaimer 1"
has audit-content err "educational 2, without qualification 1"
cp "$T/sum.json" "$T/sumf"
has audit-content-json sumf '"posts":4,"bad_lines":1,"occult":2,"occult_without_disclaimer":1,"educational":2,"educational_without_qualification":1'
has audit-content-json sumf '"by_lang":{"ru":{"posts":4'
run audit-content-help 0 "$E" audit content --help && has audit-content-help out "occult_without_disclaimer"
run audit-content-noinput 2 "$E" audit content $M
run audit-content-verify 0 "$E" audit verify --db "$CDB"
has audit-content-verify out "ok: 1 events"

# Re-upload blocking from the CLI: an order closed with --content-file;
# label and audit content with --db find the same text again.
printf '%s' 'Продаю поддельные справки и дипломы, доставка по Казахстану, пишите в телеграм' >"$T/removed.txt"
run reup-order 0 "$E" order add --db "$CDB" --body MCI --number R-1 --basis fraud \
    --target post:9 --action remove --received-at 2026-11-28T09:00:00+05:00
ROID=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$T/out" | head -n 1)
run reup-close 0 "$E" order close --db "$CDB" --id "$ROID" --action remove \
    --evidence removed --at 2026-11-28T10:00:00+05:00 --content-file "$T/removed.txt"
has reup-close out '"fingerprints":["text_sha256","text_simhash"]'
run reup-close-missing 3 "$E" order close --db "$CDB" --id "$ROID" --action remove \
    --evidence removed --at 2026-11-28T10:00:00+05:00 --content-file "$T/nope.txt"
printf '{"id":"z","text":"ПРОДАЮ поддельные справки и дипломы, доставка по Казахстану, пишите в телеграм!"}\n' >"$T/z.jsonl"
run reup-label 0 "$E" label --db "$CDB" $M "$T/z.jsonl"
has reup-label out "\"decision\":\"block_kz\",\"advisory\":\"block_kz\",\"reupload\":{\"order\":\"$ROID\",\"match\":\"near\""
run reup-audit 1 "$E" audit content --db "$CDB" $M "$T/z.jsonl"
has reup-audit out "\"finding\":\"reupload_of_removed_content\",\"order\":\"$ROID\""

# Statements of reasons for content decisions that took effect: the
# re-upload restricted (the order's category), an enforced occult label and
# an enforced hold (a draft rule the platform applies: incompatible
# content, not illegal), nothing for what shadow mode only advised.
printf '%s\n' \
    '{"id":"cp1","type":"content.published","content":"post-r","text":"ПРОДАЮ поддельные справки и дипломы, доставка по Казахстану, пишите в телеграм!","at":"2026-11-28T12:00:00+05:00"}' \
    '{"id":"cp2","type":"content.published","content":"post-s","text":"Расклад таро на любовь 🔮 5000 тг, пишите в директ","at":"2026-11-28T12:00:00+05:00"}' >"$T/cp1.jsonl"
printf '%s\n' \
    '{"id":"cp3","type":"content.published","content":"post-t","text":"Расклад таро на любовь 🔮 5000 тг, пишите в директ","at":"2026-11-28T13:00:00+05:00"}' \
    '{"id":"cp4","type":"content.published","content":"post-n","author":"nobody","text":"Марафон по правильному питанию: составим рацион, разберём калории, 21 день","at":"2026-11-28T13:00:00+05:00"}' >"$T/cp2.jsonl"
run sor-content-ingest 0 "$E" ingest --db "$CDB" $M "$T/cp1.jsonl"
run sor-content-ingest2 0 "$E" --enforce-drafts ingest --db "$CDB" $M "$T/cp2.jsonl"
run sor-content 0 "$E" export sor --db "$CDB" --from 2026-11-28 --to 2026-11-28
has sor-content err "4 statement(s), 0 left out"
grep -F '"content_type":["CONTENT_TYPE_TEXT"]' "$T/out" | grep -F '"decision_visibility":["DECISION_VISIBILITY_CONTENT_DISABLED"]' >"$T/sr"
has sor-content-reupload sr '"category":"STATEMENT_CATEGORY_SCAMS_AND_FRAUD"'
has sor-content-reupload sr '"source_type":"SOURCE_VOLUNTARY","automated_detection":"Yes","automated_decision":"AUTOMATED_DECISION_FULLY"'
has sor-content-reupload sr 'Content post-r was restricted in Kazakhstan on publication: its text_simhash matched'
grep -F '"decision_visibility":["DECISION_VISIBILITY_CONTENT_LABELLED"]' "$T/out" >"$T/sl"
has sor-content-label sl '"decision_ground":"DECISION_GROUND_INCOMPATIBLE_CONTENT"'
has sor-content-label sl '"incompatible_content_illegal":"No"'
has sor-content-label sl 'Occult content (tarot) must carry a disclaimer'
has sor-content-label sl '"category":"STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"'
grep -F '"decision_visibility":["DECISION_VISIBILITY_OTHER"]' "$T/out" >"$T/sh"
has sor-content-hold sh '"decision_visibility_other":"Publication withheld until the author'
has sor-content-hold sh 'Content post-n was not published'
if grep -qF 'post-s' "$T/out"; then
    echo "FAIL sor-content: a shadow decision gave a statement"
    fail=$((fail + 1))
else
    pass=$((pass + 1))
fi
grep -c '"puid":"evt-[0-9]*"' "$T/out" >"$T/np"
has sor-content-puid np 3

# Statements of reasons: every basis of the shipped taxonomy maps to a DSA
# category; fields and enum values as the Transparency Database takes them.
SDB=$T/sor.db
nb=0
for b in $(sed -n '/^      categories:/,/^      complaint_based/p' "$SRC/policies/kz/law-18-viii.yaml" | sed -n 's/^        - //p'); do
    nb=$((nb + 1))
    "$E" order add --db "$SDB" --body MCI --number "S-$nb" --basis "$b" --target "post:$nb" \
        --action remove --received-at 2026-11-27T09:00:00+05:00 >"$T/sa" 2>/dev/null
    sid=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$T/sa" | head -n 1)
    act=remove; [ $((nb % 3)) -eq 1 ] && act=restrict_kz; [ $((nb % 5)) -eq 0 ] && act=suspend_account_kz
    "$E" order close --db "$SDB" --id "$sid" --action "$act" --evidence "done $nb" \
        --at 2026-11-28T10:00:00+05:00 >/dev/null 2>&1
done
[ "$nb" -ge 14 ] && pass=$((pass + 1)) || { echo "FAIL sor: only $nb bases found in the pack"; fail=$((fail + 1)); }
run sor 0 "$E" export sor --db "$SDB" --from 2026-11-28 --to 2026-11-28
[ "$(wc -l <"$T/out")" -eq "$nb" ] && pass=$((pass + 1)) || { echo "FAIL sor: $(wc -l <"$T/out") statements for $nb orders"; fail=$((fail + 1)); }
has sor err "0 left out"
bad=$(grep -v '"decision_ground":"DECISION_GROUND_ILLEGAL_CONTENT"' "$T/out" | wc -l)
eq_n() { [ "$2" = "$3" ] && pass=$((pass + 1)) || { echo "FAIL $1: $2, want $3"; fail=$((fail + 1)); }; }
eq_n sor-ground "$bad" 0
cats=$(sed -n 's/.*"category":"\([A-Z_]*\)".*/\1/p' "$T/out" | sort -u)
for c in $cats; do
    case $c in
    STATEMENT_CATEGORY_ANIMAL_WELFARE|STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS|\
    STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH|STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS|\
    STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS|STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR|\
    STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT|STATEMENT_CATEGORY_PROTECTION_OF_MINORS|\
    STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY|STATEMENT_CATEGORY_SCAMS_AND_FRAUD|STATEMENT_CATEGORY_SELF_HARM|\
    STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE|STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS|\
    STATEMENT_CATEGORY_VIOLENCE) pass=$((pass + 1)) ;;
    *) echo "FAIL sor: category $c is not a TDB value"; fail=$((fail + 1)) ;;
    esac
done
has sor out '"decision_visibility":["DECISION_VISIBILITY_CONTENT_REMOVED"]'
has sor out '"decision_visibility":["DECISION_VISIBILITY_CONTENT_DISABLED"]'
has sor out '"decision_account":"DECISION_ACCOUNT_SUSPENDED"'
has sor out '"source_type":"SOURCE_TYPE_OTHER_NOTIFICATION","source_identity":"MCI","automated_detection":"No","automated_decision":"AUTOMATED_DECISION_NOT_AUTOMATED"'
has sor out '"content_type":["CONTENT_TYPE_OTHER"],"content_type_other":"content named in a state order","content_date":"2026-11-27","application_date":"2026-11-28"'
grep -c '"puid":"ord_[0-9a-f]*"' "$T/out" >"$T/np"
has sor-puid np "$nb"
run sor-empty 0 "$E" export sor --db "$SDB" --from 2026-11-29 --to 2026-12-31
[ ! -s "$T/out" ] && pass=$((pass + 1)) || { echo "FAIL sor-empty: output"; fail=$((fail + 1)); }
run sor-bad-range 2 "$E" export sor --db "$SDB" --from 2026-12-01 --to 2026-11-01
run sor-bad-date 2 "$E" export sor --db "$SDB" --from 2026-13-01 --to 2026-12-01
run sor-usage 2 "$E" export

# An author with many documents: the 65th new one is refused, and a
# verified one among 64 is still the one used.
QDB=$T/q.db
"$E" author add --db "$QDB" --id many --type diploma --number V-1 --issuer U \
    --fields psychology --status verified >/dev/null 2>&1
i=1
while [ $i -lt 64 ]; do
    "$E" author add --db "$QDB" --id many --type certificate --number "C-$i" \
        --issuer X --fields beauty >/dev/null 2>&1
    i=$((i + 1))
done
run quals-65th 2 "$E" author add --db "$QDB" --id many --type certificate \
    --number C-65 --issuer X --fields beauty
has quals-65th err "64 documents"
run quals-replace 0 "$E" author add --db "$QDB" --id many --type certificate \
    --number C-5 --issuer X --fields beauty --status rejected
printf '{"id":"m","author":"many","text":"Вебинар для родителей: как говорить с подростком без криков и наказаний. Ведёт детский психолог","at":"2026-11-28T10:00:00+05:00"}\n' >"$T/m.jsonl"
run quals-many 0 "$E" --enforce-drafts label --db "$QDB" $M "$T/m.jsonl"
has quals-many out '"reason":"qualified","qualification":{"type":"diploma","number":"V-1"'
# Control characters are 6 bytes escaped: the output line is still written.
awk 'BEGIN { printf "{\"id\":\"nl\",\"text\":\"Расклад таро"; for (i = 0; i < 20000; i++) printf "\\n"; print "\"}" }' >"$T/nl.jsonl"
run label-newlines 0 "$E" label $M "$T/nl.jsonl"
has label-newlines out '{"id":"nl"'

# demo generate: 2 registrations, 2 follower counts a day and the day's
# audience; the same seed gives the same bytes; dates that cannot be
# written are refused before anything is.
run demo 0 "$E" demo generate --accounts 2 --days 2 --start 2026-11-01
eq_lines=$(wc -l <"$T/out" | tr -d ' ')
[ "$eq_lines" = 8 ] && pass=$((pass + 1)) ||
    { echo "FAIL demo: $eq_lines lines, want 8"; fail=$((fail + 1)); }
has demo out '{"id":"aud-2026-11-02","type":"audience.daily","date":"2026-11-02",'
cp "$T/out" "$T/demo1"
run demo-again 0 "$E" demo generate --accounts 2 --days 2 --start 2026-11-01
cmp -s "$T/out" "$T/demo1" && pass=$((pass + 1)) ||
    { echo "FAIL demo-again: not the same bytes"; fail=$((fail + 1)); }
run demo-start-0001 2 "$E" demo generate --accounts 1 --days 1 --start 0001-01-01 &&
    has demo-start-0001 err "outside the years 0001-9999"
[ ! -s "$T/out" ] && pass=$((pass + 1)) ||
    { echo "FAIL demo-start-0001: wrote events"; fail=$((fail + 1)); }
run demo-end-9999 2 "$E" demo generate --accounts 1 --days 2 --start 9999-12-31
run demo-bad-days 2 "$E" demo generate --days 3661

# A file that is not there is named as such, not as an I/O error.
run fp-missing 3 "$E" fingerprint "$T/nope.jpg" &&
    has fp-missing err "$T/nope.jpg: No such file or directory"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
