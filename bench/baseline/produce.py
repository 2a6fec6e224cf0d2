#!/usr/bin/env python3
"""Produce numbered records to Kafka topics for the baseline benchmark.

    produce.py --bootstrap 127.0.0.1:9092 --topics t1,t2 --records-per-topic 3000 --value-bytes 100

Each record has key "k<n>" and a JSON string value {"n":<n>,"pad":"xxx..."} padded to about --value-bytes bytes
(never shorter than the JSON needs). n counts from 0 per topic. Prints what was delivered per topic.
"""

import argparse
import json
import sys
import time

from confluent_kafka import Producer


def make_value(n, value_bytes):
    bare = json.dumps({"n": n, "pad": ""}, separators=(",", ":"))
    pad = max(0, value_bytes - len(bare))
    return json.dumps({"n": n, "pad": "x" * pad}, separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bootstrap", required=True, help="HOST:PORT")
    ap.add_argument("--topics", required=True, help="comma-separated topic names")
    ap.add_argument("--records-per-topic", type=int, required=True)
    ap.add_argument("--value-bytes", type=int, default=100)
    args = ap.parse_args()

    topics = [t for t in args.topics.split(",") if t]
    producer = Producer({"bootstrap.servers": args.bootstrap, "linger.ms": 5, "acks": "all"})
    delivered = {t: 0 for t in topics}
    failed = {t: 0 for t in topics}

    def on_delivery(err, msg):
        if err is None:
            delivered[msg.topic()] += 1
        else:
            failed[msg.topic()] += 1
            print(f"delivery failed: {err}", file=sys.stderr)

    started = time.monotonic()
    for n in range(args.records_per_topic):
        for topic in topics:
            while True:
                try:
                    producer.produce(topic, key=f"k{n}", value=make_value(n, args.value_bytes),
                                     on_delivery=on_delivery)
                    break
                except BufferError:          # local queue full: let deliveries drain
                    producer.poll(0.1)
        producer.poll(0)
    remaining = producer.flush(60)
    elapsed = time.monotonic() - started

    for topic in topics:
        print(f"{topic}: {delivered[topic]} delivered, {failed[topic]} failed")
    total = sum(delivered.values())
    print(f"produced {total} records ({args.value_bytes} B values) to {len(topics)} topics in {elapsed:.2f} s"
          + (f", {remaining} still undelivered" if remaining else ""))
    return 0 if remaining == 0 and not any(failed.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
