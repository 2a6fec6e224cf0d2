import RelayCore
import Testing

/// Keyed names are confined to a literal prefix: a keyed `stream` or snapshot `name` that starts with a placeholder
/// is refused, with the risk and the opt-in named, and `unconfinedNames: true` accepts it (docs/threat-model.md).
@Suite struct ConfinedNameTests {
    func route(_ members: [JSONMember]) -> JSONValue {
        minimalConfiguration.setting(["routes"], to: [.object([JSONMember("topic", "orders")] + members)])
    }

    @Test(arguments: ["{key}", "{topic}-{key}", "{partition}-{key}", "{header:room}", "{value:/id}-x"])
    func aRouteWhoseKeyedStreamStartsWithAPlaceholderIsRefused(template: String) {
        let found = problems(route([JSONMember("stream", .string(template))]))
        let problem = found.first { $0.path.description == "$.routes[0].stream" }
        #expect(problem?.message.contains("must start with literal text") == true, "\(found)")
        #expect(problem?.message.contains("any stream of the Sync service") == true, "the risk is named")
        #expect(problem?.message.contains("unconfinedNames: true") == true, "the opt-in is named")
    }

    @Test(arguments: ["vehicle-{key}", "order.{value:/id}", "feed-{topic}-{key}", "{topic}", "{topic}-{partition}"])
    func aPrefixedOrUnkeyedStreamLoads(template: String) throws {
        let configuration = try loadConfiguration(route([JSONMember("stream", .string(template))])).get()
        #expect(configuration.settings(forTopic: "orders").stream.text == template)
        #expect(!configuration.settings(forTopic: "orders").unconfinedNames)
    }

    @Test func theOptInAcceptsAnUnconfinedStreamAndCheckSaysSo() throws {
        let configuration = try loadConfiguration(
            route([JSONMember("stream", "{key}"), JSONMember("unconfinedNames", true)])
        ).get()
        let settings = configuration.settings(forTopic: "orders")
        #expect(settings.stream.text == "{key}" && settings.unconfinedNames)
        let summary = ConfigurationSummary.lines(configuration, source: "x").joined(separator: "\n")
        #expect(summary.contains("orders: stream {key}") && summary.contains("unconfined names"))
    }

    @Test func theOptInInDefaultsCoversTheRoutesThatInheritIt() throws {
        let document = route([JSONMember("stream", "{key}")]).setting(["defaults", "unconfinedNames"], to: true)
        let configuration = try loadConfiguration(document).get()
        #expect(configuration.settings(forTopic: "orders").unconfinedNames)
    }

    @Test func anUnconfinedDefaultStreamIsRefusedWhereTopicsUseIt() {
        // minimalConfiguration subscribes `orders` and a pattern; the pattern's topics take the defaults.
        let found = problems(minimalConfiguration.setting(["defaults", "stream"], to: "{key}"))
        #expect(
            found.contains {
                $0.path.description == "$.defaults.stream" && $0.message.contains("must start with literal text")
            }, "\(found)")
    }

    @Test func aPrefixedRouteOverUnconfinedDefaultsIsNotRefusedForThem() throws {
        // Every subscribed topic has a route of its own: the defaults' template names nothing.
        let document =
            minimalConfiguration
            .setting(["kafka", "topics"], to: ["orders"])
            .setting(["defaults", "stream"], to: "{key}")
            .setting(["routes"], to: [.object([JSONMember("topic", "orders"), JSONMember("stream", "order-{key}")])])
        #expect(try loadConfiguration(document).get().settings(forTopic: "orders").stream.text == "order-{key}")
    }

    @Test(arguments: [("document", "{key}"), ("map", "{key}-items")])
    func aSnapshotNameFromTheRecordMustStartWithLiteralText(kind: String, name: String) {
        var snapshot = [JSONMember("kind", .string(kind)), JSONMember("name", .string(name))]
        if kind == "map" { snapshot.append(JSONMember("key", "{key}")) }
        let found = problems(route([JSONMember("stream", "vehicle-{key}"), JSONMember("snapshot", .object(snapshot))]))
        let problem = found.first { $0.path.description == "$.routes[0].snapshot.name" }
        #expect(problem?.message.contains("any \(kind) of the Sync service") == true, "\(found)")
        #expect(problem?.message.contains("unconfinedNames: true") == true)
    }

    @Test func aMapItemKeyFromTheRecordNeedsNoPrefix() throws {
        let snapshot: JSONValue = .object([
            JSONMember("kind", "map"), JSONMember("name", "vehicles"), JSONMember("key", "{key}"),
        ])
        let configuration = try loadConfiguration(
            route([JSONMember("stream", "vehicle-{key}"), JSONMember("snapshot", snapshot)])
        ).get()
        #expect(configuration.settings(forTopic: "orders").snapshot?.key?.text == "{key}")
    }

    @Test func theOptInAcceptsAnUnconfinedSnapshotName() throws {
        let snapshot: JSONValue = .object([JSONMember("kind", "document"), JSONMember("name", "{key}")])
        let configuration = try loadConfiguration(
            route([
                JSONMember("stream", "vehicle-{key}"), JSONMember("snapshot", snapshot),
                JSONMember("unconfinedNames", true),
            ])
        ).get()
        #expect(configuration.settings(forTopic: "orders").snapshot?.name.text == "{key}")
    }
}
