/// Which optional fields each record entry carries, per route. Compact by default: only the value.
///
/// See docs/message-format.md. The lead maps a route's configuration onto this value.
public struct MessageFormatOptions: Sendable, Hashable {
    /// Carry the record key as `k` (text) or `kb` (base64). Default `false`.
    public var includeKey: Bool
    /// Carry the source topic as `tp`. Default `false`.
    public var includeTopic: Bool
    /// Carry the source partition as `p`. Default `false`.
    public var includePartition: Bool
    /// Carry the source offset as `o`. Default `false`.
    public var includeOffset: Bool
    /// Carry the Kafka timestamp (ms since the Unix epoch) as `t`. Default `false`.
    public var includeTimestamp: Bool
    /// Carry the headers as `h`. Default `false`.
    public var includeHeaders: Bool
    /// Carry the record's identity as `i` (`RecordIdentity`: topic, partition and offset), so a subscriber can drop
    /// the duplicates at-least-once delivery produces after a crash. Default `false`.
    public var includeId: Bool
    /// An identifier of this run of the relay for this stream, carried as `e` in every message, so a subscriber can
    /// tell a sequence restart (new epoch) from a gap. `nil` (the default) omits it. The runtime typically passes the
    /// wall-clock start time in milliseconds.
    public var epoch: UInt64?

    /// Options with every field chosen explicitly; the defaults give the compact format.
    public init(
        includeKey: Bool = false,
        includeTopic: Bool = false,
        includePartition: Bool = false,
        includeOffset: Bool = false,
        includeTimestamp: Bool = false,
        includeHeaders: Bool = false,
        includeId: Bool = false,
        epoch: UInt64? = nil
    ) {
        self.includeKey = includeKey
        self.includeTopic = includeTopic
        self.includePartition = includePartition
        self.includeOffset = includeOffset
        self.includeTimestamp = includeTimestamp
        self.includeHeaders = includeHeaders
        self.includeId = includeId
        self.epoch = epoch
    }

    /// The compact format: value only, no epoch.
    public static let compact = MessageFormatOptions()

    /// Every optional field.
    public static let full = MessageFormatOptions(
        includeKey: true, includeTopic: true, includePartition: true, includeOffset: true, includeTimestamp: true,
        includeHeaders: true, includeId: true)

    /// The version of the message format this code writes, carried as `v` in every message.
    public static let formatVersion = 1
}
