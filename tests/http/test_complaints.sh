#!/bin/sh
# HTTP tests of complaints (docs/API.md, "Complaints"): the immediate
# acknowledgement, categories, the law-enforcement notification task of a
# threat to life (1 hour), decisions, roles, refusals and the audit events.
# Usage: test_complaints.sh EREJE SOURCE_DIR
set -u
E=$1
SRC=$2
T=$(mktemp -d)
SUITE=complaints
# shellcheck source=tests/http/lib.sh
. "$(dirname "$0")/lib.sh"

DB=$T/c.db
key() { "$E" keys create --db "$DB" --role "$1" 2>/dev/null |
    sed -n 's/.*"key":"\([^"]*\)".*/\1/p'; }
PLAT=$(key platform)
MOD=$(key moderator)
AUD=$(key auditor)
start c "$DB" || { summary; exit 1; }
SRV=$SPID

# A complaint is acknowledged at once with an id and the receipt time.
call add 201 POST /v1/complaints "$PLAT" \
    '{"category":"fraud","target":"post:77","reporter":"user-5","extra":1}'
has add body '"acknowledged":true,"category":"fraud","target":"post:77","reporter":"user-5"'
has add body '"decision_due":null,"decision":null,"urgent":null'
CID=$(field id)
case $CID in cmp_????????????????????????) ok ;; *) bad "add: id '$CID'" ;; esac
[ -n "$(field received_at)" ] && ok || bad "add: no received_at"

# A threat to life opens a notification task due one hour after receipt.
call urgent 201 POST /v1/complaints "$PLAT" \
    '{"category":"threat_to_life","target":"post:9"}'
UID2=$(field id)
RCV=$(field received_at)
DUE=$(field notify_due)
rs=$(date -u -d "$RCV" +%s 2>/dev/null) ds=$(date -u -d "$DUE" +%s 2>/dev/null)
eq "urgent: notify_due - received_at" "$((ds - rs))" 3600
has urgent body '"notified_at":null'

# Refusals.
err bad-category 400 UNKNOWN_CATEGORY POST /v1/complaints "$PLAT" \
    '{"category":"gossip","target":"x"}'
err no-target 400 FIELD_MISSING POST /v1/complaints "$PLAT" '{"category":"other"}'
err no-category 400 FIELD_MISSING POST /v1/complaints "$PLAT" '{"target":"x"}'
err not-json 400 BAD_JSON POST /v1/complaints "$PLAT" '{'
err auditor-add 403 FORBIDDEN POST /v1/complaints "$AUD" '{"category":"other","target":"x"}'
err no-key 401 UNAUTHORIZED POST /v1/complaints "" '{"category":"other","target":"x"}'
call other 201 POST /v1/complaints "$PLAT" '{"category":"other","target":"acct:1"}'

# Reading.
call show 200 GET "/v1/complaints/$CID" "$AUD"
has show body "\"id\":\"$CID\""
err show-unknown 404 NOT_FOUND GET /v1/complaints/cmp_nope "$AUD"

# The notice to law enforcement: urgent complaints only, once.
err notify-not-urgent 400 NOT_URGENT POST "/v1/complaints/$CID/notified" "$MOD" \
    '{"to":"Police"}'
err notify-no-to 400 FIELD_MISSING POST "/v1/complaints/$UID2/notified" "$MOD" '{}'
err notify-platform 403 FORBIDDEN POST "/v1/complaints/$UID2/notified" "$PLAT" \
    '{"to":"Police"}'
call notify 200 POST "/v1/complaints/$UID2/notified" "$MOD" \
    '{"to":"Police of Almaty","reference":"KUI-1"}'
has notify body '"notified_to":"Police of Almaty","reference":"KUI-1","overdue":false'
err notify-again 409 ALREADY_NOTIFIED POST "/v1/complaints/$UID2/notified" "$MOD" \
    '{"to":"Police"}'

# Decisions: a reason is required; once only.
err decide-bad 400 FIELD_VALUE POST "/v1/complaints/$CID/decision" "$MOD" \
    '{"decision":"maybe","reason":"r"}'
err decide-no-reason 400 FIELD_MISSING POST "/v1/complaints/$CID/decision" "$MOD" \
    '{"decision":"upheld"}'
err decide-bad-action 400 FIELD_VALUE POST "/v1/complaints/$CID/decision" "$MOD" \
    '{"decision":"upheld","action":"delete","reason":"r"}'
err decide-after-9999 400 RANGE POST "/v1/complaints/$CID/decision" "$MOD" \
    '{"decision":"dismissed","reason":"r","at":"9999-12-31T23:59:59-12:00"}'
err decide-early 400 TIME_RANGE POST "/v1/complaints/$CID/decision" "$MOD" \
    '{"decision":"upheld","reason":"r","at":"2020-01-01T00:00:00Z"}'
call decide 200 POST "/v1/complaints/$CID/decision" "$MOD" \
    '{"decision":"upheld","action":"remove","reason":"a fraudulent giveaway"}'
has decide body '"decision":{"decision":"upheld","action":"remove","reason":"a fraudulent giveaway","at":"'
err decide-again 409 ALREADY_DECIDED POST "/v1/complaints/$CID/decision" "$MOD" \
    '{"decision":"dismissed","reason":"r"}'
err decide-unknown 404 NOT_FOUND POST /v1/complaints/cmp_nope/decision "$MOD" \
    '{"decision":"dismissed","reason":"r"}'

stop c "$SRV"
run export 0 "$E" audit export --db "$DB"
eq "complaint.received events" "$(grep -c '"type":"complaint.received"' "$T/out")" 3
eq "complaint.decided events" "$(grep -c '"type":"complaint.decided"' "$T/out")" 1
eq "notified events" "$(grep -c '"type":"complaint.law_enforcement_notified"' "$T/out")" 1
has export out '"rules":["kz.18viii.complaint_ack","kz.18viii.urgent_notification"]'
run verify 0 "$E" audit verify --db "$DB"

# The upheld complaint with an action is a statement of reasons; the
# reporter is not in it (the TDB takes no personal data).
run sor 0 "$E" --policy-dir "$SRC/policies" export sor --db "$DB" \
    --from 2020-01-01 --to 2030-12-31
has sor out "\"puid\":\"$CID\",\"decision_visibility\":[\"DECISION_VISIBILITY_CONTENT_REMOVED\"]"
has sor out '"decision_facts":"a fraudulent giveaway","category":"STATEMENT_CATEGORY_SCAMS_AND_FRAUD"'
has sor out '"source_type":"SOURCE_TYPE_OTHER_NOTIFICATION","automated_detection":"No"'
lacks sor out 'user-5'
eq "sor: one statement" "$(wc -l <"$T/out")" 1

summary
[ "$fail" -eq 0 ]
