#!/bin/sh
# Run the instrumented classifier over our posts and hand each hot file's
# counts to the tuned build (EJ_PGO in CMakeLists.txt).
# Usage: profile.sh WORKLOAD GEN_DIR USE_DIR STAMP HOT_NAMES MODEL POSTS...
#   GEN_DIR   where the instrumented objects (and so their .gcda) are
#   USE_DIR   the object directory of the tuned core's lib/ files
#   HOT_NAMES the hot files' names, separated by ',' (textnorm.c,...)
# When the workload cannot run (say the model no longer loads after a
# change of its format), the hot files are built without counts: a
# warning, not a failed build, so that `make train` can still build the
# trainer and make a model that loads.
set -eu
W=$1 GEN=$2 USE=$3 STAMP=$4 HOT=$5
shift 5
# Counts left by an earlier run would be added to, not replaced.
find "$GEN" -name '*.gcda' -exec rm -f {} +
mkdir -p "$USE"
if ! "$W" "$@"; then
    echo "profile.sh: warning: the classifier's profile run failed; its" \
         "hot files are built without profile-guided optimization" \
         "(configure with -DEJ_PGO=OFF to skip the run)" >&2
    echo "$HOT" | tr ',' '\n' | while read -r f; do
        [ -n "$f" ] && rm -f "$USE/$f.gcda"
    done
    touch "$STAMP"
    exit 0
fi
echo "$HOT" | tr ',' '\n' | while read -r f; do
    [ -n "$f" ] || continue
    g=$(find "$GEN" -name "$f.gcda" | head -n 1)
    if [ -z "$g" ]; then
        echo "profile.sh: the workload left no counts for $f" >&2
        exit 1
    fi
    cp "$g" "$USE/$f.gcda"
done
touch "$STAMP"
