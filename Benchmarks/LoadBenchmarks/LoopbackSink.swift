import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A minimal stand-in for Twilio Sync where the emulator would be the bottleneck: one event-loop thread answering the
/// four requests the relay makes (list a page of streams, create a stream, update its TTL, publish a message) with
/// fixed small bodies, and counting what a benchmark needs. It keeps Twilio's per-stream rule strictly: a message that
/// would be the 31st accepted in any sliding second is answered 429 with 54009 and not counted.
///
/// It parses nothing but the path and counts records by the form-encoded `{"j":` (or `{"i":`, with `format.id`) that
/// starts each entry of message format v1 (the benchmarks produce JSON values), so it costs a few microseconds per request where the emulator
/// (Hummingbird, form decoding, JSON, a stored copy of each message) costs milliseconds.
final class LoopbackSink: Sendable {
    struct Stream {
        var messages = 0
        var records = 0
        /// Arrival times (ns) of the last 30 accepted messages, a ring starting at `head`.
        var ring: [UInt64] = []
        var head = 0
    }

    struct Totals {
        var streams: [String: Stream] = [:]
        var messages = 0
        var records = 0
        var rejections = 0
        var creates = 0
        var requests = 0
        /// Document and Map item creates and updates (snapshot writes; a Map's own create is not one).
        var snapshotWrites = 0
        /// Rejections within 1.5 s after the sink's own thread stalled (a tick more than 50 ms late): arrivals
        /// bunched by the sink, not by the relay.
        var rejectionsAfterSinkStall = 0
        /// The sink thread's stalls, from a tick every 5 ms: the worst lateness, how many ticks were more than 50 ms
        /// and more than 250 ms late, and when the last stall was seen (uptime ns, 0: none).
        var worstStall: UInt64 = 0
        var stallsOver50ms = 0
        var stallsOver250ms = 0
        var lastStallAt: UInt64 = 0
    }

    let state = Mutex(Totals())
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    /// Starts listening on 127.0.0.1 on an ephemeral port; returns the base URL.
    func start() async throws -> String {
        let bound = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(SinkHandler(sink: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = bound }
        watchStalls()
        return "http://127.0.0.1:\(bound.localAddress?.port ?? 0)"
    }

    func stop() async {
        if let bound = channel.withLock({ $0 }) { try? await bound.close() }
        try? await group.shutdownGracefully()
    }

    /// Ticks on the sink's thread every 5 ms and records how late each tick ran: a late tick means requests that
    /// arrived meanwhile were read, and their arrival stamped, late (bunched).
    private func watchStalls() {
        let period: UInt64 = 5_000_000
        let last = Mutex(DispatchTime.now().uptimeNanoseconds)
        group.next().scheduleRepeatedTask(initialDelay: .nanoseconds(Int64(period)), delay: .nanoseconds(Int64(period)))
        { [self] _ in
            let now = DispatchTime.now().uptimeNanoseconds
            let late = last.withLock { previous in
                defer { previous = now }
                return now &- previous > period ? now &- previous &- period : 0
            }
            guard late > 50_000_000 else { return }
            state.withLock { totals in
                totals.worstStall = max(totals.worstStall, late)
                totals.stallsOver50ms += 1
                if late > 250_000_000 { totals.stallsOver250ms += 1 }
                totals.lastStallAt = now
            }
        }
    }

    /// Blocks the sink's thread for `milliseconds`, `period` after the previous stall ended (an experiment: Twilio's
    /// side stalling, which bunches the arrivals it stamps; `load-bench soak --sink-stall-ms`).
    func stall(every period: TimeAmount, milliseconds: Int) {
        group.next().scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            usleep(UInt32(milliseconds * 1000))
        }
    }

    /// A snapshot of the totals.
    var totals: Totals { state.withLock { $0 } }

