/// Maps a record's topic and partition to its stream's unique name and settings, from the configuration's routes
/// (first match wins) and defaults. Caches the settings per topic; pure apart from the cache.
public struct StreamRouter: Sendable {
    private let configuration: RelayConfiguration
    private var settingsByTopic: [String: StreamSettings] = [:]

    public init(configuration: RelayConfiguration) { self.configuration = configuration }

    /// The stream for a record of `topic` and `partition`, or a reason the name is invalid (a topic whose name
    /// makes the template render an invalid unique name, e.g. shaped like a SID).
    public mutating func route(topic: String, partition: Int32) -> Result<
        (name: String, settings: StreamSettings), RouteError
    > {
        let settings: StreamSettings
        if let cached = settingsByTopic[topic] {
            settings = cached
        } else {
            settings = configuration.settings(forTopic: topic)
            settingsByTopic[topic] = settings
        }
        let name = settings.stream.render(topic: topic, partition: partition)
        if let problem = TwilioIdentifier.uniqueNameProblem(name) { return .failure(RouteError(reason: problem)) }
        return .success((name, settings))
    }

    /// Why a record cannot be routed.
    public struct RouteError: Error, Sendable {
        public let reason: String
    }
}
