#!/bin/sh
# Content labelling figures (issue 5), appended to BUILD/bench.json:
#   - classification MB/s per core and the phrase layer alone
#     (bench_content.c, on our posts repeated to ~32 MB);
#   - ripgrep (rg -F -i -f) with the same phrases over the same text, and
#     the ratio of throughputs (target >= 1.0);
#   - fastText trained on the same training data (corpus train split and
#     the training part of our posts): macro-F1 on the corpus's test split
#     and on the held-out posts, and prediction MB/s, against ours.
# Usage: bench/content.sh BUILD_DIR
set -eu
B=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=$B/bench.json
MODEL=$SRC/models/content.model
CORPUS=${CORPUS:-$SRC/../shared/corpus/topics.tsv}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

# Our posts, one a line (the text column; line breaks as spaces).
for f in "$SRC"/data/posts/*.tsv; do
    tail -n +2 "$f" | cut -f4 | sed 's/\\n/ /g'
done >"$T/posts.txt"
"$B/bench/ereje-bench-content" "$OUT" "$MODEL" "$T/posts.txt" "$T/big.txt" |
    tee "$T/content.out"
figure() { awk -v n="$1" '$1 == "bench:" && $2 == n { print $3 }' "$T/content.out"; }

bytes=$(wc -c <"$T/big.txt")
# Best of three wall-clock runs of a command, in seconds.
best() {
    b=
    for _ in 1 2 3; do
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s.%N)
        b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { t = e - s; if (b == "" || t < b) b = t; print b }')
    done
    echo "$b"
}

# ripgrep: the same phrases, as fixed strings, case-insensitive, one
# thread (ours is one core).
grep -v '^#' "$SRC/models/phrases.tsv" | cut -f4 | sed 's/\$$//' | grep . >"$T/phrases.txt"
rg_s=$(best rg -j1 -F -i -c -f "$T/phrases.txt" "$T/big.txt")
rg_mb=$(awk -v b="$bytes" -v s="$rg_s" 'BEGIN { printf "%.3f", b / 1e6 / s }')
ours_phr=$(figure content_phrase_layer_mb_per_s)
ours_cls=$(figure content_classify_mb_per_s)

# fastText on the same data (ereje-train fasttext writes the splits).
"$B/ereje-train" fasttext --corpus "$CORPUS" --posts "$SRC/data/posts" --out "$T"
# Same n-grams as ours (word pairs, character 3-4-grams) and the same
# hashed space (2^18 buckets).
fasttext supervised -input "$T/train.txt" -output "$T/ft" -epoch 25 -lr 0.5 \
    -wordNgrams 2 -minn 3 -maxn 4 -dim 50 -bucket 262144 -thread 1 -seed 1 \
    -verbose 0
# macro-F1 over the three classes from gold (first token) and predictions.
macro_f1() {
    cut -d' ' -f1 "$1" >"$T/gold"
    fasttext predict "$T/ft.bin" "$1" >"$T/pred"
    paste -d' ' "$T/gold" "$T/pred" | awk '
        { tp[$1] += ($1 == $2); g[$1]++; p[$2]++ }
        END { n = 0; s = 0
              for (c in g) { pr = p[c] ? tp[c] / p[c] : 0; rc = tp[c] / g[c]
                             f = pr + rc ? 2 * pr * rc / (pr + rc) : 0; s += f; n++ }
              printf "%.4f", s / n }'
}
ft_corpus=$(macro_f1 "$T/test_corpus.txt")
ft_posts=$(macro_f1 "$T/test_posts.txt")
cp "$T/big.txt" "$T/big_ft.txt"
head -n 1 "$T/big.txt" >"$T/one_ft.txt"
ft_s=$(best fasttext predict "$T/ft.bin" "$T/big_ft.txt")
ft_load=$(best fasttext predict "$T/ft.bin" "$T/one_ft.txt")
# prediction time without loading the model
ft_mb=$(awk -v b="$bytes" -v s="$ft_s" -v l="$ft_load" 'BEGIN { printf "%.3f", b / 1e6 / (s - l) }')
ours=$("$B/ereje-train" eval --model "$MODEL" --corpus "$CORPUS" --posts "$SRC/data/posts" |
       sed -n 's/^macro-F1: corpus test \([0-9.]*\), held-out posts \([0-9.]*\).*/\1 \2/p')
ours_corpus=${ours% *}
ours_posts=${ours#* }

"$B/bench/ereje-bench" --append "$OUT" \
    content_rg_phrases_mb_per_s "$rg_mb" MB/s \
    content_phrase_layer_vs_rg "$(awk -v a="$ours_phr" -v b="$rg_mb" 'BEGIN { printf "%.4f", a / b }')" x \
    content_fasttext_predict_mb_per_s "$ft_mb" MB/s \
    content_classify_vs_fasttext_speed "$(awk -v a="$ours_cls" -v b="$ft_mb" 'BEGIN { printf "%.4f", a / b }')" x \
    content_macro_f1_corpus_test "$ours_corpus" F1 \
    content_fasttext_macro_f1_corpus_test "$ft_corpus" F1 \
    content_f1_vs_fasttext_corpus_test "$(awk -v a="$ours_corpus" -v b="$ft_corpus" 'BEGIN { printf "%.4f", a / b }')" x \
    content_macro_f1_heldout_posts "$ours_posts" F1 \
    content_fasttext_macro_f1_heldout_posts "$ft_posts" F1 \
    content_f1_vs_fasttext_heldout_posts "$(awk -v a="$ours_posts" -v b="$ft_posts" 'BEGIN { printf "%.4f", a / b }')" x
