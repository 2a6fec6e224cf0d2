import CLibCurl
import CurlShims
import DequeModule
import Foundation
import Synchronization

/// The libcurl multi loop: one dedicated thread that owns a multi handle and every transfer on it.
///
/// Threads: `submit`, `cancel` and `shutdown` may be called from any thread or task; they only touch `shared` under
/// its lock and then call `curl_multi_wakeup`. Everything else (easy handles, the transfer table, callbacks) lives on
/// the loop thread, which blocks in `curl_multi_poll`, never on Swift's cooperative pool.
///
/// `@unchecked Sendable` is sound because the loop-thread state below is only touched by the loop thread, `shared`
/// is a lock, and `multi` is only used from other threads through `curl_multi_wakeup`, which is thread-safe.
/// Lifetime: the thread's closure retains the loop until `run` returns after `shutdown`; `CurlHTTPClient` calls
/// `shutdown` explicitly or in its `deinit`.
final class CurlMultiLoop: @unchecked Sendable {
    /// A request waiting to be picked up by the loop thread.
    struct Submission: Sendable {
        let id: UInt64
        let request: HTTPClientRequest
        /// Called once, on the loop thread (or on the submitting thread when the loop is shut down), with the answer.
        let completion: HTTPCompletion
        /// When `execute` handed it over: the request's timeout counts from here.
        let submittedAt = ContinuousClock.now
    }

    /// The state shared with other threads.
    struct Shared: Sendable {
        var nextID: UInt64 = 1
        var submissions: [Submission] = []
        var cancellations: [UInt64] = []
        var shuttingDown = false
        var finished = false
        /// A wakeup was sent and the loop has not yet drained the queues: further requests need not send another
        /// (each `curl_multi_wakeup` is a syscall).
        var wakeupPending = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let shared = Mutex(Shared())
    private let multi: CurlMultiHandle
    private let configuration: HTTPClientConfiguration

    // Loop-thread state.
    private var transfers: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var transfersByID: [UInt64: CurlTransfer] = [:]
    private var waiting = Deque<Submission>()
    private var idleHandles: [CurlEasyHandle] = []
    private let idleHandleLimit = 256
    /// `LoopbackHost.isLoopback(url:)` of recent URLs (one per stream), emptied when it passes `loopbackCacheLimit`.
    private var loopbackByURL: [String: Bool] = [:]
    private let loopbackCacheLimit = 4096
    /// One header list per distinct set of request headers (a client sends two or three sets), searched in order;
    /// emptied when it passes `headerListLimit` (lists in use stay alive through their transfers).
    private var headerLists: [CurlHeaderList] = []
    private let headerListLimit = 16

