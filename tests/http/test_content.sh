#!/bin/sh
# HTTP tests of content labelling (docs/API.md, "Content labelling"):
# /v1/content/check in shadow and enforce mode, qualifications per author,
# expiry, roles, bad input, content.published events, and the audit events
# (the text's digest, never the text). Usage: test_content.sh EREJE SOURCE_DIR MKIMG
set -u
E=$1
SRC=$2
MK=$3
T=$(mktemp -d)
SUITE=content
# shellcheck source=tests/http/lib.sh
. "$(dirname "$0")/lib.sh"

DB=$T/c.db
key() { "$E" keys create --db "$DB" --role "$1" 2>/dev/null |
    sed -n 's/.*"key":"\([^"]*\)".*/\1/p'; }
PLAT=$(key platform)
MOD=$(key moderator)
AUD=$(key auditor)
start c "$DB" --model "$SRC/models/content.model" --max-body 200000 ||
    { summary; exit 1; }
SRV=$SPID

TAROT='{"id":"p1","text":"Расклад таро на любовь 🔮 5000 тг, пишите в директ","at":"2026-11-28T10:00:00+05:00"}'
# Shadow (draft): nothing takes effect, the advisory says label.
call shadow 200 POST /v1/content/check "$PLAT" "$TAROT"
has shadow body '"id":"p1","lang":"ru"'
has shadow body '"labels":["occult"]'
has shadow body '"practice":"tarot"'
has shadow body '"decision":"allow","advisory":"label"'
has shadow body '"mode":"shadow","decision":"label","reason":"occult_disclaimer"'
has shadow body 'Материал носит развлекательный характер и не имеет научного обоснования.'
has shadow body '"labelled_text":"Расклад таро на любовь 🔮 5000 тг, пишите в директ"'
has shadow body '"event":{"id":"cnt_'

# A post that already carries a disclaimer gets no second one.
call has-disclaimer 200 POST /v1/content/check "$PLAT" \
    '{"id":"p2","text":"Гороскоп на неделю для Овнов. Информация носит развлекательный характер."}'
has has-disclaimer body '"disclaimer_present":true'
has has-disclaimer body '"advisory":"allow"'
has has-disclaimer body '"reason":"occult_has_disclaimer"'
lacks has-disclaimer body '"kind":"disclaimer"'

# Not covered: a news story, honey.
call news 200 POST /v1/content/check "$PLAT" \
    '{"id":"p3","text":"Полиция Алматы задержала гадалку, выманившую у пенсионерки 3 млн тенге"}'
has news body '"labels":[]'
has news body '"decision":"allow","advisory":"allow"'
call honey 200 POST /v1/content/check "$PLAT" \
    '{"id":"p4","text":"Таза тау балы сатылады, 1 литр 5000 тг, жеткізу тегін"}'
has honey body '"labels":[]'

# Educational without a qualification on record: hold (advisory).
COURSE='{"id":"p5","author":"acc-7","text":"Марафон по правильному питанию: составим рацион, разберём калории, 21 день, старт 1 декабря","at":"2026-11-28T10:00:00+05:00"}'
call edu-none 200 POST /v1/content/check "$PLAT" "$COURSE"
has edu-none body '"labels":["educational"]'
has edu-none body '"field":"nutrition"'
has edu-none body '"advisory":"hold"'
has edu-none body '"reason":"no_qualification"'

# Qualifications: bad input, roles, then a medical diploma (covers
# nutrition under the pack's field_coverage).
err q-type 400 INVALID POST /v1/authors/acc-7/qualifications "$PLAT" \
    '{"type":"badge","number":"1","issuer":"x","fields":["medicine"]}'
err q-field 400 INVALID POST /v1/authors/acc-7/qualifications "$PLAT" \
    '{"type":"diploma","number":"1","issuer":"x","fields":["astrology"]}'
err q-date 400 TIME_RANGE POST /v1/authors/acc-7/qualifications "$PLAT" \
    '{"type":"diploma","number":"1","issuer":"x","fields":["medicine"],"valid_until":"2030-02-30"}'
err q-missing 400 FIELD_MISSING POST /v1/authors/acc-7/qualifications "$PLAT" \
    '{"type":"diploma","issuer":"x","fields":["medicine"]}'
call q-auditor 403 POST /v1/authors/acc-7/qualifications "$AUD" \
    '{"type":"diploma","number":"1","issuer":"x","fields":["medicine"]}'
