#!/usr/bin/env python3
"""Prints the README's "call C or write it in Java?" table from this directory's run, and checks issue 18's bars.

    python3 bench-results/java-vs-c-2026-12-06/table.py

Reads results.json (campaign.yaml's run: JMH per-op lanes, 3 forks per cell, beside the whole-trace C lane) and
prints, per trace, the median ns/op of each lane and the three prices, each the difference of two lanes measured
in this one run:
  binding  aset-native (C, a downcall per op)  - aset-c (C, the whole trace in one call)
  zeroing  aset-java-zeroing (arena blocks)    - aset-java (malloc blocks)
  heap     aset-java-heap (long[] blocks)       - aset-java
then aset-java / aset-native with a 95% interval (a bootstrap over forks, then over iterations in a fork, as the
suite's own intervals) and the minor faults per replay of large-chunks (from JMH's secondary results in jmh/), with
PASS or FAIL for the bars: aset-java within 1.2x of aset-native on every trace, and large-chunks' faults within 2x
of native's, each lane's faults the median over its forks (as its ns/op): one fork in eight takes about ten times
the faults of the others, in either lane (java-vs-c-2026-12-05/recheck-2026-12-06/), and with three forks a sum
over forks fails or passes on where that fork fell. The sum over forks is printed too. A trace the Java lanes cannot replay (one of several threads) is listed as NOT RUN with the reason.
"""
import glob
import json
import os
import random
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LANES = ["aset-c", "aset-native", "aset-java", "aset-java-zeroing", "aset-java-heap"]
BAR = 1.2
FAULT_BAR = 2.0


def load():
    with open(os.path.join(HERE, "results.json")) as f:
        run = json.load(f)
    cells = {}
    for c in run["cells"]:
        if c["status"] == "ok" and c["metric"] in ("replay", "wholetrace"):
            cells[(c["allocator"], c["trace"])] = c
    traces = []
    for c in run["cells"]:
        if c["trace"] not in traces:
            traces.append(c["trace"])
    notrun = [c for c in run["cells"] if c["status"] != "ok"]
    return cells, traces, notrun


def by_fork(cell):
    forks = {}
    for fork, sample in zip(cell["sampleForks"], cell["samples"]):
        forks.setdefault(fork, []).append(sample)
    return list(forks.values())


def resampled_median(forks, rng):
    picked = [rng.choice(forks) for _ in forks]
    return statistics.median([rng.choice(f) for f in picked for _ in f])


def ratio_interval(num, den, rounds=4000, seed=18):
    rng = random.Random(seed)
    a, b = by_fork(num), by_fork(den)
    ratios = sorted(resampled_median(a, rng) / resampled_median(b, rng) for _ in range(rounds))
    return ratios[int(0.025 * rounds)], ratios[int(0.975 * rounds) - 1]


def faults_per_fork(lane, trace):
    """(faults, replays) per fork from JMH's secondary results (jmh/LANE__TRACE.json, or one file per fork)."""
    paths = sorted(glob.glob(os.path.join(HERE, "jmh", "%s__%s.json" % (lane, trace)))) + \
        sorted(glob.glob(os.path.join(HERE, "jmh", "%s__%s-fork*.json" % (lane, trace))))
    forks = []
    for path in paths:
        with open(path) as f:
            secondary = json.load(f)[0]["secondaryMetrics"]
        # rawData: per fork, per iteration
        for faults, replays in zip(secondary["minflt"]["rawData"], secondary["replays"]["rawData"]):
            forks.append((sum(faults), sum(replays)))
    return forks


def faults_per_replay(lane, trace):
    """Minor faults per replay over all forks pooled, or None."""
    forks = faults_per_fork(lane, trace)
    replays = sum(r for _, r in forks)
    return sum(f for f, _ in forks) / replays if replays else None


def median_faults_per_replay(lane, trace):
    """The median over forks of each fork's minor faults per replay, or None."""
    per_fork = [f / r for f, r in faults_per_fork(lane, trace) if r]
    return statistics.median(per_fork) if per_fork else None


def main():
    cells, traces, notrun = load()
    failures = []
    unable = []
    print("| trace | C whole-trace | C per-op (FFM) | Java off-heap | Java zeroing | Java on-heap | binding"
          " | zeroing | heap | Java / C per-op [95% CI] |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for trace in traces:
        m = {lane: cells[(lane, trace)]["median"] if (lane, trace) in cells else None for lane in LANES}

        def cell(v):
            return "-" if v is None else ("%.1f" % v if v < 100 else "%.0f" % v)

        def diff(a, b):
            return "-" if m[a] is None or m[b] is None else "%+.1f" % (m[a] - m[b]) if abs(m[a] - m[b]) < 100 \
                else "%+.0f" % (m[a] - m[b])
        ratio = "-"
        if m["aset-java"] is not None and m["aset-native"] is not None:
            lo, hi = ratio_interval(cells[("aset-java", trace)], cells[("aset-native", trace)])
            r = m["aset-java"] / m["aset-native"]
            ratio = "%.2f [%.2f, %.2f]" % (r, lo, hi)
            if r > BAR:
                failures.append("%s: aset-java / aset-native %.2f above %.1f" % (trace, r, BAR))
        else:
            reasons = [c["reason"] for c in notrun if c["trace"] == trace and c["allocator"] == "aset-java"]
            unable.append("%s: %s" % (os.path.basename(trace), reasons[0] if reasons else "a lane did not run"))
        name = os.path.basename(trace).replace(".trace.gz", "")
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, cell(m["aset-c"]), cell(m["aset-native"]), cell(m["aset-java"]), cell(m["aset-java-zeroing"]),
            cell(m["aset-java-heap"]), diff("aset-native", "aset-c"), diff("aset-java-zeroing", "aset-java"),
            diff("aset-java-heap", "aset-java"), ratio))

    print()
    for lane in ["aset-native", "aset-java", "aset-java-zeroing", "aset-java-heap"]:
        f = faults_per_replay(lane, "large-chunks")
        per_fork = ", ".join("%.2f" % (faults / replays) for faults, replays in faults_per_fork(lane, "large-chunks")
                             if replays)
        med = median_faults_per_replay(lane, "large-chunks")
        print("large-chunks minor faults per replay, %s: median over forks %s, pooled %s (forks: %s)" % (
            lane, "-" if med is None else "%.2f" % med, "-" if f is None else "%.2f" % f, per_fork))
    native = median_faults_per_replay("aset-native", "large-chunks")
    java = median_faults_per_replay("aset-java", "large-chunks")
    if native is None or java is None:
        failures.append("large-chunks: no fault counts")
    elif java > FAULT_BAR * native:
        failures.append("large-chunks: aset-java %.2f faults per replay, above %.1fx native's %.2f" % (
            java, FAULT_BAR, native))
    print()
    for u in unable:
        print("NOT RUN " + u)
    for f in failures:
        print("FAIL " + f)
    print("PASS" if not failures else "%d FAIL" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
