#!/usr/bin/env bash
# test_programs.sh -- the two helper programs that fork and thread, driven as the JVM drives them:
# allocbench-procs (the process model on each segment kind) and allocbench-replay --threads (thread
# scaling), both on the example trace of docs/trace-format.md, whose counters docs/postgres-memory.md
# works out by hand (16+ layout, before the final delete: 8192 total, 1 block, 7928 free, 0 chunks, 264 used).
#
#   test_programs.sh PROCS REPLAY LIBRARY [WRAPPER...]
#
# WRAPPER (valgrind with its options, or nothing) runs in front of each program; ASan builds of the
# programs are passed as PROCS and REPLAY instead.  Instrumented runs (AB_INSTRUMENTED=1: ASan's shadow
# memory and valgrind fault pages of their own) check the touch's faults as at least one per page, not
# exactly.  Exits 1 on the first wrong figure.
set -euo pipefail
procs=$1 replay=$2 library=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-test-programs.XXXXXX")
trap 'exec 3>&- 2>/dev/null || true; rm -rf "$work"' EXIT

# one 64-bit little-endian word per op: kind | slot << 3 | size << 27
word() {
    local v=$1 i
    for i in 0 1 2 3 4 5 6 7; do
        printf "\\$(printf %03o $(( (v >> (8 * i)) & 255 )))"
    done
}
op() { word $(( $1 | ($2 << 3) | ($3 << 27) )); }
{ op 1 0 100; op 2 1 24; op 3 0 300; op 4 1 0; op 1 2 9000; op 5 0 0; op 1 0 16; } > "$work/example.ops"

# Runs a program with stdin open (the JVM keeps it open: its end means "stop"), one 'g' to start it.
run() {
    rm -f "$work/stdin"
    mkfifo "$work/stdin"
    exec 3<>"$work/stdin"
    printf g >&3
    "$@" <"$work/stdin" >"$work/out" || { echo "FAIL: $* exited with $?"; cat "$work/out"; exit 1; }
    exec 3>&-
}
expect() { grep -q -- "$1" "$work/out" || { echo "FAIL: $2: no \"$1\" in:"; cat "$work/out"; exit 1; }; }

for kind in anonymous posix sysv; do
    run "$@" "$procs" "$kind" 4k 4194304 2 2 "$work/example.ops:3"
    expect "^done$" "$kind"
    for p in 0 1; do
        expect "^process $p .* stats=8192,1,0,7928,264 " "$kind process $p"
        faults=$(sed -n "s/^process $p .* touch_faults=\([0-9]*\) .*/\1/p" "$work/out")
        if [ "${AB_INSTRUMENTED:-0}" = 1 ]; then
            [ "$faults" -ge 1024 ] || { echo "FAIL: $kind process $p: $faults faults, fewer than the pages"; exit 1; }
        else
            [ "$faults" = 1024 ] || { echo "FAIL: $kind process $p: $faults faults, not one per page"; exit 1; }
        fi
    done
    expect "^segment bytes=4194304 page=4096 " "$kind segment"
    [ "$(grep -c '^held ' "$work/out")" = 2 ] || { echo "FAIL: $kind: two held lines expected"; exit 1; }
    echo "ok: allocbench-procs $kind: 2 processes, $faults faults each, the example's counters"
done

run "$@" "$replay" --threads 3 "$library" aset 2 "$work/example.ops:3"
expect "^result 0 ns [0-9]*,[0-9]* minflt [0-9]*,[0-9]* stats 24576,3,0,23784,792 rss " "3 threads"
read -r created start < <(sed -n 's/.* created \([0-9]*\) start \([0-9]*\)$/\1 \2/p' "$work/out")
[ -n "$created" ] && [ "$created" -le "$start" ] || { echo "FAIL: a thread began after timing began"; exit 1; }
echo "ok: allocbench-replay --threads 3: three contexts, threads made before timing"
