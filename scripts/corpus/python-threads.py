# A threaded Python program recorded into the corpus: four producer threads
# build records (strings and lists large enough to come from malloc rather
# than Python's small-object pool), a consumer thread takes them from a queue,
# merges and frees them. Chunks are allocated on one thread and freed on
# another, as in a real pipeline. Deterministic work per thread (fixed seeds).
import json
import queue
import random
import threading

work = queue.Queue(maxsize=64)
PRODUCERS = 4


def produce(seed):
    rnd = random.Random(seed)
    for i in range(1500):
        record = {"id": i, "payload": "x" * rnd.randint(200, 6000),
                  "values": [rnd.random() for _ in range(rnd.randint(20, 400))]}
        work.put(json.dumps(record))
    work.put(None)


def consume(totals):
    done = 0
    while done < PRODUCERS:
        item = work.get()
        if item is None:
            done += 1
            continue
        record = json.loads(item)
        totals.append(len(record["payload"]) + len(record["values"]))


totals = []
threads = [threading.Thread(target=produce, args=(seed,)) for seed in range(PRODUCERS)]
consumer = threading.Thread(target=consume, args=(totals,))
for t in threads + [consumer]:
    t.start()
for t in threads + [consumer]:
    t.join()
print(len(totals), sum(totals))
