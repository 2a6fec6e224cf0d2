import Foundation
import RelayCore
import RelaySync
import SyncEmulator
import Testing

@Suite("Snapshot writer's failures against the emulator", .timeLimit(.minutes(1)))
struct SyncSnapshotWriterFailureTests {
    @Test func classifiesTheObjectRateLimit() async throws {
        try await LoopbackEmulator.with(manualClock: true) { loopback in
            let writer = loopback.snapshotWriter()
            let order = SnapshotTarget.document("order-1")
            #expect(await writer.write(order, .create(data: SnapshotSample.data)) == .stored(revision: "0"))
            // Strict mode: 20 small writes in any second; the 21st is refused with 429/54009, which sends no
            // Retry-After.
            for revision in 0..<19 {
                let update = SnapshotOperation.update(data: SnapshotSample.data, ifMatch: String(revision, radix: 16))
                #expect(await writer.write(order, update) == .stored(revision: String(revision + 1, radix: 16)))
            }
            let update = SnapshotOperation.update(data: SnapshotSample.data, ifMatch: "13")
            #expect(await writer.write(order, update) == .failed(.rateLimited(scope: .stream, retryAfter: nil)))
            #expect(loopback.emulator.stats().rejections[TwilioErrorCode.rateExceeded] == 1)
            loopback.clock?.advance(by: .seconds(1))
            #expect(await writer.write(order, update) == .stored(revision: "14"))
        }
    }

    @Test func classifiesTheAccountRateLimitWithRetryAfter() async throws {
        try await LoopbackEmulator.with(manualClock: true, createsPerSecond: 1) { loopback in
            let writer = loopback.snapshotWriter()
            #expect(await writer.write(.map("m"), .createMap) == .stored(revision: "0"))
            let refused = await writer.write(.document("d"), .create(data: SnapshotSample.data))
            #expect(refused == .failed(.rateLimited(scope: .account, retryAfter: .seconds(1))))
        }
    }

    @Test func refusesDataOver16KiBWithoutSending() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            let limit = SyncSnapshotWriter.maximumDataByteCount
            #expect(limit == 16_384)
            let fits = Self.object(ofByteCount: limit)
            #expect(await writer.write(.document("big"), .create(data: fits)) == .stored(revision: "0"))
            #expect(loopback.emulator.document("big")?.data.utf8.count == limit)

            let requests = loopback.emulator.stats().requests
            let tooLarge = Self.object(ofByteCount: limit + 1)
            #expect(
                await writer.write(.document("bigger"), .create(data: tooLarge)) == .failed(.tooLarge(twilioCode: nil)))
            let update = SnapshotOperation.update(data: tooLarge, ifMatch: "0")
            #expect(await writer.write(.item("k", in: "m"), update) == .failed(.tooLarge(twilioCode: nil)))
            #expect(loopback.emulator.stats().requests == requests)
        }
    }

    @Test func refusesTargetsThatDoNotFitTheOperationWithoutSending() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            let invalid = SnapshotAnswer.failed(.invalid(status: 0, twilioCode: nil))
            let keyedDocument = SnapshotTarget(kind: .document, object: "d", key: "k")
            #expect(await writer.write(keyedDocument, .read) == invalid)
            #expect(await writer.write(.map("m"), .read) == invalid)
            #expect(await writer.write(.map("m"), .create(data: SnapshotSample.data)) == invalid)
            #expect(await writer.write(.document("d"), .createMap) == invalid)
            #expect(await writer.write(.item("k", in: "m"), .createMap) == invalid)
            #expect(loopback.emulator.stats().requests == 0)
        }
    }

    @Test func classifiesRejectedRequests() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            let notObject = await writer.write(.document("d"), .create(data: Array("[1]".utf8)))
            #expect(notObject == .failed(.invalid(status: 400, twilioCode: TwilioErrorCode.invalidData)))
            #expect(await writer.write(.map("m"), .createMap) == .stored(revision: "0"))
            let longKey = SnapshotTarget.item(String(repeating: "k", count: 321), in: "m")
            let badKey = await writer.write(longKey, .create(data: SnapshotSample.data))
            #expect(badKey == .failed(.invalid(status: 400, twilioCode: TwilioErrorCode.invalidMapItemKey)))
            let badTTL = await writer.write(
                .document("d"), .create(data: SnapshotSample.data), ttl: .seconds(31_536_001))
            #expect(badTTL == .failed(.invalid(status: 400, twilioCode: TwilioErrorCode.invalidTTL)))

            loopback.emulator.injectFault(EmulatorFault(status: 400, code: 54006, count: 1))
            let tooLarge = await writer.write(.document("d"), .create(data: SnapshotSample.data))
            #expect(tooLarge == .failed(.tooLarge(twilioCode: TwilioErrorCode.dataTooLarge)))
        }
    }

    @Test func classifiesWrongCredentials() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter(credentials: .apiKey(sid: "SKwrong", secret: "super-secret-value"))
            let answer = await writer.write(.document("d"), .read)
            #expect(answer == .failed(.unauthorized(status: 401, twilioCode: TwilioErrorCode.authenticationFailed)))
        }
    }

    @Test func classifiesServerErrorsAndAnUnknownService() async throws {
        try await LoopbackEmulator.with { loopback in
            let writer = loopback.snapshotWriter()
            loopback.emulator.injectFault(EmulatorFault(status: 503, code: 20503, count: 1))
            let answer = await writer.write(.item("k", in: "m"), .delete(ifMatch: "0"))
            #expect(answer == .failed(.serverError(status: 503, twilioCode: 20503)))

            // A 404 that names no Document, Map or item is not taken for one that is gone.
            let elsewhere = SyncSnapshotWriter(
                client: SyncStreamsClient(
                    http: loopback.http,
                    credentials: .authToken(
                        accountSID: SyncEmulatorConfiguration.defaultAccountSID,
                        authToken: SyncEmulatorConfiguration.defaultAuthToken),
                    serviceSID: "IS" + String(repeating: "1", count: 32), baseURL: loopback.running.baseURL))
            let deleted = await elsewhere.write(.document("d"), .delete(ifMatch: ""))
            #expect(deleted == .failed(.notFound(twilioCode: TwilioErrorCode.notFound)))
        }
    }

    @Test func classifiesTransportErrorsAndTimeouts() async throws {
        try await LoopbackEmulator.with { loopback in
            loopback.emulator.injectFault(EmulatorFault(count: 1, dropConnection: true))
            let dropped = await loopback.snapshotWriter().write(.document("d"), .read)
            guard case .failed(.transportError) = dropped else {
                Issue.record("expected a transport error, got \(dropped)")
                return
            }
            loopback.emulator.injectFault(EmulatorFault(count: 1, latencyMs: 1000))
            let writer = loopback.snapshotWriter(timeout: .milliseconds(200))
            #expect(await writer.write(.document("d"), .create(data: SnapshotSample.data)) == .failed(.timeout))
        }
    }

    /// A JSON object of exactly `count` bytes.
    private static func object(ofByteCount count: Int) -> [UInt8] {
        Array(#"{"s":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: count - 8) + Array(#""}"#.utf8)
    }
}
