#!/usr/bin/env bash
# Makes this directory's runs again, from a clean work tree (about 35 minutes on a 2-core machine; run nothing
# else meanwhile), then checks issue 12's claims on them:
#   bench-results/fairness-2026-12-02/measure.sh && python3 bench-results/fairness-2026-12-02/check.py
# The quick run is also the committed baseline (bench-results/baseline/).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
here="$root/bench-results/fairness-2026-12-02"
cd "$root"
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
  echo "measure.sh: the work tree has changes; commit them first (baselines come from clean trees)" >&2
  exit 2
fi
runs="$(mktemp -d /tmp/allocbench-fairness-XXXXXX)"
trap 'rm -rf "$runs"' EXIT

# $1: name; the rest: allocbench arguments. Keeps the run directory (results, campaign, exports, report, hlog/,
# jmh/) as $here/$1 and what the command printed as $here/$1/output.txt.
run() {
  local name="$1"; shift
  scripts/allocbench "$@" --out "$runs/$name" --progress plain > "$runs/$name.out"
  rm -rf "${here:?}/$name"
  cp -r "$runs/$name"/*/ "$here/$name"
  cp "$runs/$name.out" "$here/$name/output.txt"
}

run quick run
run quick-100k run --ops 100000
run jmh-forked run --campaign "$here/jmh-forked.yaml"
scripts/allocbench verify-pg --ops 100000 > "$here/verify-pg.txt"
