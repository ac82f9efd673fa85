#!/bin/sh
# HTTP tests of content labelling (docs/API.md, "Content labelling"):
# /v1/content/check in shadow and enforce mode, qualifications per author,
# expiry, roles, bad input, content.published events, and the audit events
# (the text's digest, never the text). Usage: test_content.sh EREJE SOURCE_DIR
set -u
E=$1
SRC=$2
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
err too-long 400 TOO_BIG POST /v1/content/check "$PLAT" "{\"id\":\"x\",\"text\":\"$big\"}"
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
stop c "$SRV"

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
run bad-model 2 "$E" --policy-dir "$SRC/policies" serve --db "$DB" \
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
has log out '"text_sha256":"'
lacks log out 'пишите в директ'
lacks log out 'Натальная карта с разбором'
summary
[ "$fail" -eq 0 ]