call q-add 201 POST /v1/authors/acc-7/qualifications "$MOD" \
    '{"type":"diploma","number":"KZ-77","issuer":"КазНМУ","fields":["medicine"],"valid_until":"2026-11-28","status":"verified"}'
has q-add body '"author":"acc-7","type":"diploma","number":"KZ-77","issuer":"КазНМУ","fields":["medicine"],"valid_until":"2026-11-28","status":"verified"'
call q-list 200 GET /v1/authors/acc-7/qualifications "$AUD"
has q-list body '"qualifications":[{"type":"diploma","number":"KZ-77"'
call q-list-other 200 GET /v1/authors/nobody/qualifications "$AUD"
has q-list-other body '"qualifications":[]'

call edu-qualified 200 POST /v1/content/check "$PLAT" "$COURSE"
has edu-qualified body '"advisory":"label"'
has edu-qualified body '"reason":"qualified","qualification":{"type":"diploma","number":"KZ-77","issuer":"КазНМУ"}'
has edu-qualified body 'Квалификация автора: диплом № KZ-77, КазНМУ'
# Valid through 28 Nov (Almaty): on the 29th it has expired.
call edu-expired 200 POST /v1/content/check "$PLAT" \
    "$(printf '%s' "$COURSE" | sed 's/2026-11-28T10/2026-11-29T10/')"
has edu-expired body '"reason":"expired"'
has edu-expired body '"advisory":"hold"'
# Inline qualifications replace the stored ones for one check.
call edu-inline 200 POST /v1/content/check "$PLAT" \
    '{"id":"p6","author":"acc-7","text":"Марафон по правильному питанию: составим рацион, разберём калории, 21 день","qualifications":[{"type":"certificate","number":"N-1","issuer":"Nutri","fields":["fitness"],"status":"verified"}]}'
has edu-inline body '"reason":"no_matching_field"'

# Bad input.
err no-text 400 FIELD_MISSING POST /v1/content/check "$PLAT" '{"id":"x"}'
err text-type 400 FIELD_TYPE POST /v1/content/check "$PLAT" '{"id":"x","text":5}'
err no-id 400 FIELD_MISSING POST /v1/content/check "$PLAT" '{"text":"a"}'
err bad-at 400 TIME_NO_OFFSET POST /v1/content/check "$PLAT" '{"id":"x","text":"a","at":"2026-11-28T10:00:00"}'
err bad-json 400 BAD_JSON POST /v1/content/check "$PLAT" '{"id":'
big=$(head -c 70000 /dev/zero | tr '\0' 'a')
err too-long 413 TOO_BIG POST /v1/content/check "$PLAT" "{\"id\":\"x\",\"text\":\"$big\"}"
call empty 200 POST /v1/content/check "$PLAT" '{"id":"e","text":""}'
has empty body '"lang":null'
has empty body '"labels":[]'
printf '{"id":"u","text":"\377"}' >"$T/badutf8"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $PLAT" \
    --data-binary "@$T/badutf8" "http://127.0.0.1:$PORT/v1/content/check")
eq "invalid UTF-8: status" "$code" 400
call no-key 401 POST /v1/content/check "" "$TAROT"
call auditor 403 POST /v1/content/check "$AUD" "$TAROT"

# content.published through /v1/events is checked and logged.
call events 200 POST /v1/events "$PLAT" \
    '[{"id":"ev1","type":"content.published","content":"post-9","author":"acc-7","text":"Натальная карта с разбором, 15 000 ₸, запись в WhatsApp","at":"2026-11-28T12:00:00+05:00"},{"id":"ev2","type":"content.published","content":"post-10","at":"2026-11-28T12:00:00+05:00"}]'
has events body '"accepted":1'
has events body '"code":"FIELD_MISSING"'

# Re-upload blocking (issue 6): an order closed with the removed text puts
# its fingerprints in the bank; the same text, or an edited copy, is
# block_kz with the order; unrelated text is not.
BAD='Продаю поддельные дипломы любого вуза Казахстана, 150 000 тенге, доставка по всему Казахстану, пишите в телеграм'
call order-add 201 POST /v1/orders "$MOD" \
    '{"issuer":"MCI RK","number":"77/1","basis":"fraud","targets":["post:500"],"action":"remove","received_at":"2026-11-28T09:00:00+05:00"}'
OID=$(field id)
call order-close 200 POST "/v1/orders/$OID/close" "$MOD" \
    "{\"at\":\"2026-11-28T10:00:00+05:00\",\"action\":\"remove\",\"evidence\":\"post removed\",\"content_text\":\"$BAD\"}"
