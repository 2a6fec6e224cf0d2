/// A FIFO queue whose elements can also be removed from the middle by position (for conflation), in O(1).
///
/// Removed elements leave an empty slot that is skipped; the storage is compacted when half of it is dead, so every
/// operation is amortized O(1). Positions are absolute and never reused.
///
/// Why not swift-collections' `Deque` (tried, issue 21): this is the lane's record queue, on the hot path of every
/// record, and a `Deque<Element?>` version cost about 30% of core-bench's `lane offer+pack+ack` figure (2.6 to 1.7
/// million records/s); a contiguous array with a head index, compacted when half dead, is what it needs.
struct SlotQueue<Element> {
    private var slots: [Element?] = []
    private var head = 0
    /// Absolute position of `slots[0]`.
    private var base: Int64 = 0
    /// Live (not removed) elements.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Appends `element`; returns its position.
    mutating func append(_ element: Element) -> Int64 {
        slots.append(element)
        count += 1
        return base + Int64(slots.count - 1)
    }

    /// The first live element, skipping removed slots.
    mutating func first() -> Element? {
        skipRemoved()
        return head < slots.count ? slots[head] : nil
    }

    /// The position of the first live element.
    mutating func firstPosition() -> Int64? {
        skipRemoved()
        return head < slots.count ? base + Int64(head) : nil
    }

    /// Runs `body` on the first live element in place (no copy), if there is one.
    mutating func withFirst<Result>(_ body: (inout Element) -> Result) -> Result? {
        skipRemoved()
        guard head < slots.count else { return nil }
        return body(&slots[head]!)
    }

    /// Removes and returns the first live element.
    mutating func popFirst() -> Element? {
        skipRemoved()
        guard head < slots.count else { return nil }
        let element = slots[head].take()
        head += 1
        count -= 1
        compactIfWorthIt()
        return element
    }

    /// Removes the element at `position`, if it is still there.
    mutating func remove(at position: Int64) -> Element? {
        let index = Int(position - base)
        guard index >= head, index < slots.count, let element = slots[index].take() else { return nil }
        count -= 1
        compactIfWorthIt()
        return element
    }

    /// Runs `body` on every live element in place, in order.
    mutating func updateEach(_ body: (inout Element) -> Void) {
        for index in head..<slots.count where slots[index] != nil { body(&slots[index]!) }
    }

    /// Removes every live element matching `predicate`, in order.
    mutating func removeAll(where predicate: (Element) -> Bool) -> [Element] {
        var removed: [Element] = []
        for index in head..<slots.count {
            if let element = slots[index], predicate(element) {
                removed.append(element)
                slots[index] = nil
                count -= 1
            }
        }
        compactIfWorthIt()
        return removed
    }

    private mutating func skipRemoved() {
        while head < slots.count && slots[head] == nil { head += 1 }
    }

    private mutating func compactIfWorthIt() {
        if count == 0 {
            base += Int64(slots.count)
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= slots.count {
            slots.removeFirst(head)
            base += Int64(head)
            head = 0
        }
    }
}

extension SlotQueue: Sendable where Element: Sendable {}