    /// Creates the loop and starts its thread.
    init(configuration: HTTPClientConfiguration) throws(SyncError) {
        self.configuration = configuration
        multi = try CurlMultiHandle()
        try multi.set(CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        try multi.set(CURLMOPT_MAX_HOST_CONNECTIONS, max(1, configuration.maxConnectionsPerHost))
        // The cache holds at least as many connections as may be open: a smaller one closed a connection after
        // each request past it and opened a new one for the next (HTTP/1.1, 256 connections: 4% of the relay's CPU
        // in `connect` at 1,000 streams).
        try multi.set(
            CURLMOPT_MAXCONNECTS, max(1, configuration.connectionCacheSize, configuration.maxConnectionsPerHost))
        let thread = Thread { [self] in run() }
        thread.name = "sync-relay.curl-multi"
        thread.start()
    }

    /// Reserves an ID for a request, so the caller can cancel it before or after submitting.
    func reserveID() -> UInt64 {
        shared.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Hands a request to the loop thread.
    func submit(_ submission: Submission) {
        let (accepted, needsWakeup) = shared.withLock { state -> (Bool, Bool) in
            guard !state.shuttingDown else { return (false, false) }
            state.submissions.append(submission)
            defer { state.wakeupPending = true }
            return (true, !state.wakeupPending)
        }
        guard accepted else {
            submission.completion(.failure(SyncError(code: .shutdown, reason: "the HTTP client has been shut down")))
            return
        }
        if needsWakeup { multi.wakeup() }
    }

    /// Asks the loop thread to abandon a request (no effect once it has completed).
    func cancel(id: UInt64) {
        let pending = shared.withLock { state -> Submission? in
            if let index = state.submissions.firstIndex(where: { $0.id == id }) {
                return state.submissions.remove(at: index)
            }
            state.cancellations.append(id)
            return nil
        }
        if let pending {
            pending.completion(.failure(Self.cancelledError))
        } else {
            multi.wakeup()
        }
    }

    /// Stops the loop: fails what is queued or running and ends the thread. Idempotent.
    func shutdown() {
        shared.withLock { $0.shuttingDown = true }
        multi.wakeup()
    }

    /// Waits until the loop thread has ended (after `shutdown`).
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = shared.withLock { state -> Bool in
                if state.finished { return true }
                state.finishWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    static let cancelledError = SyncError(code: .cancelled, reason: "request cancelled")

    // MARK: Loop thread

    private func run() {
        var running: Int32 = 0
        while true {
            if takeShared() {
                let error = SyncError(code: .shutdown, reason: "the HTTP client has been shut down")
                for transfer in Array(transfers.values) { finish(transfer) { $0.fail(error) } }
                for submission in waiting { submission.completion(.failure(error)) }
                waiting.removeAll()
                break
            }
            var completed = false
            repeat {
                startWaiting()
                curl_multi_perform(multi.pointer, &running)
                completed = false
                var easy: UnsafeMutableRawPointer?
                var result = CURLE_OK
                while sr_multi_info_read_done(multi.pointer, &easy, &result) == 1 {
                    if let easy, let transfer = transfers[easy] {
                        let code = result
                        finish(transfer) { $0.complete(result: code) }
                        completed = true
                    }
                }
                // Completions submit requests of their own (the relay's engine sends the next message from inside
                // the answer): take them now, so they start in this round, as close as possible to the instant the
                // engine's pacer recorded for them, rather than after the rest of the batch and a poll. Freed slots
                // start waiting requests at once, without a poll round trip.
                if completed, takeShared() { break }
            } while completed && !waiting.isEmpty
            expireWaiting()
            // While requests wait for a slot, wake at least every 100 ms to time them out on time.
            curl_multi_poll(multi.pointer, nil, 0, waiting.isEmpty ? 1000 : 100, nil)
        }
        idleHandles.removeAll()
        let waiters = shared.withLock { state in
            state.finished = true
            defer { state.finishWaiters.removeAll() }
            return state.finishWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Moves submitted requests to `waiting` and applies cancellations; returns whether the loop is shutting down.
    private func takeShared() -> Bool {
        let (submissions, cancellations, stopping) = shared.withLock { state in
            defer {
                state.submissions.removeAll(keepingCapacity: true)
                state.cancellations.removeAll(keepingCapacity: true)
                state.wakeupPending = false
            }
            return (state.submissions, state.cancellations, state.shuttingDown)
        }
        waiting.append(contentsOf: submissions)
        for id in cancellations { cancelTransfer(id: id) }
        return stopping
    }

    /// How many transfers libcurl may run at once: `maxTransfersInFlight`, or, once answers show the server speaks
    /// HTTP/1.x (one request per connection at a time), no more than the connections it may open. A transfer
    /// beyond that would wait inside libcurl for a connection, and libcurl 7.88 retries each waiting transfer's
    /// connection setup (URL parsing, a walk over the host's connections) on every pass: at 1,000 streams, 1,024
    /// transfers over 256 HTTP/1.1 connections cost about a third of the loop thread. Here they wait in `waiting`
    /// instead, which costs nothing per pass. (The cap is per client, the connection limit per host: the relay's
    /// clients each talk to one host, Twilio's or the emulator's.)
    private var transferLimit: Int {
        let configured = max(1, configuration.maxTransfersInFlight)
        guard serverSpeaksHTTP1 else { return configured }
        return min(configured, max(1, configuration.maxConnectionsPerHost))
    }
    /// Whether the latest answer came over HTTP/1.x (`false` until one has, and after an HTTP/2 answer).
    private var serverSpeaksHTTP1 = false

    /// Fails the waiting requests whose deadline has passed (libcurl times out only the transfers it runs), at
    /// most every 100 ms: a scan of `waiting`, which holds at most the account's in-flight cap.
    private func expireWaiting() {
        guard !waiting.isEmpty else { return }
        let now = ContinuousClock.now
        guard now - lastExpiryScan >= .milliseconds(100) else { return }
        lastExpiryScan = now
        var kept = Deque<Submission>()
        for submission in waiting {
            if remainingTime(of: submission, at: now) > .zero {
                kept.append(submission)
            } else {
                submission.completion(.failure(Self.timedOutWaitingError))
            }
        }
        waiting = kept
    }

    /// What is left of `submission`'s deadline at `now`: it counts from submission, so time spent waiting for a
    /// slot is part of it.
    private func remainingTime(of submission: Submission, at now: ContinuousClock.Instant) -> Duration {
        (submission.request.timeout ?? configuration.requestTimeout) - (now - submission.submittedAt)
    }

    static let timedOutWaitingError = SyncError(
        code: .timeout, reason: "request timed out while waiting for a free transfer slot")
    private var lastExpiryScan = ContinuousClock.now

    /// Moves waiting requests into libcurl while fewer than `transferLimit` are running.
    private func startWaiting() {
        let limit = transferLimit
        while transfers.count < limit, let submission = waiting.popFirst() {
            start(submission)
        }
    }

    /// Abandons a running or waiting request (no effect if it already completed).
    private func cancelTransfer(id: UInt64) {
        if let transfer = transfersByID[id] {
            finish(transfer) { $0.fail(Self.cancelledError) }
        } else if let index = waiting.firstIndex(where: { $0.id == id }) {
            waiting.remove(at: index).completion(.failure(Self.cancelledError))
        }
    }

    private func start(_ submission: Submission) {
        let easy: CurlEasyHandle
        if let reused = idleHandles.popLast() {
            easy = reused
        } else {
            do {
                easy = try CurlEasyHandle()
            } catch {
                submission.completion(.failure(error))
                return
            }
        }
        let transfer = CurlTransfer(id: submission.id, easy: easy, completion: submission.completion)
        var request = submission.request
        let remaining = remainingTime(of: submission, at: .now)
        guard remaining > .zero else {
            transfer.fail(Self.timedOutWaitingError)
            recycle(easy)
            return
        }
        request.timeout = remaining
        do {
            try transfer.configure(
                request, loopback: isLoopback(request.url), headers: headerList(for: request.headers),
                configuration: configuration)
        } catch {
            transfer.fail(
                SyncError(
                    code: .invalidRequest, reason: "cannot prepare request: \(error.reason)", curlCode: error.curlCode))
            recycle(easy)
            return
        }
        let code = curl_multi_add_handle(multi.pointer, easy.pointer)
        guard code == CURLM_OK else {
            transfer.fail(SyncError(code: .transport, reason: String(cString: curl_multi_strerror(code))))
            recycle(easy)
            return
        }
        transfers[easy.pointer] = transfer
        transfersByID[transfer.id] = transfer
    }

    /// Whether `url`'s host is loopback, parsed once per URL.
    private func isLoopback(_ url: String) -> Bool {
        if let known = loopbackByURL[url] { return known }
        if loopbackByURL.count >= loopbackCacheLimit { loopbackByURL.removeAll(keepingCapacity: true) }
        let loopback = LoopbackHost.isLoopback(url: url)
        loopbackByURL[url] = loopback
        return loopback
    }

    /// The shared header list of `headers`, built on first use.
    private func headerList(for headers: [(name: String, value: String)]) -> CurlHeaderList {
        if let known = headerLists.first(where: { $0.matches(headers) }) { return known }
        if headerLists.count >= headerListLimit { headerLists.removeAll(keepingCapacity: true) }
        let list = CurlHeaderList(headers: headers)
        headerLists.append(list)
        return list
    }

    /// Removes a transfer from the multi handle, then resumes its caller via `body`.
    private func finish(_ transfer: CurlTransfer, _ body: (CurlTransfer) -> Void) {
        // Read results before removal; remove before resuming so that callbacks can no longer run.
        switch transfer.easy.info(CURLINFO_HTTP_VERSION) {
        case Int(CURL_HTTP_VERSION_1_0), Int(CURL_HTTP_VERSION_1_1): serverSpeaksHTTP1 = true
        case Int(CURL_HTTP_VERSION_2_0), Int(CURL_HTTP_VERSION_3): serverSpeaksHTTP1 = false
        default: break  // no answer (a transport failure): nothing learnt
        }
        body(transfer)
        curl_multi_remove_handle(multi.pointer, transfer.easy.pointer)
        transfers[transfer.easy.pointer] = nil
        transfersByID[transfer.id] = nil
        recycle(transfer.easy)
    }

    /// Keeps a handle for the next request, its options as they are: `CurlTransfer.configure` sets the per-request
    /// ones and resets the handle only for a different kind of request (`CurlRequestProfile`).
    private func recycle(_ easy: CurlEasyHandle) {
        guard idleHandles.count < idleHandleLimit else { return }
        idleHandles.append(easy)
    }
}
