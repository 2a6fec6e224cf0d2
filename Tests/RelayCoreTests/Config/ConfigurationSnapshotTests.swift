import RelayCore
import Testing

/// A route's `snapshot` section: what loads, what `check` refuses and says, and what stream messages then carry.
@Suite struct ConfigurationSnapshotTests {
    func route(_ snapshot: JSONValue, stream: String = "vehicle-{key}") -> JSONValue {
        minimalConfiguration.setting(
            ["routes"],
            to: [
                .object([
                    JSONMember("topic", "orders"), JSONMember("stream", .string(stream)),
                    JSONMember("snapshot", snapshot),
                ])
            ])
    }

    @Test func aMapRouteLoadsWithItsDefaults() throws {
        let document = route(
            .object([JSONMember("kind", "map"), JSONMember("name", "vehicles"), JSONMember("key", "{key}")]))
        let configuration = try loadConfiguration(document).get()
        let snapshot = try #require(configuration.settings(forTopic: "orders").snapshot)
        #expect(snapshot.kind == .map)
        #expect(snapshot.name.text == "vehicles")
        #expect(snapshot.key?.text == "{key}")
        #expect(snapshot.ttl == .zero)
        #expect(snapshot.rate == ObjectPacer.defaultRate)
        #expect(snapshot.oversize == nil)
        #expect(snapshot.stream)
        #expect(configuration.settings(forTopic: "metrics.cpu").snapshot == nil, "only the route has one")
        let summary = ConfigurationSummary.lines(configuration, source: "x").joined(separator: "\n")
        #expect(
            summary.contains(
                "snapshot: latest value per entity in items {key} of map vehicles, no TTL, 10 KiB/s per map, oversize drop"
            ))
    }

    @Test func aSnapshotOnlyDocumentRouteLoadsAndSaysSo() throws {
        let document = route(
            .object([
                JSONMember("kind", "document"), JSONMember("name", "order-{key}"), JSONMember("ttl", "1d"),
                JSONMember("rate", 20), JSONMember("oversize", "drop"), JSONMember("stream", false),
            ]))
        let configuration = try loadConfiguration(document).get()
        let snapshot = try #require(configuration.settings(forTopic: "orders").snapshot)
        #expect(snapshot.kind == .document && snapshot.key == nil && !snapshot.stream)
        #expect(snapshot.ttl == .seconds(86_400) && snapshot.rate == 20 && snapshot.oversize == .drop)
        let summary = ConfigurationSummary.lines(configuration, source: "x").joined(separator: "\n")
        #expect(
            summary.contains(
                "orders: no stream, snapshot only: latest value per entity in documents order-{key}, TTL 1d, 20 KiB/s per document, oversize drop"
            ))
    }

    @Test(arguments: [
        (
            JSONValue.object([JSONMember("kind", "map"), JSONMember("name", "vehicles")]), "routes[0].snapshot.key",
            "is required for a map"
        ),
        (
            .object([JSONMember("kind", "document"), JSONMember("name", "v-{key}"), JSONMember("key", "{key}")]),
            "routes[0].snapshot.key", "only a map's items have keys"
        ),
        (.object([JSONMember("name", "vehicles")]), "routes[0].snapshot.kind", "is required"),
        (.object([JSONMember("kind", "map"), JSONMember("key", "{key}")]), "routes[0].snapshot.name", "is required"),
        (
            .object([
                JSONMember("kind", "map"), JSONMember("name", "vehicles"), JSONMember("key", "{key}"),
                JSONMember("rate", 21),
            ]), "routes[0].snapshot.rate", "20"
        ),
        (
            .object([JSONMember("kind", "document"), JSONMember("name", "v-{nope}")]), "routes[0].snapshot.name",
            "nope"
        ),
        (
            .object([JSONMember("kind", "document"), JSONMember("name", "v-{key}"), JSONMember("ttl", "1500ms")]),
            "routes[0].snapshot.ttl", "whole seconds"
        ),
        (
            .object([
                JSONMember("kind", "document"), JSONMember("name", "v-{key}"), JSONMember("oversize", "dead-letter"),
            ]),
            "routes[0].snapshot.oversize", "no kafka.deadLetterTopic"
        ),
        (
            .object([JSONMember("kind", "folder"), JSONMember("name", "v-{key}")]), "routes[0].snapshot.kind",
            "document"
        ),
    ])
    func refusesWithThePathAndTheFix(snapshot: JSONValue, path: String, fragment: String) {
        let found = problems(route(snapshot))
        #expect(
            found.contains { $0.path.description.hasPrefix("$." + path) && $0.message.contains(fragment) },
            "\(found.map { "\($0.path): \($0.message)" })")
    }

    @Test func streamMessagesOfASnapshotRouteCarryTheRecordsVersion() throws {
        let document = route(
            .object([JSONMember("kind", "map"), JSONMember("name", "vehicles"), JSONMember("key", "{key}")]))
        let configuration = try loadConfiguration(document).get()
        let format = configuration.settings(forTopic: "orders").packer(epoch: nil).format
        #expect(format.includeTopic && format.includePartition && format.includeOffset && format.includeTimestamp)
        let plain = configuration.settings(forTopic: "metrics.cpu").packer(epoch: nil).format
        #expect(!plain.includeTopic && !plain.includeOffset)
    }
}
