#!/usr/bin/env python3
"""Checks issue 12's claims on the committed runs of this directory, and prints the tables the README quotes.

    python3 bench-results/fairness-2026-12-02/check.py

Reads (relative to this directory):
  ../baseline/results.json    the quick campaign at its defaults: the committed baseline
  quick-100k/results.json     the quick campaign with --ops 100000 (JMH's op count)
  jmh-forked/results.json     jmh-forked.yaml: per-op lanes in JMH, 3 forks; whole-trace lanes, 3 processes each
  binding-5forks/results.json binding-5forks.yaml: the binding price's allocators and traces again, 5 forks
  verify-pg.txt               allocbench verify-pg --ops 100000
and prints, for each claim, the figures and PASS or FAIL.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STANDARD = ["small-churn", "per-tuple-reset", "array-agg", "logrand", "sort-tuples", "large-chunks"]
BINDING_TRACES = ["small-churn", "logrand", "sort-tuples"]
PEERS = ["glibc", "jemalloc", "mimalloc", "tcmalloc"]
SKIPS_FREES = {"jdk-arena", "jdk-slicing"}
C_LANE = {"aset-native": "aset-c", "aset-pg15": "aset-pg15-c", "glibc": "glibc-c", "jemalloc": "jemalloc-c",
          "mimalloc": "mimalloc-c", "mimalloc-heap": "mimalloc-heap-c", "tcmalloc": "tcmalloc-c"}
failures = []


def load(name):
    with open(os.path.join(HERE, name, "results.json")) as f:
        run = json.load(f)
    return {(c["allocator"], c["trace"], c["metric"]): c for c in run["cells"] if c["status"] == "ok"}, run


def verdict(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def binding(cells, title):
    print("\n== 1. The binding price is the same for everyone (JMH per-op minus the C lane): %s ==" % title)
    print("%-12s %-14s %8s %8s %8s %9s" % ("trace", "allocator", "per-op", "C lane", "binding", "vs aset"))
    for trace in BINDING_TRACES:
        def price(a):
            return cells[(a, trace, "replay")]["median"] - cells[(C_LANE[a], trace, "wholetrace")]["median"]
        ref = price("aset-native")
        for a in ["aset-native"] + PEERS + ["mimalloc-heap"]:
            p = price(a)
            print("%-12s %-14s %8.1f %8.1f %+8.1f %+9.1f" % (trace, a, cells[(a, trace, "replay")]["median"],
                  cells[(C_LANE[a], trace, "wholetrace")]["median"], p, p - ref))
            if a in PEERS:
                verdict(abs(p - ref) <= 3.0, "%s %s: binding %+.1f within 3 ns/op of aset-native's %+.1f" % (
                    trace, a, p, ref))
        per_op = cells[("mimalloc", trace, "replay")]["median"] - cells[("mimalloc-heap", trace, "replay")]["median"]
        in_c = cells[("mimalloc-c", trace, "wholetrace")]["median"] - \
            cells[("mimalloc-heap-c", trace, "wholetrace")]["median"]
        verdict(abs(per_op - in_c) <= 3.0, "%s: mimalloc minus mimalloc-heap per-op %+.1f, in C %+.1f" % (
            trace, per_op, in_c))


def floors(name, cells):
    for trace in STANDARD:
        for floor, metric, of in [("floor", "floor", ["replay"]), ("noop-downcall", "floor", ["replay"]),
                                  ("floor-c", "wholetrace-floor", ["wholetrace"])]:
            f = cells.get((floor, trace, metric))
            if f is None:
                continue
            above = [c["allocator"] for (a, t, m), c in cells.items()
                     if t == trace and m in of and a not in SKIPS_FREES and c["median"] <= f["median"]]
            verdict(not above, "%s %s: %s (%.1f) below every allocator%s" % (
                name, trace, floor, f["median"], "" if not above else "; NOT below " + ", ".join(above)))


def overlap(a, b):
    return a["ciLow"] <= b["ciHigh"] and b["ciLow"] <= a["ciHigh"]


def rank_flips(quick, jmh):
    print("\n== 3. Per-op ranks: quick campaign (100,000 ops) against JMH (3 forks) ==")
    for trace in STANDARD:
        names = sorted(a for (a, t, m) in quick if t == trace and m == "replay" and (a, t, m) in jmh
                       and a not in SKIPS_FREES)
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                qx, qy = quick[(x, trace, "replay")], quick[(y, trace, "replay")]
                jx, jy = jmh[(x, trace, "replay")], jmh[(y, trace, "replay")]
                if (qx["median"] < qy["median"]) == (jx["median"] < jy["median"]):
                    continue
                explained = overlap(qx, qy) or overlap(jx, jy)
                verdict(explained, "%s: %s vs %s flip (quick %.1f/%.1f, JMH %.1f/%.1f)%s" % (
                    trace, x, y, qx["median"], qy["median"], jx["median"], jy["median"],
                    ": intervals overlap" if explained else ": intervals apart in both runs"))


def verify_pg():
    with open(os.path.join(HERE, "verify-pg.txt")) as f:
        text = f.read()
    timing = text[text.index("Median ns/op and minor page faults"):text.index("The three AllocSets")]
    rows = {}
    for line in timing.splitlines():
        m = re.match(r"^(\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\S+)\s+(\S+)\s*$", line)
        if m:
            rows[m.group(1)] = (float(m.group(2)), float(m.group(3)), m.group(5), m.group(6))
    three = text[text.index("The three AllocSets"):]
    pg16 = {}
    for line in three.splitlines():
        m = re.match(r"^(\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s", line)
        if m:
            pg16[m.group(1)] = float(m.group(4))
    return rows, pg16


def faults(rows):
    print("\n== 5. verify-pg: aset-pg15 and pg15-real fault alike (within 20% per iteration) ==")
    for trace, (ours, real, of, pf) in rows.items():
        a, b = float(of), float(pf)
        ok = a == b or abs(a - b) <= 0.2 * max(a, b)
        verdict(ok, "%s: aset-pg15 %s faults/iteration, pg15-real %s" % (trace, of, pf))


def agreement(quick, jmh, pg16):
    print("\n== 4. aset-c agrees with itself: quick (100,000 ops), JMH campaign, verify-pg (100,000 ops) ==")
    for trace in ["array-agg", "sort-tuples"]:
        q = quick[("aset-c", trace, "wholetrace")]
        j = jmh[("aset-c", trace, "wholetrace")]
        v = pg16[trace]
        ok = overlap(q, j) and (q["ciLow"] <= v <= q["ciHigh"] or j["ciLow"] <= v <= j["ciHigh"])
        verdict(ok, "%s: quick %.1f [%.1f, %.1f], JMH campaign %.1f [%.1f, %.1f], verify-pg %.1f" % (
            trace, q["median"], q["ciLow"], q["ciHigh"], j["median"], j["ciLow"], j["ciHigh"], v))


def main():
    quick, _ = load(os.path.join("..", "baseline"))
    quick100k, _ = load("quick-100k")
    jmh, _ = load("jmh-forked")
    binding(jmh, "jmh-forked, 3 forks")
    binding(load("binding-5forks")[0], "binding-5forks, 5 forks")
    print("\n== 2. Every floor is below every allocator of its table ==")
    floors("baseline (quick)", quick)
    floors("quick-100k", quick100k)
    floors("JMH", jmh)
    rank_flips(quick100k, jmh)
    rows, pg16 = verify_pg()
    agreement(quick100k, jmh, pg16)
    faults(rows)
    print("\n%d claim(s) failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
