/// Maps a record to its stream's unique name and settings, from the configuration's routes (first match wins) and
/// defaults. Caches the settings per topic; pure apart from the cache.
public struct StreamRouter: Sendable {
    private let configuration: RelayConfiguration
    private var settingsByTopic: [String: StreamSettings] = [:]
    /// Per topic: what its route does before routing (decoding, filter, shaping), or nil when it does nothing.
    private var preparationByTopic: [String: RecordPreparation?] = [:]

    public init(configuration: RelayConfiguration) { self.configuration = configuration }

    /// Where a record goes.
    public struct Route: Sendable {
        /// The stream's unique name.
        public var name: String
        /// Its route's settings.
        public var settings: StreamSettings
        /// The stream's metrics label: its name, or for a keyed route the template (so keys never become labels).
        public var label: String
        /// Set when the record's own name could not be formed and the route sent it to its fallback stream.
        public var unroutable: UnroutableReason?
    }

    /// Why a record cannot be routed.
    public struct RouteError: Error, Sendable {
        /// In plain English.
        public let reason: String
        /// Set when a keyed template could not render the record's name (nil: the topic renders an invalid name).
        public let unroutable: UnroutableReason?
        /// The route's settings (its `unroutable` policy decides what happens).
        public let settings: StreamSettings
        /// The route's metrics label (its template).
        public let label: String
    }

    /// The settings of `topic`'s route.
    public mutating func settings(forTopic topic: String) -> StreamSettings {
        if let cached = settingsByTopic[topic] { return cached }
        let settings = configuration.settings(forTopic: topic)
        settingsByTopic[topic] = settings
        return settings
    }

    /// What `topic`'s route does to a record before routing, or nil when it passes records through untouched (no
    /// formats but `auto`, no registry, no filter, no `select` or `drop`): one lookup per record on the hot path.
    public mutating func preparation(forTopic topic: String) -> RecordPreparation? {
        if let cached = preparationByTopic[topic] { return cached }
        let preparation = RecordPreparation(
            settings: settings(forTopic: topic), registry: configuration.schemaRegistry != nil)
        let result = preparation.isPassThrough ? nil : preparation
        preparationByTopic[topic] = .some(result)
        return result
    }

    /// The stream for `record`, or why it has none: a keyed template that cannot render the record's name (unless
    /// the route falls back to another stream), or a topic whose name makes the template render an invalid name.
    ///
    /// `decoded` is the value's document when the route decoded it; nil parses the raw value for `{value:…}`.
    public mutating func route(_ record: SourceRecord, decoded: JSONValue? = nil) -> Result<Route, RouteError> {
        let settings = settings(forTopic: record.topic)
        let template = settings.stream
        switch template.render(record, decoded: decoded) {
        case .success(let name):
            if !template.isKeyed, let problem = TwilioIdentifier.uniqueNameProblem(name) {
                return .failure(RouteError(reason: problem, unroutable: nil, settings: settings, label: template.text))
            }
            return .success(Route(name: name, settings: settings, label: template.isKeyed ? template.text : name))
        case .failure(let reason):
            if settings.unroutable == .fallback, let fallback = settings.fallbackStream {
                let name = fallback.render(topic: record.topic, partition: record.partition)
                if TwilioIdentifier.uniqueNameProblem(name) == nil {
                    return .success(Route(name: name, settings: settings, label: name, unroutable: reason))
                }
            }
            return .failure(
                RouteError(
                    reason: "cannot form the stream name: \(reason.rawValue)", unroutable: reason, settings: settings,
                    label: template.text))
        }
    }

    /// The stream of a record of `topic` and `partition` for a template that is not keyed (nil for a keyed one, or
    /// an invalid name): what a reload compares an existing stream's name with.
    public mutating func name(topic: String, partition: Int32) -> String? {
        let template = settings(forTopic: topic).stream
        guard !template.isKeyed else { return nil }
        let name = template.render(topic: topic, partition: partition)
        return TwilioIdentifier.uniqueNameProblem(name) == nil ? name : nil
    }
}
