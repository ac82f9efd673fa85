#!/bin/sh
# Install the Debian packages ereje needs to build, test and run.
# Idempotent: one dpkg-query when everything is there, and silent then.
# Every Makefile target runs it first; the package lists are the single
# source of truth for the project's system dependencies.
#   bootstrap.sh        what build, run and test need
#   bootstrap.sh bench  that plus the load generator and the reference server
set -eu

PKGS="gcc libc6-dev make cmake pkg-config tzdata
libyaml-dev libjansson-dev libcmocka-dev
libsqlite3-dev libmicrohttpd-dev libsodium-dev libssl-dev
libhyperscan-dev libutf8proc-dev liblinear-dev libcurl4-openssl-dev
libjpeg62-turbo-dev libpng-dev
sqlite3 curl procps"
if [ "${1:-}" = bench ]; then
    PKGS="$PKGS wrk nginx-light fasttext ripgrep"
fi

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: missing Debian packages:$missing" >&2
    echo "bootstrap: run 'make' as root, or install them: sudo apt-get install$missing" >&2
    exit 1
fi

echo "bootstrap: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when they are absent or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
    apt-get update -qq >&2
fi
# Packages that ship a service (nginx) must not start it on install: the
# project runs its servers itself, on 127.0.0.1 only. policy-rc.d is
# Debian's switch for that; ours is removed again afterwards.
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    guard=1
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    [ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
    echo "bootstrap: apt-get install failed for:$missing" >&2
    exit 1
}
[ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
echo "bootstrap: done" >&2
