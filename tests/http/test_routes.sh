#!/bin/sh
# Every route in the server's route table is described in
# docs/openapi.yaml (path and method). Usage: test_routes.sh EREJE SRC
set -u
E=$1
SRC=$2
routes=$("$E" serve --list-routes) || { echo "routes: cannot list"; exit 1; }
[ -n "$routes" ] || { echo "routes: empty route table"; exit 1; }
pass=0 fail=0
# Read from a here-document so the counters stay in this shell.
while read -r method path roles; do
    m=$(echo "$method" | tr 'A-Z' 'a-z')
    # The path's block: from "  PATH:" to the next key at two spaces.
    if awk -v p="  $path:" -v m="    $m:" '
        $0 == p { inside = 1; next }
        inside && /^  [^ ]/ { inside = 0 }
        inside && $0 == m { found = 1 }
        END { exit !found }' "$SRC/docs/openapi.yaml"; then
        pass=$((pass + 1))
    else
        echo "FAIL $method $path ($roles) is not in docs/openapi.yaml"
        fail=$((fail + 1))
    fi
done <<EOT
$routes
EOT
echo "routes: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
