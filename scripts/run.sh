#!/bin/sh
# `make run`: the main job. Checks the shipped policy; creates, if absent,
# var/demo.db with a synthetic platform's events (ereje demo generate), an
# admin key and the identity-data key; prints ready-to-paste curl examples;
# runs the service on 127.0.0.1:8080 until Ctrl-C (or SIGTERM).
set -eu
cd "$(dirname "$0")/.."
E=build/ereje
DB=var/demo.db
LISTEN=${EREJE_LISTEN:-127.0.0.1:8080}

$E policy check
mkdir -p var
if [ ! -s var/demo.key ] || [ ! -f "$DB" ]; then
    rm -f var/demo.key
    umask 077
    $E keys create --db "$DB" --role admin --label "make run demo" 2>/dev/null |
        sed -n 's/.*"key":"\([^"]*\)".*/\1/p' >var/demo.key
    umask 022
    [ -f var/identity.key ] || $E keys init --key-file var/identity.key >/dev/null
    echo "loading demo data: 2,000 accounts, 30 days of follower counts"
    $E demo generate --accounts 2000 --days 30 --start 2026-10-29 |
        $E ingest --db "$DB" --key-file var/identity.key -
    echo "created $DB, an admin key in var/demo.key, var/identity.key"
fi
[ -f var/identity.key ] || $E keys init --key-file var/identity.key >/dev/null
KEY=$(cat var/demo.key)
URL="http://$LISTEN"

cat <<EOT

Try it (in another terminal):

  curl -s $URL/healthz
  curl -s -H "Authorization: Bearer $KEY" $URL/v1/registrations/check \\
       -d '{"service":"social_network","birth_date":"2012-01-01","at":"2026-11-28T10:00:00+05:00"}'
  curl -s -H "Authorization: Bearer $KEY" $URL/v1/registrations/check \\
       -d '{"service":"instant_messaging","iin":"900101300186"}'
  curl -s $URL/metrics | grep ereje_registration
  curl -s -H "Authorization: Bearer $KEY" $URL/v1/registry/anonymous
  curl -s -H "Authorization: Bearer $KEY" $URL/v1/accounts/acct0000059
  curl -s -H "Authorization: Bearer $KEY" $URL/v1/events \\
       -d '{"id":"demo-1","type":"account.followers","account":"newcomer","followers":5001,"at":"2026-11-28T10:00:00+05:00"}'
  curl -s -H "Authorization: Bearer $KEY" $URL/v1/content/check \\
       -d '{"id":"p1","text":"Расклад таро на любовь 🔮 5000 тг, пишите в директ"}'
  curl -s -H "Authorization: Bearer $KEY" $URL/v1/authors/acc-1/qualifications \\
       -d '{"type":"diploma","number":"D-1","issuer":"KazNMU","fields":["medicine"],"status":"verified"}'
  curl -s -H "Authorization: Bearer $KEY" $URL/v1/content/check \\
       -d '{"id":"p2","author":"acc-1","text":"Марафон по правильному питанию, 21 день, старт 1 декабря"}'
  $E registry export --db $DB --format csv
  $E report audience --db $DB --month 2026-11
  $E audit verify --db $DB
  $E audit export --db $DB | tail -n 3
  $E --enforce-drafts check registration --service social_network \\
       --at 2026-11-28T10:00:00+05:00 --birth-date 2012-01-01

EOT
exec $E serve --db "$DB" --listen "$LISTEN" --key-file var/identity.key
