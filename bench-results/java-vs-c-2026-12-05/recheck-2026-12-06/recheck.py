#!/usr/bin/env python3
"""Summarises recheck.sh's JMH files: per trace and lane, each fork's best iteration (ns/op) and its minor faults
per replay; then aset-java / aset-native as the ratio of the medians over forks, and the faults' medians over
forks (a fork's faults depend on where its heap landed, so one fork can read ten times another's)."""
import glob
import json
import os
import re
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
for tag, trace in (("lc", "large-chunks"), ("st", "sort-tuples")):
    lanes = {}
    for path in sorted(glob.glob(os.path.join(HERE, "jmh", tag + "-*-[0-9].json"))):
        lane = re.match(tag + r"-(.*)-\d\.json$", os.path.basename(path)).group(1)
        result = json.load(open(path))[0]
        secondary = result["secondaryMetrics"]
        ns, faults = lanes.setdefault(lane, ([], []))
        ns.extend(min(fork) for fork in result["primaryMetric"]["rawData"])
        faults.extend(sum(f) / sum(r) for f, r in zip(secondary["minflt"]["rawData"], secondary["replays"]["rawData"]))
    for lane, (ns, faults) in sorted(lanes.items()):
        print("%-13s %-12s %d forks  ns/op median %5.1f  forks: %s" % (trace, lane, len(ns), statistics.median(ns),
                                                                     " ".join("%.1f" % x for x in ns)))
        print("%-13s %-12s faults per replay median %.2f  forks: %s" % (trace, lane, statistics.median(faults),
                                                                       " ".join("%.2f" % x for x in faults)))
    java, native = lanes["aset-java"], lanes["aset-native"]
    print("%-13s aset-java / aset-native: ns/op %.2f, faults per replay %.2f / %.2f" % (
        trace, statistics.median(java[0]) / statistics.median(native[0]), statistics.median(java[1]),
        statistics.median(native[1])))
    print()
