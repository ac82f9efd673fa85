#!/bin/sh
# `make run`: the main job. Checks the shipped policy, creates var/demo.db
# and an admin key if absent, prints ready-to-paste curl examples, and runs
# the service on 127.0.0.1:8080 until Ctrl-C (or SIGTERM).
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
    echo "created $DB and an admin key in var/demo.key"
fi
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
  $E audit verify --db $DB
  $E audit export --db $DB | tail -n 3
  $E --enforce-drafts check registration --service social_network \\
       --at 2026-11-28T10:00:00+05:00 --birth-date 2012-01-01

EOT
exec $E serve --db "$DB" --listen "$LISTEN"
