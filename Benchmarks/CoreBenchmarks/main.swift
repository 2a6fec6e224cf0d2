import RelayCore

// Engine benchmarks for RelayCore. Run: swift run -c release core-bench
// Figures are best of 5 rounds on one core; they go into docs/performance.md.

print("RelayCore engine benchmarks (best of 5 rounds, one core)")
let bytes100 = PackingBenchmarks.bytesPerRecord(recordSize: 100, count: 200_000)
print(
    "heap bytes per 100-byte record:        entry \(bytes100.entry.grouped), "
        + "message share \(bytes100.message.grouped)")
let bytes1k = PackingBenchmarks.bytesPerRecord(recordSize: 1024, count: 50_000)
print("heap bytes per 1 KiB record:           entry \(bytes1k.entry.grouped), message share \(bytes1k.message.grouped)")
let packed100 = PackingBenchmarks.packingRate(recordSize: 100, count: 1_000_000)
print("packing, 100-byte JSON records:        \(packed100.grouped) records/s")
let packed1k = PackingBenchmarks.packingRate(recordSize: 1024, count: 200_000)
print("packing, 1 KiB JSON records:           \(packed1k.grouped) records/s")
let lane100 = PackingBenchmarks.laneRate(recordSize: 100, count: 500_000)
print("lane offer+pack+ack, 100-byte records: \(lane100.grouped) records/s")
let fill = PackingBenchmarks.meanFill(recordSize: 100, count: 200_000)
print("mean fill under backlog, 100-byte:     \(fill.mean.grouped) of 4096 bytes (\(fill.messages) messages)")
let fill1k = PackingBenchmarks.meanFill(recordSize: 1024, count: 20_000)
print("mean fill under backlog, 1 KiB:        \(fill1k.mean.grouped) of 4096 bytes (\(fill1k.messages) messages)")
let pacer = SchedulingBenchmarks.pacerRate(streams: 10_000, operations: 10_000_000)
print("pacer admissions, 10,000 streams:      \(pacer.grouped) ops/s")
let lanes = SchedulingBenchmarks.laneRate(streams: 10_000, operations: 2_000_000)
print("lane offer+step, 10,000 streams:       \(lanes.grouped) ops/s")
let avro = DecodingBenchmarks.decodeAndPackRate(count: 200_000)
print(
    "Avro decode+pack, 20-field record:     \(avro.rate.grouped) records/s (\(avro.jsonBytes.grouped) bytes of JSON each)"
)
let shaped = DecodingBenchmarks.decodeAndPackRate(count: 200_000, shaped: true)
print(
    "  ... with a filter and select 4 fields: \(shaped.rate.grouped) records/s (\(shaped.jsonBytes.grouped) bytes each)"
)
let jsonSame = PackingBenchmarks.packingRate(recordSize: Int(avro.jsonBytes), count: 200_000)
print("packing the same size as plain JSON:   \(jsonSame.grouped) records/s")
let select = DecodingBenchmarks.selectFill(count: 10_000)
print(
    "select 5 of 60 fields, 10,000 records: \(select.selected.messages.grouped) messages "
        + "(\(select.selected.perMessage.tenths) records each) instead of \(select.whole.messages.grouped) "
        + "(\(select.whole.perMessage.tenths) each)")
