@testable import RelayCore

/// Streams and records for the engine's sub-machines' tests.
enum MachineFixtures {
    static let configuration = engineConfiguration(
        defaults: [
            JSONMember("stream", .string("{topic}-{key}")), JSONMember("unconfinedNames", .bool(true)),
            JSONMember("idleAfter", .string("5s")),
        ],
        deadLetters: false)

    /// A stream's state as the engine makes it, named `name` under route `label`.
    static func stream(_ name: String, label: String = "{topic}-{key}", keyed: Bool = true) -> EngineStream {
        let settings = configuration.settings(forTopic: "orders")
        let lane = StreamLane(
            settings: settings.laneSettings(deadLetterDrops: false), packer: settings.packer(epoch: nil),
            pacer: StreamPacer(settings: settings.pacerSettings(share: 1)))
        return EngineStream(
            name: name, topic: "orders", label: label, keyed: keyed, fedByOnePartition: keyed, epoch: nil,
            settings: settings, lane: lane)
    }

    static func record(_ offset: Int64, partition: Int32 = 0, topic: String = "orders") -> SourceRecord {
        SourceRecord(
            topic: topic, partition: partition, offset: offset, key: Array("k".utf8), value: Array("{}".utf8))
    }
}
