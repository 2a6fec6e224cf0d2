/// Limits of one stream's messages. Defaults follow DESIGN.md section 3 (Twilio's 4 KiB `Data` limit).
public struct PackerSettings: Sendable, Hashable {
    /// The accepted range of `budget`: Twilio's limit is 4096; below 512 chunking makes little progress.
    public static let budgetRange = 512...4096
    /// The accepted range of `maxRecordsPerMessage`.
    public static let maxRecordsRange = 1...4096
    /// The accepted range of `maxChunks`.
    public static let maxChunksRange = 2...100_000

    /// The most bytes one message's `Data` may take, measured on its exact UTF-8 JSON. Default and maximum 4096.
    public var budget: Int
    /// The most records one message may carry. Default 4096 (the byte budget is what binds in practice).
    public var maxRecordsPerMessage: Int
    /// The most chunk messages one oversize record may be split into; a record needing more is handed back as
    /// oversize. Default 1024 (about 4 MiB at the default budget, 34 s of one stream's rate).
    public var maxChunks: Int

    /// Settings with the given limits. Values outside the documented ranges are a programming error (the
    /// configuration layer reports them first).
    public init(budget: Int = 4096, maxRecordsPerMessage: Int = 4096, maxChunks: Int = 1024) {
        precondition(Self.budgetRange.contains(budget), "budget \(budget) outside \(Self.budgetRange)")
        precondition(Self.maxRecordsRange.contains(maxRecordsPerMessage), "maxRecordsPerMessage out of range")
        precondition(Self.maxChunksRange.contains(maxChunks), "maxChunks out of range")
        self.budget = budget
        self.maxRecordsPerMessage = maxRecordsPerMessage
        self.maxChunks = maxChunks
    }
}