    /// Counts a message for `stream` arriving at `now` (ns); false when it breaks the 30-per-second rule.
    func accept(stream: String, records: Int, now: UInt64) -> Bool {
        state.withLock { totals in
            totals.requests += 1
            var entry = totals.streams[stream] ?? Stream()
            if entry.ring.count == 30, now &- entry.ring[entry.head] < 1_000_000_000 {
                totals.rejections += 1
                if totals.lastStallAt != 0, now &- totals.lastStallAt < 1_500_000_000 {
                    totals.rejectionsAfterSinkStall += 1
                }
                return false
            }
            if entry.ring.count < 30 {
                entry.ring.append(now)
            } else {
                entry.ring[entry.head] = now
                entry.head = (entry.head + 1) % 30
            }
            entry.messages += 1
            entry.records += records
            totals.streams[stream] = entry
            totals.messages += 1
            totals.records += records
            return true
        }
    }

    func snapshotWritten() {
        state.withLock { totals in
            totals.requests += 1
            totals.snapshotWrites += 1
        }
    }

    func other(create: Bool) {
        state.withLock { totals in
            totals.requests += 1
            if create { totals.creates += 1 }
        }
    }
}

/// One connection's HTTP/1.1 requests.
final class SinkHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let sink: LoopbackSink
    private var head: HTTPRequestHead?
    private var records = 0
    /// The form encoding of `{"j":`, which starts every record entry of a JSON value.
    private static let entryMark = Array("%7B%22j%22%3A".utf8)
    /// An entry that starts with its record identity (`format.id`): `{"i":`.
    private static let identifiedEntryMark = Array("%7B%22i%22%3A".utf8)

    init(sink: LoopbackSink) {
        self.sink = sink
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            records = 0
        case .body(let buffer):
            // Entries never straddle reads in practice (a message is at most ~12 KB encoded); a mark cut by a read
            // boundary would be missed, and the soak's loss check would report it.
            records += buffer.withUnsafeReadableBytes {
                Self.count(Self.entryMark, in: $0) + Self.count(Self.identifiedEntryMark, in: $0)
            }
        case .end:
            guard let head else { return }
            respond(context: context, head: head)
            self.head = nil
        }
    }

    static func count(_ mark: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count >= mark.count else { return 0 }
        var found = 0
        var index = 0
        let last = bytes.count - mark.count
        while index <= last {
            if bytes[index] == mark[0] {
                var matches = true
                for offset in 1..<mark.count where bytes[index + offset] != mark[offset] {
                    matches = false
                    break
                }
                if matches {
                    found += 1
                    index += mark.count
                    continue
                }
            }
            index += 1
        }
        return found
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
        // /v1/Services/{service}/Streams[/{stream}[/Messages]]
        let path = head.uri.split(separator: "?", maxSplits: 1).first ?? ""
        let parts = path.split(separator: "/")
        let status: HTTPResponseStatus
        let body: String
        if parts.count >= 4, parts[3] == "Documents" || parts[3] == "Maps" {
            // Snapshots: every Document or item is new to the sink (it stores nothing), so creates succeed.
            let item = parts[3] == "Maps" && parts.count >= 6
            let isWrite = head.method == .POST && (parts[3] == "Documents" || item)
            status = head.method == .POST && parts.count == (item ? 6 : 4) ? .created : .ok
            body = #"{"revision":"1","data":{}}"#
            if isWrite { sink.snapshotWritten() } else { sink.other(create: false) }
        } else if parts.count == 4 && head.method == .GET {
            status = .ok
            body = #"{"streams":[],"meta":{"page":0,"page_size":1,"key":"streams"}}"#
            sink.other(create: false)
        } else if parts.count == 4 && head.method == .POST {
            status = .created
            body = #"{"sid":"TO00000000000000000000000000000000"}"#
            sink.other(create: true)
        } else if parts.count == 5 && head.method == .POST {
            status = .ok
            body = #"{"sid":"TO00000000000000000000000000000000"}"#
            sink.other(create: false)
        } else if parts.count == 6 && parts[5] == "Messages" && head.method == .POST {
            if sink.accept(stream: String(parts[4]), records: records, now: DispatchTime.now().uptimeNanoseconds) {
                status = .created
                body = #"{"sid":"TZ00000000000000000000000000000000"}"#
            } else {
                status = .tooManyRequests
                body = #"{"code":54009,"message":"Rate limit exceeded","status":429}"#
            }
        } else {
            status = .notFound
            body = #"{"code":20404,"message":"not found","status":404}"#
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
