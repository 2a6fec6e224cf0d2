#!/usr/bin/env python3
"""sync-relay and the Python baseline on the same data and the same sink, one after the other.

Starts librdkafka's mock cluster (`sync-relay kafka-mock`) and the Sync emulator in strict mode
(`sync-relay emulator`), produces the same numbered 100-byte records to a few topics, then runs each relay for the
same time against a fresh emulator and a fresh consumer group:

- `python-baseline`: bench/baseline/relay_baseline.py (one record per message, sleep throttle, auto-commit);
- `sync-relay`: `sync-relay run` with a configuration that only names the brokers, topics and emulator.

For each it reports, per stream and in total: messages accepted per second, records delivered per second (distinct
records in accepted messages over the span from the first to the last acceptance), rejections by Twilio code,
process CPU per record delivered, peak resident memory, duplicates, and records lost: records whose offset the
relay committed but that no accepted message carries (what a restart would never send). Prints a table and writes
JSON (--json-out).

Run from the repository root with the baseline's venv: `bench/run` does it for you.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime

from confluent_kafka import Consumer, TopicPartition

ACCOUNT = "AC00000000000000000000000000000000"
SERVICE = "IS00000000000000000000000000000000"
TOKEN = "emulator-token"


def start_line(args, prefix=None, timeout=60):
    """Starts a process and returns it with its first stdout line (that starts with `prefix`)."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"{args[0]} {args[1]} ended before it was ready")
        if prefix is None or line.startswith(prefix):
            return process, line.strip()
    raise SystemExit(f"{args[1]} was not ready within {timeout} s")


def http(method, url):
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as response:
        return json.loads(response.read() or b"null")


def proc_figures(pid):
    """CPU seconds (user + system, every thread) and peak RSS in bytes of a running process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    peak = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) * 1024
    return cpu, peak


def record_numbers(data):
    """The record numbers an accepted message carries: sync-relay's message format v1 or the baseline's shape."""
    if isinstance(data, str):
        data = json.loads(data)
    if isinstance(data, dict) and "r" in data:
        return [e["j"]["n"] for e in data["r"] if isinstance(e.get("j"), dict) and "n" in e["j"]]
    if isinstance(data, dict) and "value" in data:
        try:
            return [json.loads(data["value"])["n"]]
        except (ValueError, KeyError, TypeError):
            return []
    return []


def offsets_of_numbers(bootstrap, topics):
    """(topic, partition, offset) -> record number, read back from the topics once."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-reader-{uuid.uuid4()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe(topics)
    mapping = {}
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < 5:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        idle_since = time.monotonic()
        mapping[(message.topic(), message.partition(), message.offset())] = json.loads(message.value())["n"]
    consumer.close()
    return mapping


def committed_offsets(bootstrap, group, topics, partitions):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    wanted = [TopicPartition(t, p) for t in topics for p in range(partitions)]
    result = {(tp.topic, tp.partition): tp.offset for tp in consumer.committed(wanted, timeout=30)}
    consumer.close()
    return result


def evaluate(name, emulator, topics, produced, mapping, committed, cpu, peak_rss, seconds):
    stats = http("GET", f"{emulator}/_emulator/stats")
    streams = {}
    for topic in topics:
        messages = http("GET", f"{emulator}/_emulator/streams/{topic}/messages")["messages"]
        numbers = [n for m in messages for n in record_numbers(m["data"])]
        arrivals = sorted(datetime.fromisoformat(m["arrived_at"].replace("Z", "+00:00")).timestamp() for m in messages)
        span = max(arrivals[-1] - arrivals[0], 1e-9) if len(arrivals) > 1 else seconds
        distinct = set(numbers)
        done = {n for (t, p, o), n in mapping.items() if t == topic and o < committed.get((t, p), -1)}
        streams[topic] = {
            "messages_accepted": len(messages),
            "messages_per_second": round(len(messages) / span, 2),
            "records_delivered": len(distinct),
            "records_per_second": round(len(distinct) / span, 1),
            "records_per_message": round(len(numbers) / max(len(messages), 1), 2),
            "duplicates": len(numbers) - len(distinct),
            "records_committed": len(done),
            "records_lost": len(done - distinct),
        }
    delivered = sum(s["records_delivered"] for s in streams.values())
    committed_total = sum(s["records_committed"] for s in streams.values())
    lost = sum(s["records_lost"] for s in streams.values())
    return {
        "name": name,
        "seconds": seconds,
        "records_produced": produced,
        "messages_per_second_per_stream": round(min(s["messages_per_second"] for s in streams.values()), 2),
        "records_per_second_per_stream": round(sum(s["records_per_second"] for s in streams.values()) / len(streams), 1),
        "records_delivered": delivered,
        "rejections": {int(k): v for k, v in stats.get("rejections", {}).items() if int(k) != 54301},
        "cpu_seconds": round(cpu, 3),
        "cpu_us_per_record_delivered": round(cpu / delivered * 1e6, 1) if delivered else None,
        "peak_rss_mib": round(peak_rss / 1048576, 1),
        "duplicates": sum(s["duplicates"] for s in streams.values()),
        "records_committed": committed_total,
        "records_lost": lost,
        "per_stream": streams,
    }