has order-close body '"fingerprints":["text_sha256","text_simhash"]'
err close-text-type 400 FIELD_TYPE POST "/v1/orders/$OID/close" "$MOD" \
    '{"at":"2026-11-28T10:00:00+05:00","action":"remove","evidence":"x","content_text":5}'
call reup-exact 200 POST /v1/content/check "$PLAT" "{\"id\":\"r1\",\"text\":\"$BAD\"}"
has reup-exact body '"decision":"block_kz","advisory":"block_kz"'
has reup-exact body "\"reupload\":{\"order\":\"$OID\",\"match\":\"exact\",\"by\":\"text_sha256\",\"distance\":0}"
has reup-exact body '"labelled_text":null'
# case, spacing, a Latin look-alike "о" and a changed price
EDIT='ПРОДАЮ  поддельные дипломы любого вуза Казахстана, 120 000 тенге, дoставка по всему Казахстану, пишите в телеграм!!'
call reup-near 200 POST /v1/content/check "$PLAT" "{\"id\":\"r2\",\"text\":\"$EDIT\"}"
has reup-near body "\"reupload\":{\"order\":\"$OID\",\"match\":\"near\",\"by\":\"text_simhash\""
has reup-near body '"decision":"block_kz"'
call reup-none 200 POST /v1/content/check "$PLAT" \
    '{"id":"r3","text":"Продаю детскую коляску, почти новая, 50 000 тенге, Алматы"}'
has reup-none body '"reupload":null'
lacks reup-none body 'block_kz'
# media bytes: the platform sends the SHA-256 it computed
call order-add2 201 POST /v1/orders "$MOD" \
    '{"issuer":"MCI RK","number":"77/2","basis":"fraud","targets":["img:9"],"action":"remove","received_at":"2026-11-28T09:00:00+05:00"}'
OID2=$(field id)
HASH=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
call order-close2 200 POST "/v1/orders/$OID2/close" "$MOD" \
    "{\"at\":\"2026-11-28T10:00:00+05:00\",\"action\":\"remove\",\"evidence\":\"image removed\",\"snapshot_hash\":\"$HASH\"}"
call reup-media 200 POST /v1/content/check "$PLAT" \
    "{\"id\":\"r4\",\"text\":\"look at this\",\"media_sha256\":\"$HASH\"}"
has reup-media body "\"reupload\":{\"order\":\"$OID2\",\"match\":\"exact\",\"by\":\"media_sha256\""
err reup-media-bad 400 FIELD_VALUE POST /v1/content/check "$PLAT" \
    '{"id":"r5","text":"x","media_sha256":"abc"}'
# content.published re-uploads are logged as block_kz too
call reup-event 200 POST /v1/events "$PLAT" \
    "[{\"id\":\"ev9\",\"type\":\"content.published\",\"content\":\"post-501\",\"text\":\"$EDIT\",\"at\":\"2026-11-28T12:00:00+05:00\"}]"
has reup-event body '"accepted":1'

# Images: an order closed with the removed image's bytes puts their
# SHA-256 and the image's PDQ hash in the bank. A copy resized to half and
# re-encoded at JPEG quality 50 (made here) is block_kz by media_pdq,
# whether the platform sends its bytes or the PDQ hash it computed;
# another picture is not; a flat image gives no usable PDQ hash.
"$MK" scene 7 640 480 "$T/orig.jpg" 92 &&
    "$MK" resize "$T/orig.jpg" 320 240 "$T/small.jpg" 50 &&
    "$MK" scene 8 640 480 "$T/other.jpg" 90 &&
    "$MK" flat 200 200 "$T/flat.png" || bad "mkimg failed"
b64() { base64 -w0 "$1"; }
cmp -s "$T/orig.jpg" "$T/small.jpg" && bad "the copy has the same bytes"
call order-add3 201 POST /v1/orders "$MOD" \
    '{"issuer":"MCI RK","number":"77/3","basis":"fraud","targets":["img:10"],"action":"remove","received_at":"2026-11-28T09:00:00+05:00"}'
OID3=$(field id)
call order-close3 200 POST "/v1/orders/$OID3/close" "$MOD" \
    "{\"at\":\"2026-11-28T10:00:00+05:00\",\"action\":\"remove\",\"evidence\":\"image removed\",\"media_base64\":\"$(b64 "$T/orig.jpg")\"}"
