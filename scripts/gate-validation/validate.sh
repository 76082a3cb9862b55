#!/usr/bin/env bash
# Gate validation with the real runner at the default settings (issue 14): `allocbench gate` with
# --baseline BASE.jar and --candidate either BASE.jar (A/A) or a deliberately slower build of it
# (scripts/make-slow-jar --iters N: only aset-native's native library changes), round-robin over
# the kinds so that whatever number of rounds fits is balanced. Defaults: campaign gate, 10 forks
# per side, --max-regression 5%, 95% confidence.
#
#   validate.sh WORK_DIR DEADLINE_EPOCH     (jars in WORK_DIR: base.jar, slow-5.jar, slow-6.jar, slow-8.jar)
#
# Appends one line per gate run to WORK_DIR/results.tsv: kind, round, exit code, seconds, the
# verdict line, then per aset-native cell its ratio and interval. No run starts after the deadline.
set -uo pipefail
work="$1"; deadline="$2"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
run_gate() { # candidate jar, work dir, log
  GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384 "$java" --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow -jar "$work/base.jar" gate --baseline "$work/base.jar" \
    --candidate "$1" --work "$2" --summary "$2.md" > "$3" 2>&1
}
[[ -f "$work/results.tsv" ]] || printf 'kind\tround\texit\tseconds\tverdict\tsmall-churn\tper-tuple-reset\tlogrand\n' > "$work/results.tsv"
# continue after the last recorded round (logs are named kind-round)
round=$(( $(awk -F'\t' 'NR > 1 && $2 > m {m = $2} END {print m + 0}' "$work/results.tsv") + 1 ))
while :; do
  for kind in aa s5 s10 s15; do
    (( $(date +%s) + 160 < deadline )) || { echo "deadline: stopped before $kind round $round" >> "$work/results.tsv.log"; exit 0; }
    case $kind in aa) cand=base.jar ;; s5) cand=slow-5.jar ;; s10) cand=slow-6.jar ;; s15) cand=slow-8.jar ;; esac
    dir="$work/$kind-$round"; log="$dir.log"
    start=$(date +%s); run_gate "$work/$cand" "$dir" "$log"; rc=$?; secs=$(( $(date +%s) - start ))
    verdict=$(grep -E '^(PASS|FAIL)' "$log" | head -1 | cut -c1-300)
    cells=""
    for t in small-churn per-tuple-reset logrand; do
      cells+=$'\t'$(grep -E "^aset-native x $t " "$log" | awk '{print $6, $7, $8}' | sed 's/ *$//')
    done
    printf '%s\t%d\t%d\t%d\t%s%s\n' "$kind" "$round" "$rc" "$secs" "$verdict" "$cells" >> "$work/results.tsv"
    rm -rf "$dir"   # the fork runs (about 1 MB); the log and the Markdown summary stay
  done
  round=$((round + 1))
done
