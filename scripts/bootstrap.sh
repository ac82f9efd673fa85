#!/bin/sh
# Install the Debian packages ereje needs to build, test and run.
# Idempotent: one dpkg-query when everything is there, and silent then.
# Every Makefile target runs it first; the package list is the single
# source of truth for the project's system dependencies.
set -eu

PKGS="gcc libc6-dev make cmake pkg-config tzdata
libyaml-dev libjansson-dev libcmocka-dev"

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
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "bootstrap: done" >&2
