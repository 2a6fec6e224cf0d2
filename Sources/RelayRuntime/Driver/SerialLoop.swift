import Dispatch
import Foundation
import Synchronization

/// One dedicated thread that owns a value and runs work on it, one item at a time, in the order it was enqueued:
/// the relay's engine lives here, so no lock is ever taken around it. Any thread may enqueue (librdkafka's poll
/// thread, the libcurl loop, the producer's and the timer's threads); the work runs on the loop's thread, never on
/// Swift's cooperative pool, and the loop sleeps when there is nothing to do.
final class SerialLoop<State: Sendable>: Sendable {
    typealias Work = @Sendable (inout State) -> Void

    private enum Item: Sendable {
        case work(Work)
        case stop
    }

    /// What the loop's thread and the enqueuers share (the thread never holds the loop itself, so dropping the
    /// loop stops it).
    private final class Mailbox: Sendable {
        let items = Mutex<[Item]>([])
        let pending = DispatchSemaphore(value: 0)

        func post(_ item: Item) {
            items.withLock { $0.append(item) }
            pending.signal()
        }
    }

    private let mailbox = Mailbox()
    private let threadIdentity: ObjectIdentifier

    /// Starts the loop's thread, named `name`, owning `state`.
    init(name: String, state: State) {
        let thread = Thread { [mailbox] in
            var state = state
            var batch: [Item] = []
            while true {
                mailbox.pending.wait()
                batch = mailbox.items.withLock { items in
                    defer { items = [] }
                    return items
                }
                for item in batch {
                    switch item {
                    case .work(let work): work(&state)
                    case .stop: return
                    }
                }
                batch.removeAll(keepingCapacity: true)
            }
        }
        thread.name = name
        threadIdentity = ObjectIdentifier(thread)
        thread.start()
    }

    deinit {
        mailbox.post(.stop)
    }

    /// Runs `work` on the loop after everything enqueued before it. Returns at once.
    func enqueue(_ work: @escaping Work) {
        mailbox.post(.work(work))
    }

    /// Runs `body` on the loop after everything enqueued before it and returns its result, blocking the caller
    /// until then. For threads that may block (the poll thread) and tests; never from the loop itself.
    func sync<Result: Sendable>(_ body: @escaping @Sendable (inout State) -> Result) -> Result {
        precondition(!isLoopThread, "SerialLoop.sync called from its own thread")
        let result = Mutex<Result?>(nil)
        let done = DispatchSemaphore(value: 0)
        enqueue { state in
            let value = body(&state)
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }!
    }

    /// Whether the caller runs on the loop's thread.
    var isLoopThread: Bool { ObjectIdentifier(Thread.current) == threadIdentity }
}
