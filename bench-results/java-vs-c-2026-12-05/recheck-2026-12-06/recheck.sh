#!/usr/bin/env bash
# The two cells the committed run failed, measured again with more forks: sort-tuples (median 1.28 there)
# and large-chunks (speed and faults), aset-java beside aset-native. 4 rounds; in each, every lane runs
# 2 JMH forks (2 warm-up + 4 measured 1 s iterations), the lanes' order rotated by round: 8 forks per lane,
# interleaved, so host drift hits both lanes alike. About 8 minutes on 2 cores; nothing else may run.
#   bench-results/java-vs-c-2026-12-05/recheck-2026-12-06/recheck.sh && python3 .../recheck.py
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
mkdir -p "$here/jmh"
for pair in lc:large-chunks st:sort-tuples; do
  tag=${pair%%:*}; trace=${pair#*:}
  set -- aset-native aset-java
  for round in 1 2 3 4; do
    for lane in "$@"; do
      "$root/scripts/allocbench" bench 'org.allocbench.bench.ReplayBenchmark.replay$' -p allocator="$lane" \
        -p trace="$trace" -f 2 -wi 2 -i 4 -w 1 -r 1 -rf json -rff "$here/jmh/$tag-$lane-$round.json" >/dev/null
    done
    set -- "${@:2}" "$1"
  done
done
