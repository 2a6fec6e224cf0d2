/// Encodes records into entries and packs entries into messages for one stream, exactly within the byte budget.
///
/// The lane encodes each record once when it is queued (so its exact size is known and counted against the lane's
/// byte bound) and asks the packer for a `MessageBuilder` when a message may go out. A record whose entry is longer
/// than `maxEntryBytes` can never share or fit a batch message: the lane applies the oversize policy to it, and
/// `split` turns it into chunk messages.
public struct MessagePacker: Sendable {
    /// Budget and limits.
    public let settings: PackerSettings
    /// Which optional members each entry carries.
    public let format: MessageFormatOptions
    /// The longest entry that fits alone in a batch message, whatever its sequence number.
    public let maxEntryBytes: Int
    private let encoder: RecordEncoder
    private let splitter: RecordSplitter

    /// A packer writing `format` within `settings`.
    public init(settings: PackerSettings = PackerSettings(), format: MessageFormatOptions = .compact) {
        self.settings = settings
        self.format = format
        encoder = RecordEncoder(options: format)
        splitter = RecordSplitter(settings: settings, epoch: format.epoch)
        let longestPrefix = MessageFrame.prefixLength(sequence: .max, epoch: format.epoch)
        maxEntryBytes = settings.budget - longestPrefix - MessageFrame.batchOverhead
    }

    /// The entry bytes of `record`.
    @inline(__always)
    public func encode(_ record: SourceRecord) -> [UInt8] {
        encoder.encode(record)
    }

    /// Whether an entry of `entryLength` bytes fits in a batch message on its own.
    @inline(__always)
    public func fitsAlone(entryLength: Int) -> Bool {
        entryLength <= maxEntryBytes
    }

    /// A builder for the batch message numbered `sequence`.
    @inline(__always)
    public func makeBuilder(sequence: UInt64) -> MessageBuilder {
        MessageBuilder(sequence: sequence, epoch: format.epoch, settings: settings)
    }

    /// The chunk messages of an oversize `entry`, numbered from `firstSequence`; `nil` when it needs more than
    /// `settings.maxChunks`.
    public func split(entry: [UInt8], firstSequence: UInt64) -> [[UInt8]]? {
        splitter.split(entry: entry, firstSequence: firstSequence)
    }

    /// Packs as many of `entries` (in order) as fit into the message numbered `sequence`; returns the message and how
    /// many entries it took (0 when the first does not fit, which only happens for an oversize entry).
    public func pack<Entries: Collection>(_ entries: Entries, sequence: UInt64) -> (data: [UInt8], taken: Int)
    where Entries.Element == [UInt8] {
        var builder = makeBuilder(sequence: sequence)
        for entry in entries {
            guard builder.append(entry: entry) else { break }
        }
        let taken = builder.recordCount
        return (builder.finish(), taken)
    }
}
