/// All streams of a service as an async sequence; pages are fetched lazily, following `next_page_url`.
public struct SyncStreamList: AsyncSequence, Sendable {
    /// One stream.
    public typealias Element = SyncStream
    /// What iteration throws.
    public typealias Failure = SyncError

    let client: SyncStreamsClient
    let pageSize: Int?

    /// Starts an iteration (each iteration fetches from the first page).
    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, pageSize: pageSize)
    }

    /// Walks the pages.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        let client: SyncStreamsClient
        let pageSize: Int?
        private var buffer: [SyncStream] = []
        private var nextURL: String?
        private var started = false

        init(client: SyncStreamsClient, pageSize: Int?) {
            self.client = client
            self.pageSize = pageSize
        }

        /// The next stream, fetching the next page when needed; `nil` after the last page.
        public mutating func next() async throws(SyncError) -> SyncStream? {
            while buffer.isEmpty {
                let page: SyncStreamPage
                if !started {
                    started = true
                    page = try await client.listStreamsPage(pageSize: pageSize)
                } else if let url = nextURL {
                    page = try await client.streamsPage(at: url)
                } else {
                    return nil
                }
                nextURL = page.meta.nextPageURL
                buffer = page.streams.reversed()
            }
            return buffer.popLast()
        }

        /// The isolation-aware form of `next()`.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(SyncError) -> SyncStream? {
            try await next()
        }
    }
}
