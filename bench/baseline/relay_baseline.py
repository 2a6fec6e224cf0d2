#!/usr/bin/env python3
"""Baseline Kafka -> Twilio Sync Streams relay: the script a team writes in an afternoon.

    relay_baseline.py --bootstrap 127.0.0.1:9092 --topics orders,clicks \
        --sync-url https://sync.twilio.com --account-sid AC... --auth-token ... --service-sid IS... \
        --seconds 30 --group-id baseline --json-out baseline.json

One consumer loop reads every topic and hands each record to the queue of its stream (topic name = stream unique
name); one worker thread per stream publishes one record per Sync Stream message and sleeps 1/30 s after each
publish to stay under Twilio's 30 messages/s per stream (--throttle interval: waits until 1/30 s after the
previous send instead). A non-2xx answer is logged and the record is dropped.
Offsets are committed by librdkafka's auto-commit. See README.md beside this file for why it is written this way.
"""

import argparse
import json
import logging
import queue
import resource
import sys
import threading
import time
from collections import Counter

import requests
from confluent_kafka import Consumer, KafkaError

log = logging.getLogger("relay-baseline")

SEND_INTERVAL = 1 / 30  # Twilio: 30 messages per second per stream


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()          # HTTP status (or "error") of every publish attempt
        self.attempted = Counter()         # per stream
        self.accepted = Counter()          # per stream

    def record(self, stream, status):
        with self.lock:
            self.statuses[str(status)] += 1
            self.attempted[stream] += 1
            if isinstance(status, int) and 200 <= status < 300:
                self.accepted[stream] += 1


def create_stream(session, streams_url, name):
    """Create the stream; 409/54301 means it already exists, which is fine."""
    try:
        r = session.post(streams_url, data={"UniqueName": name}, timeout=10)
    except requests.RequestException as e:
        log.warning("create %s failed: %s", name, e)
        return "error"
    if r.status_code == 409 and r.json().get("code") == 54301:
        log.info("stream %s already exists", name)
    elif not r.ok:
        log.warning("create %s: HTTP %s %s", name, r.status_code, r.text[:200])
    return r.status_code


def stream_worker(stream, q, session, messages_url, stats, stop, throttle):
    last_send = 0.0
    while not stop.is_set():
        try:
            msg = q.get(timeout=0.2)
        except queue.Empty:
            continue
        if throttle == "interval":            # naive per-stream last-send check
            wait = last_send + SEND_INTERVAL - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            last_send = time.monotonic()
        data = {
            "key": msg["key"],
            "value": msg["value"],
            "partition": msg["partition"],
            "offset": msg["offset"],
        }
        try:
            r = session.post(messages_url, data={"Data": json.dumps(data)}, timeout=10)
            status = r.status_code
            if not r.ok:
                log.warning("%s offset %s: HTTP %s %s", stream, msg["offset"], status, r.text[:200])
        except requests.RequestException as e:
            status = "error"
            log.warning("%s offset %s: %s", stream, msg["offset"], e)
        stats.record(stream, status)
        if throttle == "sleep":               # sleep 1/30 s after each publish
            time.sleep(SEND_INTERVAL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bootstrap", required=True, help="Kafka HOST:PORT")
    ap.add_argument("--topics", required=True, help="comma-separated topics; each is also the stream's unique name")
    ap.add_argument("--sync-url", default="https://sync.twilio.com", help="Sync API base URL")
    ap.add_argument("--account-sid", required=True)
    ap.add_argument("--auth-token", required=True)
    ap.add_argument("--service-sid", required=True)
    ap.add_argument("--seconds", type=float, default=30, help="run this long, then stop")
    ap.add_argument("--group-id", default="relay-baseline")
    ap.add_argument("--json-out", help="write the run's figures here as JSON")
    ap.add_argument("--throttle", choices=["sleep", "interval"], default="sleep",
                    help="sleep: time.sleep(1/30) after each publish (default); "
                         "interval: wait until 1/30 s after the previous send started")
    args = ap.parse_args()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    topics = [t for t in args.topics.split(",") if t]
    base = f"{args.sync_url.rstrip('/')}/v1/Services/{args.service_sid}/Streams"
    auth = (args.account_sid, args.auth_token)

    cpu_start = cpu_seconds()
    wall_start = time.monotonic()

    # Create the streams up front.
    setup = requests.Session()
    setup.auth = auth
    create_statuses = {t: create_stream(setup, base, t) for t in topics}
    setup.close()

    stats = Stats()
    stop = threading.Event()
    queues = {t: queue.Queue() for t in topics}
    workers = []
    for t in topics:
        session = requests.Session()          # one keep-alive connection per stream
        session.auth = auth
        th = threading.Thread(target=stream_worker, name=f"stream-{t}", daemon=True,
                              args=(t, queues[t], session, f"{base}/{t}/Messages", stats, stop, args.throttle))
        th.start()
        workers.append(th)

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group_id,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": True,
    })
    consumer.subscribe(topics)

    consumed = Counter()
    deadline = wall_start + args.seconds
    try:
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() != KafkaError._PARTITION_EOF:
                    log.warning("kafka: %s", msg.error())
                continue
            key = msg.key()
            value = msg.value()
            queues[msg.topic()].put({
                "key": key.decode("utf-8", "replace") if key is not None else None,
                "value": value.decode("utf-8", "replace") if value is not None else None,
                "partition": msg.partition(),
                "offset": msg.offset(),
            })
            consumed[msg.topic()] += 1
    except KeyboardInterrupt:
        log.info("interrupted")

    # Stop: workers finish the publish in hand; whatever is still queued is not sent (its offsets were
    # auto-committed when polled, so it is lost, as it would be in a script stopped with Ctrl-C).
    stop.set()
    for th in workers:
        th.join(timeout=15)
    unsent = {t: queues[t].qsize() for t in topics}
    consumer.close()  # final auto-commit

    elapsed = time.monotonic() - wall_start
    cpu = cpu_seconds() - cpu_start
    records = sum(consumed.values())
    result = {
        "name": "python-baseline",
        "throttle": args.throttle,
        "seconds": args.seconds,
        "elapsed_seconds": round(elapsed, 3),
        "records_consumed": records,
        "messages_attempted": sum(stats.attempted.values()),
        "messages_accepted": sum(stats.accepted.values()),
        "responses_by_status": dict(sorted(stats.statuses.items())),
        "records_unsent_at_exit": sum(unsent.values()),
        "cpu_seconds": round(cpu, 4),
        "cpu_seconds_process": round(cpu_seconds(), 4),
        "cpu_us_per_record": round(cpu / records * 1e6, 1) if records else None,
        "cpu_us_per_message_attempted": (round(cpu / sum(stats.attempted.values()) * 1e6, 1)
                                         if stats.attempted else None),
        "per_stream": {
            t: {
                "records_consumed": consumed[t],
                "messages_attempted": stats.attempted[t],
                "messages_accepted": stats.accepted[t],
                "records_unsent_at_exit": unsent[t],
                "accepted_per_second": round(stats.accepted[t] / elapsed, 2),
                "create_status": create_statuses[t],
            }
            for t in topics
        },
    }
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    print(
        f"python-baseline: {records} records consumed, {result['messages_attempted']} messages attempted, "
        f"{result['messages_accepted']} accepted ({result['messages_accepted'] / elapsed:.1f}/s over "
        f"{len(topics)} streams) in {elapsed:.1f} s; statuses {result['responses_by_status']}; "
        f"CPU {cpu:.2f} s = {result['cpu_us_per_record']} us/record"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
