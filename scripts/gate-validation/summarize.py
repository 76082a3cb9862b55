#!/usr/bin/env python3
"""Summarizes results.tsv of validate.sh: per kind, the gate's failures, and per trace how often the
aset-native cell failed (its whole interval above 1.05), the median of its ratio over the runs, and the
exact (Clopper-Pearson) 95% interval of the rate. Standard library only.

    summarize.py results.tsv > summary.md
"""
import math
import statistics
import sys

TRACES = ["small-churn", "per-tuple-reset", "logrand"]
KINDS = [("aa", "A/A (the same jar twice)"), ("s5", "slow-5 (nominal 5%)"), ("s10", "slow-6 (nominal 10%)"),
         ("s15", "slow-8 (nominal 15%)")]
THRESHOLD = 1.05


def binom_cdf(k, n, p):
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1))


def clopper_pearson(k, n, conf=0.95):
    """Two-sided exact interval for k successes in n trials."""
    a = (1 - conf) / 2

    def bisect(f, target):  # f increasing in p: the p where f(p) = target
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if f(mid) < target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2
    low = 0.0 if k == 0 else bisect(lambda p: 1 - binom_cdf(k - 1, n, p), a)
    high = 1.0 if k == n else bisect(lambda p: 1 - binom_cdf(k, n, p), 1 - a)
    return low, high


def one_sided_upper(k, n, conf=0.95):
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if binom_cdf(k, n, mid) > 1 - conf:
            lo = mid
        else:
            hi = mid
    return hi


def parse_cell(text):
    # "1.114 [1.076, 1.154]"
    text = text.strip()
    if not text:
        return None
    ratio, rest = text.split(" ", 1)
    low, high = rest.strip("[]").split(",")
    return float(ratio), float(low), float(high)


def main(path):
    rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8")][1:]
    print("| kind | gate runs | gate failures (exit 1) | " + " | ".join(
        f"{t}: failed, measured ratio (median, range)" for t in TRACES) + " |")
    print("|---|---:|---:|" + "---|" * len(TRACES))
    notes = []
    for kind, label in KINDS:
        runs = [r for r in rows if r[0] == kind]
        if not runs:
            continue
        n = len(runs)
        failures = sum(1 for r in runs if r[2] == "1")
        other = [r for r in runs if r[2] not in ("0", "1")]
        cells = []
        for i, t in enumerate(TRACES):
            parsed = [parse_cell(r[5 + i]) for r in runs if len(r) > 5 + i and r[5 + i].strip()]
            failed = sum(1 for c in parsed if c[1] > THRESHOLD)
            ratios = [c[0] for c in parsed]
            lo, hi = clopper_pearson(failed, len(parsed))
            cells.append(f"{failed}/{len(parsed)} ({100 * failed / len(parsed):.0f}%, 95% CI {100 * lo:.0f}-{100 * hi:.0f}%);"
                         f" {statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f})")
        print(f"| {label} | {n} | {failures} | " + " | ".join(cells) + " |")
        if kind == "aa":
            notes.append(f"A/A: {failures} false alarms in {n} runs; one-sided 95% upper bound of the false-alarm"
                         f" rate: {100 * one_sided_upper(failures, n):.1f}%.")
        for r in runs:
            if r[2] == "1" and kind != "aa":
                named = r[4]
                if "aset-native" not in named or any(a in named for a in ("aset-pg15 x", "aset-java x", "glibc x", "floor x")):
                    notes.append(f"{kind} round {r[1]}: failed cells other than aset-native: {named}")
        if other:
            notes.append(f"{kind}: {len(other)} runs ended with another exit code: " + ", ".join(r[1] + ":" + r[2] for r in other))
        secs = [int(r[3]) for r in runs]
        notes.append(f"{label}: {statistics.median(secs):.0f} s per gate run (median; {min(secs)}-{max(secs)}).")
    print()
    for n in notes:
        print("- " + n)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results.tsv")
