#!/usr/bin/env bash
# How long `sync-relay run` takes to stop on SIGTERM when Kafka (and optionally Twilio) has become unreachable, and
# whether it stops cleanly (docs/reliability.md, "A stop with Kafka unreachable"). Starts `sync-relay kafka-mock`
# and `sync-relay emulator` as their own processes, produces a backlog (the Python baseline's producer), runs the
# relay on it, kills Kafka (and with --sync-down the emulator too), sends SIGTERM 3 s later and prints the time to
# exit, the exit status and the relay's shutdown log lines. The relay must exit 0 within drain + rebalance drain + 10 s.
#
#   bench/stop-unreachable.sh              Kafka down, Twilio up
#   bench/stop-unreachable.sh --sync-down  both down
set -euo pipefail
cd "$(dirname "$0")/.."

sync_down=0
[[ "${1:-}" == "--sync-down" ]] && sync_down=1
swift build -c release --product sync-relay >/dev/null
bin="$(swift build -c release --show-bin-path)/sync-relay"
bench/baseline/setup.sh >/dev/null
python="${BASELINE_VENV:-.build/baseline-venv}/bin/python"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

"$bin" kafka-mock --topic load:8 > "$work/kafka.addr" 2>"$work/kafka.log" &
kafka_pid=$!
pids+=("$kafka_pid")
for _ in $(seq 1 50); do [[ -s "$work/kafka.addr" ]] && break; sleep 0.1; done
kafka="$(head -1 "$work/kafka.addr")"
port=$((20000 + RANDOM % 20000))
"$bin" emulator --listen "127.0.0.1:$port" --auth-token stop-token --account-sid AC00000000000000000000000000000000 \
    > "$work/emulator.log" 2>&1 &
emulator_pid=$!
pids+=("$emulator_pid")

drain=10
rebalance=10
cat > "$work/relay.json" <<JSON
{
  "kafka": {"brokers": ["$kafka"], "groupId": "stop-unreachable", "topics": ["load"],
            "startFrom": "earliest", "commitInterval": "1s",
            "rebalanceDrainDeadline": "${rebalance}s"},
  "twilio": {"accountSid": "AC00000000000000000000000000000000", "authToken": "stop-token",
             "serviceSid": "IS00000000000000000000000000000000", "baseURL": "http://127.0.0.1:$port"},
  "defaults": {"stream": "load-{partition}", "maxRecordsPerMessage": 1},
  "metrics": {"listen": "127.0.0.1:0"},
  "log": {"level": "info"},
  "shutdown": {"drainDeadline": "${drain}s"}
}
JSON
"$bin" check --config "$work/relay.json" >/dev/null
"$python" bench/baseline/produce.py --bootstrap "$kafka" --topics load --records-per-topic 20000 --value-bytes 100 >/dev/null

"$bin" run --config "$work/relay.json" > "$work/relay.log" 2>&1 &
relay_pid=$!
pids+=("$relay_pid")
for _ in $(seq 1 300); do grep -q "relay.ready" "$work/relay.log" && break; sleep 0.1; done
grep -q "relay.ready" "$work/relay.log" || { echo "the relay never became ready" >&2; cat "$work/relay.log" >&2; exit 1; }
sleep 5  # publishing under way, a backlog left

kill -9 "$kafka_pid"
((sync_down)) && kill -9 "$emulator_pid"
sleep 3
started=$(date +%s.%N)
kill -TERM "$relay_pid"
set +e
wait "$relay_pid"
status=$?
set -e
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
budget=$((drain + rebalance + 10))
printf 'Kafka down%s: exit %d after %.1f s (graceful budget %d s)\n' "$( ((sync_down)) && echo ', Twilio down' )" \
    "$status" "$elapsed" "$budget"
grep -E "relay.shutdown|relay.drained|kafka.commit.timed_out|kafka.unsubscribe|kafka.close|relay.stopped|Fatal error" \
    "$work/relay.log" | cut -c1-160
[[ "$status" -eq 0 ]] && (( $(echo "$elapsed < $budget" | bc) ))
