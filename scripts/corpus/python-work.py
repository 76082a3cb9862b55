# A small, ordinary Python program recorded into the corpus: parses a
# generated CSV-like text, builds dictionaries and lists, sorts, groups and
# formats a report. Deterministic (fixed seed), about a second of work.
import collections
import json
import random

random.seed(42)
lines = [f"{i},{random.choice('abcdefgh')}{random.randint(0, 999)},{random.random() * 100:.3f}"
         for i in range(60000)]
rows = [line.split(",") for line in lines]
by_key = collections.defaultdict(list)
for ident, key, value in rows:
    by_key[key].append((int(ident), float(value)))
summary = {key: {"n": len(vals), "sum": round(sum(v for _, v in vals), 3),
                 "top": sorted(vals, key=lambda p: -p[1])[:3]}
           for key, vals in by_key.items()}
ranked = sorted(summary.items(), key=lambda kv: (-kv[1]["sum"], kv[0]))[:50]
text = json.dumps(ranked)
words = collections.Counter(text.split(","))
print(len(text), len(words), ranked[0][0])