has order-close3 body '"fingerprints":["media_sha256","media_pdq"]'
ORIG_PDQ=$("$E" fingerprint "$T/orig.jpg" | sed -n 's/.*"pdq":"\([0-9a-f]*\)".*/\1/p')
eq "fingerprint: a PDQ hash" "${#ORIG_PDQ}" 64
has order-close3 body "\"media_pdq\":\"$ORIG_PDQ\""
call reup-img 200 POST /v1/content/check "$PLAT" \
    "{\"id\":\"i1\",\"text\":\"\",\"media_base64\":\"$(b64 "$T/small.jpg")\"}"
has reup-img body "\"reupload\":{\"order\":\"$OID3\",\"match\":\"near\",\"by\":\"media_pdq\""
has reup-img body '"decision":"block_kz"'
has reup-img body '"format":"jpeg","width":320,"height":240'
SMALL_PDQ=$("$E" fingerprint "$T/small.jpg" | sed -n 's/.*"pdq":"\([0-9a-f]*\)".*/\1/p')
call reup-pdq 200 POST /v1/content/check "$PLAT" \
    "{\"id\":\"i2\",\"text\":\"\",\"media_pdq\":\"$SMALL_PDQ\"}"
has reup-pdq body "\"reupload\":{\"order\":\"$OID3\",\"match\":\"near\",\"by\":\"media_pdq\""
# the upper-case hex form is the same hash
UPPER=$(echo "$SMALL_PDQ" | tr a-f A-F)
call reup-pdq-upper 200 POST /v1/content/check "$PLAT" \
    "{\"id\":\"i2u\",\"text\":\"\",\"media_pdq\":\"$UPPER\"}"
has reup-pdq-upper body '"by":"media_pdq"'
call reup-img-exact 200 POST /v1/content/check "$PLAT" \
    "{\"id\":\"i3\",\"text\":\"\",\"media_base64\":\"$(b64 "$T/orig.jpg")\"}"
has reup-img-exact body '"match":"exact","by":"media_sha256","distance":0'
call reup-img-other 200 POST /v1/content/check "$PLAT" \
    "{\"id\":\"i4\",\"text\":\"\",\"media_base64\":\"$(b64 "$T/other.jpg")\"}"
has reup-img-other body '"reupload":null'
# bytes that are not an image: a SHA-256 only, and the reason
call media-not-image 200 POST /v1/content/check "$PLAT" \
    '{"id":"i5","text":"","media_base64":"aGVsbG8gd29ybGQ="}'
has media-not-image body '"note":"not a JPEG or PNG image"'
has media-not-image body '"reupload":null'
err media-bad-b64 400 FIELD_VALUE POST /v1/content/check "$PLAT" \
    '{"id":"i6","text":"","media_base64":"***"}'
err media-sha-mismatch 400 FIELD_VALUE POST /v1/content/check "$PLAT" \
    "{\"id\":\"i7\",\"text\":\"\",\"media_sha256\":\"$HASH\",\"media_base64\":\"$(b64 "$T/orig.jpg")\"}"
has media-sha-mismatch body 'does not match'
err media-pdq-bad 400 FIELD_VALUE POST /v1/content/check "$PLAT" \
    '{"id":"i8","text":"","media_pdq":"xyz"}'
# a flat image: closed with its SHA-256 only, and the evidence says why
call order-add4 201 POST /v1/orders "$MOD" \
    '{"issuer":"MCI RK","number":"77/4","basis":"fraud","targets":["img:11"],"action":"remove","received_at":"2026-11-28T09:00:00+05:00"}'
OID4=$(field id)
call order-close4 200 POST "/v1/orders/$OID4/close" "$MOD" \
    "{\"at\":\"2026-11-28T10:00:00+05:00\",\"action\":\"remove\",\"evidence\":\"image removed\",\"media_base64\":\"$(b64 "$T/flat.png")\"}"
has order-close4 body '"fingerprints":["media_sha256"]'
has order-close4 body 'too featureless to match on'
# content.published: the PDQ hash is taken, the bytes are not
call reup-img-event 200 POST /v1/events "$PLAT" \
    "[{\"id\":\"ev10\",\"type\":\"content.published\",\"content\":\"post-502\",\"text\":\"\",\"media_pdq\":\"$SMALL_PDQ\",\"at\":\"2026-11-28T12:00:00+05:00\"},{\"id\":\"ev11\",\"type\":\"content.published\",\"content\":\"post-503\",\"text\":\"\",\"media_base64\":\"aGVsbG8=\",\"at\":\"2026-11-28T12:00:00+05:00\"}]"
has reup-img-event body '"accepted":1'
has reup-img-event body '"message":"media_base64: not taken here'
stop c "$SRV"