def run_baseline(python, args, bootstrap, emulator, topics, group):
    out = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    process = subprocess.Popen(
        [python, "bench/baseline/relay_baseline.py", "--bootstrap", bootstrap, "--topics", ",".join(topics),
         "--sync-url", emulator, "--account-sid", ACCOUNT, "--auth-token", TOKEN, "--service-sid", SERVICE,
         "--seconds", str(args.seconds), "--group-id", group, "--json-out", out],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        try:
            peak = max(peak, proc_figures(process.pid)[1])
        except OSError:
            break
        time.sleep(1)
    with open(out) as f:
        result = json.load(f)
    return result["cpu_seconds"], peak


def run_relay(binary, args, bootstrap, emulator, topics, group):
    config = {
        "kafka": {"brokers": [bootstrap], "groupId": group, "topics": topics,
                  "startFrom": "earliest"},
        "twilio": {"accountSid": ACCOUNT, "authToken": "${TWILIO_AUTH_TOKEN}", "serviceSid": SERVICE, "baseURL": emulator},
        "metrics": {"listen": "127.0.0.1:0"},
        "log": {"level": "warning"},
    }
    path = os.path.join(tempfile.mkdtemp(), "relay.json")
    with open(path, "w") as f:
        json.dump(config, f)
    process = subprocess.Popen([binary, "run", "--config", path], env={**os.environ, "TWILIO_AUTH_TOKEN": TOKEN},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(args.seconds)
    cpu, peak = proc_figures(process.pid)
    process.send_signal(signal.SIGTERM)
    if process.wait(timeout=60) != 0:
        raise SystemExit("sync-relay run did not exit 0 on SIGTERM")
    return cpu, peak


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sync-relay", required=True, help="the sync-relay binary")
    ap.add_argument("--python", default=sys.executable, help="the baseline's Python (with confluent-kafka, requests)")
    ap.add_argument("--streams", type=int, default=4)
    ap.add_argument("--records-per-topic", type=int, default=40_000)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--json-out")
    args = ap.parse_args()

    topics = [f"sbs-{i}" for i in range(args.streams)]
    partitions = 4
    kafka, bootstrap = start_line([args.sync_relay, "kafka-mock"] + [a for t in topics for a in ("--topic", f"{t}:{partitions}")])
    sink, line = start_line([args.sync_relay, "emulator", "--listen", "127.0.0.1:0", "--rate-mode", "strict"], "Sync emulator listening on ")
    emulator = line.rsplit(" ", 1)[1]
    try:
        subprocess.run([args.python, "bench/baseline/produce.py", "--bootstrap", bootstrap, "--topics", ",".join(topics),
                        "--records-per-topic", str(args.records_per_topic), "--value-bytes", "100"],
                       check=True, stdout=subprocess.DEVNULL)
        mapping = offsets_of_numbers(bootstrap, topics)
        if len(mapping) != args.records_per_topic * len(topics):
            raise SystemExit(f"read back {len(mapping)} records, produced {args.records_per_topic * len(topics)}")
        results = []
        for name, runner in (("python-baseline", lambda g: run_baseline(args.python, args, bootstrap, emulator, topics, g)),
                             ("sync-relay", lambda g: run_relay(args.sync_relay, args, bootstrap, emulator, topics, g))):
            http("POST", f"{emulator}/_emulator/reset")
            group = f"{name}-{uuid.uuid4()}"
            print(f"side by side: {name}, {args.seconds:.0f} s ...", file=sys.stderr)
            cpu, peak = runner(group)
            committed = committed_offsets(bootstrap, group, topics, partitions)
            results.append(evaluate(name, emulator, topics, args.records_per_topic * len(topics), mapping, committed,
                                    cpu, peak, args.seconds))
    finally:
        for process in (kafka, sink):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)

    baseline, relay = results
    rows = [
        ("messages/s per stream (slowest stream; limit 30)", "messages_per_second_per_stream", "{:.2f}"),
        ("records delivered/s per stream", "records_per_second_per_stream", "{:,.0f}"),
        ("rejections (strict emulator; limit 0)", "rejections", "{}"),
        ("CPU µs per record delivered", "cpu_us_per_record_delivered", "{:,.1f}"),
        ("peak RSS, MiB", "peak_rss_mib", "{:.1f}"),
        ("duplicates", "duplicates", "{}"),
        ("records committed but never delivered (lost)", "records_lost", "{:,}"),
    ]
    print(f"same data ({args.records_per_topic:,} × 100 B records on each of {len(topics)} topics), same strict "
          f"emulator, {args.seconds:.0f} s each:")
    print(f"  {'figure':<48} {'sync-relay':>14} {'baseline':>14} {'ratio':>9}")
    for label, key, form in rows:
        a, b = relay[key], baseline[key]
        ratio = f"{a / b:.2f}x" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else ""
        print(f"  {label:<48} {form.format(a) if a is not None else '—':>14} {form.format(b) if b is not None else '—':>14} {ratio:>9}")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"relay": relay, "baseline": baseline}, f, indent=2)
            f.write("\n")
    # Correctness, not speed: the relay must lose nothing and draw no 429 from the strict emulator.
    return 0 if relay["records_lost"] == 0 and not relay["rejections"].get(54009) else 1


if __name__ == "__main__":
    sys.exit(main())
