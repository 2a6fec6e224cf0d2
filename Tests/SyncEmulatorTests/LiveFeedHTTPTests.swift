import Foundation
import Testing

@testable import SyncEmulator

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal blocking HTTP reader for server-sent events: libcurl-based clients buffer whole responses, and an SSE
/// response never ends. Reads run on their own thread, never on the cooperative pool.
final class RawSocketReader: @unchecked Sendable {
    // @unchecked: `descriptor` is immutable after init; `close` is called once, after the last read returned.
    private let descriptor: Int32

    init(port: Int, request: String) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
    }

    /// Reads (on a dedicated thread) until the text received so far contains `marker`, or the 10 s timeout.
    func read(until marker: String, into received: String = "") async -> String {
        await withCheckedContinuation { continuation in
            let descriptor = self.descriptor
            Thread {
                var text = received
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !text.contains(marker) {
                    let count = recv(descriptor, &buffer, buffer.count, 0)
                    guard count > 0 else { break }
                    text += String(decoding: buffer[0..<count], as: UTF8.self)
                }
                continuation.resume(returning: text)
            }.start()
        }
    }

    deinit { close(descriptor) }
}

@Suite("Live feed over HTTP", .timeLimit(.minutes(1)))
struct LiveFeedHTTPTests {
    @Test func streamsAcceptedMessagesAsServerSentEvents() async throws {
        let emulator = SyncEmulator()
        try await SyncEmulatorServer.withRunning(emulator) { running in
            let auth =
                "Basic "
                + Data("\(SyncEmulatorConfiguration.defaultAccountSID):emulator-token".utf8).base64EncodedString()
            func api(_ method: String, _ path: String, _ form: [String: String]) -> EmulatorResponse {
                emulator.handle(
                    EmulatorRequest(
                        method: method, path: "/v1/Services/default\(path)", form: form, authorization: auth,
                        baseURL: running.baseURL))
            }
            #expect(api("POST", "/Streams", ["UniqueName": "live"]).status == 201)
            let reader = try RawSocketReader(
                port: running.port,
                request:
                    "GET /_emulator/streams/live/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
            )
            let head = await reader.read(until: ": connected")
            #expect(head.contains("200 OK"))
            #expect(head.lowercased().contains("content-type: text/event-stream"))
            #expect(api("POST", "/Streams/live/Messages", ["Data": #"{"price":42}"#]).status == 201)
            let events = await reader.read(until: "\"price\":42", into: head)
            #expect(events.contains("event: message"))
            #expect(events.contains("\"unique_name\":\"live\""))
        }
    }
}
