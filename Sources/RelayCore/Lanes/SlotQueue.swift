import DequeModule

/// A FIFO queue whose elements can also be removed from the middle by position (for conflation), in O(1).
///
/// Kept in swift-collections' `Deque`: a removed element leaves an empty slot, skipped (and popped) when it reaches
/// the front, so every operation is amortized O(1). Positions are absolute and never reused.
struct SlotQueue<Element> {
    private var slots = Deque<Element?>()
    /// Absolute position of `slots.first`.
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
        return slots.first ?? nil
    }

    /// The position of the first live element.
    mutating func firstPosition() -> Int64? {
        skipRemoved()
        return slots.isEmpty ? nil : base
    }

    /// Runs `body` on the first live element in place (no copy), if there is one.
    mutating func withFirst<Result>(_ body: (inout Element) -> Result) -> Result? {
        skipRemoved()
        guard !slots.isEmpty else { return nil }
        return body(&slots[slots.startIndex]!)
    }

    /// Removes and returns the first live element.
    mutating func popFirst() -> Element? {
        skipRemoved()
        guard let element = slots.popFirst() ?? nil else { return nil }
        base += 1
        count -= 1
        return element
    }

    /// Removes the element at `position`, if it is still there.
    mutating func remove(at position: Int64) -> Element? {
        guard position >= base, position - base < Int64(slots.count) else { return nil }
        let index = slots.startIndex + Int(position - base)
        guard let element = slots[index].take() else { return nil }
        count -= 1
        return element
    }

    /// Removes every live element matching `predicate`, in order.
    mutating func removeAll(where predicate: (Element) -> Bool) -> [Element] {
        var removed: [Element] = []
        for index in slots.indices {
            if let element = slots[index], predicate(element) {
                removed.append(element)
                slots[index] = nil
                count -= 1
            }
        }
        return removed
    }

    /// Pops removed slots off the front, so `slots.first` is live (or the deque is empty).
    private mutating func skipRemoved() {
        while let first = slots.first, first == nil {
            slots.removeFirst()
            base += 1
        }
    }
}

extension SlotQueue: Sendable where Element: Sendable {}
