#!/usr/bin/env python3
"""Read what the local Sync emulator accepted, and the baseline's loss, from its control API.

As a module (standard library only, so the suite needs nothing installed for it):

    from compare_emulator import emulator_report, baseline_loss
    report = emulator_report("http://127.0.0.1:8080", ["orders", "clicks"])
    # {"accepted_by_stream": {"orders": 880, ...}, "accepted_total": 3520, "requests": 3531,
    #  "rejections_by_code": {"54009": 7}, "stream_create_conflicts": 0, "records_by_stream": {...}, ...}
    loss = baseline_loss(json.load(open("baseline.json")), report)

As a command:

    compare_emulator.py --emulator http://127.0.0.1:8080 --streams orders,clicks [--baseline-json baseline.json]

Accepted messages per stream come from GET /_emulator/streams/{name}/messages (the emulator keeps the newest 10,000
per stream: `truncated` says when a stream reached that); rejections by Twilio code from GET /_emulator/stats.
54301 (stream already exists, answered to a create) is reported apart as `stream_create_conflicts`, since a relay
that creates its streams at start gets one per existing stream and nothing is lost by it.

Loss, for a one-record-per-message relay such as the baseline: records it consumed whose record never reached an
accepted message. Records are identified by (partition, offset) in each accepted message's data; a message without
those fields counts as one record.
"""

import argparse
import json
import sys
import urllib.parse
import urllib.request

KEEP_PER_STREAM = 10_000  # the emulator keeps the newest 10,000 accepted messages per stream


def _get_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


def emulator_report(base_url, streams=None):
    """Accepted messages per stream and rejections by code, from the emulator's control API.

    base_url: e.g. "http://127.0.0.1:8080". streams: the stream unique names (or SIDs) to count; None counts none
    (the stats' totals are still returned)."""
    base = base_url.rstrip("/")
    stats = _get_json(f"{base}/_emulator/stats")
    rejections = {str(k): int(v) for k, v in (stats.get("rejections") or {}).items()}
    conflicts = rejections.pop("54301", 0)

    accepted_by_stream, records_by_stream, truncated = {}, {}, []
    for stream in streams or []:
        body = _get_json(f"{base}/_emulator/streams/{urllib.parse.quote(stream, safe='')}/messages")
        messages = body.get("messages", [])
        accepted_by_stream[stream] = len(messages)
        if len(messages) >= KEEP_PER_STREAM:
            truncated.append(stream)
        ids = set()
        anonymous = 0
        for m in messages:
            data = m.get("data")
            if isinstance(data, dict) and "offset" in data:
                ids.add((data.get("partition"), data["offset"]))
            else:
                anonymous += 1
        records_by_stream[stream] = len(ids) + anonymous

    return {
        "requests": stats.get("requests"),
        "accepted_total": stats.get("accepted"),
        "streams_live": stats.get("streams"),
        "accepted_by_stream": accepted_by_stream,
        "records_by_stream": records_by_stream,   # distinct records in accepted messages (duplicates counted once)
        "rejections_by_code": dict(sorted(rejections.items())),
        "rejections_total": sum(rejections.values()),
        "stream_create_conflicts": conflicts,
        "truncated": truncated,
    }


def baseline_loss(baseline, report):
    """Loss per stream and in total: records the baseline consumed that no accepted message carries.

    baseline: the dict relay_baseline.py wrote with --json-out. report: emulator_report(...) for its topics."""
    per_stream = {}
    for stream, figures in baseline.get("per_stream", {}).items():
        consumed = figures["records_consumed"]
        delivered = report["records_by_stream"].get(stream, 0)
        per_stream[stream] = {
            "records_consumed": consumed,
            "records_accepted": delivered,
            "records_lost": max(0, consumed - delivered),
            "loss_fraction": round(max(0, consumed - delivered) / consumed, 4) if consumed else 0.0,
        }
    consumed = sum(s["records_consumed"] for s in per_stream.values())
    lost = sum(s["records_lost"] for s in per_stream.values())
    return {
        "records_consumed": consumed,
        "records_lost": lost,
        "loss_fraction": round(lost / consumed, 4) if consumed else 0.0,
        "per_stream": per_stream,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--emulator", required=True, help="emulator base URL, e.g. http://127.0.0.1:8080")
    ap.add_argument("--streams", default="", help="comma-separated stream names (default: those in --baseline-json)")
    ap.add_argument("--baseline-json", help="relay_baseline.py --json-out file: adds loss")
    args = ap.parse_args()

    baseline = None
    if args.baseline_json:
        with open(args.baseline_json) as f:
            baseline = json.load(f)
    streams = [s for s in args.streams.split(",") if s] or list((baseline or {}).get("per_stream", {}))
    out = {"emulator": emulator_report(args.emulator, streams)}
    if baseline is not None:
        out["loss"] = baseline_loss(baseline, out["emulator"])
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
