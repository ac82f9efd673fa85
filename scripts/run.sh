#!/bin/sh
# `make run`: the main job as far as it exists. Checks the shipped policy,
# lists its rules, and shows the identity-number and deadline commands.
set -eu
cd "$(dirname "$0")/.."
E=build/ereje
say() { printf '\n$ %s\n' "$*"; "$@" || true; }
say $E policy check
say $E policy list
say $E idnum check 940740000911 000000000000 123456789012
say $E deadline --from 2026-03-19T10:00:00+05:00 --add 5wd
say $E deadline --from 2026-11-28T18:30:00+05:00 --add 24h
say $E deadline --from 2024-02-29T10:00:00+06:00 --add 24h