# The CLI: an order closed with --media-file, then `ereje label` with the
# copy's PDQ hash and `ereje audit content` find the re-upload.
CDB=$T/cli.db
run cli-order-add 0 "$E" --policy-dir "$SRC/policies" order add --db "$CDB" \
    --body "MCI RK" --number 5 --basis fraud --target img:1 --action remove \
    --received-at 2026-11-28T09:00:00+05:00
COID=$(sed -n 's/.*"id":"\(ord_[0-9a-f]*\)".*/\1/p' "$T/out")
run cli-order-close 0 "$E" --policy-dir "$SRC/policies" order close \
    --db "$CDB" --id "$COID" --action remove --evidence removed \
    --at 2026-11-28T10:00:00+05:00 --media-file "$T/orig.jpg"
has cli-order-close out '"fingerprints":["media_sha256","media_pdq"]'
run cli-order-close-none 3 "$E" --policy-dir "$SRC/policies" order close \
    --db "$CDB" --id "$COID" --action remove --evidence removed \
    --at 2026-11-28T10:00:00+05:00 --media-file "$T/none.jpg"
run cli-order-close-badpdq 2 "$E" --policy-dir "$SRC/policies" order close \
    --db "$CDB" --id "$COID" --action remove --evidence removed \
    --at 2026-11-28T10:00:00+05:00 --media-pdq abc
printf '{"id":"m1","text":"","media_pdq":"%s"}\n{"id":"m2","text":"","media_pdq":"%s"}\n' \
    "$SMALL_PDQ" "$ORIG_PDQ" >"$T/media.jsonl"
run cli-label 0 "$E" --policy-dir "$SRC/policies" label --db "$CDB" "$T/media.jsonl"
has cli-label out "\"reupload\":{\"order\":\"$COID\",\"match\":\"near\",\"by\":\"media_pdq\""
has cli-label out '"by":"media_pdq","distance":0'
run cli-fingerprint 3 "$E" fingerprint "$T/orig.jpg" "$T/none.jpg" "$T/flat.png"
has cli-fingerprint out '"format":"jpeg","width":640,"height":480'
has cli-fingerprint out '"error":"IO"'
has cli-fingerprint out '"quality":0,"note":"PDQ quality 0 is below 50'
run cli-fingerprint-usage 2 "$E" fingerprint

# Enforced drafts: the label takes effect and is in labelled_text.
start e "$DB" --model "$SRC/models/content.model" --enforce-drafts || { summary; exit 1; }
call enforce 200 POST /v1/content/check "$PLAT" "$TAROT"
has enforce body '"decision":"label","advisory":"label"'
has enforce body '"mode":"enforce"'
has enforce body '"labelled_text":"Расклад таро на любовь 🔮 5000 тг, пишите в директ\u000a\u000aМатериал носит развлекательный характер'
call enforce-hold 200 POST /v1/content/check "$PLAT" \
    '{"id":"p7","author":"nobody","text":"Марафон по правильному питанию: составим рацион, разберём калории, 21 день"}'
has enforce-hold body '"decision":"hold"'
has enforce-hold body '"labelled_text":null'
stop e "$SPID"

# A model named with --model must load: else the service does not start.
run bad-model 3 "$E" --policy-dir "$SRC/policies" serve --db "$DB" \
    --listen 127.0.0.1:0 --model "$T/none.model"
has bad-model err "none.model"
# Without the default model the service runs, and the check answers 503.
EREJE_MODEL=$T/none.model
export EREJE_MODEL
start n "$DB" || { summary; exit 1; }
unset EREJE_MODEL
err no-model 503 CONTENT_MODEL_MISSING POST /v1/content/check "$PLAT" "$TAROT"
has no-model-log n.err "content labelling off"
call no-model-quals 200 GET /v1/authors/acc-7/qualifications "$AUD"
stop n "$SPID"

# The log: decisions and qualifications, digests and no text; intact.
run verify 0 "$E" audit verify --db "$DB"
run export 0 "$E" audit export --db "$DB"
has log out '"type":"content.checked"'
has log out '"type":"author.qualification"'
has log out '"id":"ev1#content"'
grep '"id":"ev9#content"' "$T/out" >"$T/ev9"
has log-reupload ev9 '"decision":"block_kz"'
has log-reupload ev9 "\"order\":\"$OID\""
has log out '"text_sha256":"'
lacks log out 'пишите в директ'
lacks log out 'Натальная карта с разбором'
summary
[ "$fail" -eq 0 ]
