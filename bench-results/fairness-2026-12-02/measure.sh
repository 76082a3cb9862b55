#!/usr/bin/env bash
# Makes this directory's runs again, from a clean work tree (about 50 minutes on a 2-core machine; run nothing
# else meanwhile), then checks issue 12's claims on them:
#   bench-results/fairness-2026-12-02/measure.sh && python3 bench-results/fairness-2026-12-02/check.py
# The quick run at its defaults is the committed baseline (bench-results/baseline/).
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

# $1: where to keep it; the rest: allocbench arguments. Keeps the run directory (results, campaign, exports,
# report, hlog/, jmh/) as $1 and what the command printed as $1/output.txt.
run() {
  local keep="$1"; shift
  local name; name="$(basename "$keep")"
  scripts/allocbench "$@" --out "$runs/$name" --progress plain > "$runs/$name.out"
  rm -rf "${keep:?}"
  cp -r "$runs/$name"/*/ "$keep"
  cp "$runs/$name.out" "$keep/output.txt"
}

run "$root/bench-results/baseline" run
run "$here/quick-100k" run --ops 100000
run "$here/jmh-forked" run --campaign "$here/jmh-forked.yaml"
run "$here/binding-5forks" run --campaign "$here/binding-5forks.yaml"
scripts/allocbench verify-pg --ops 100000 > "$here/verify-pg.txt"
