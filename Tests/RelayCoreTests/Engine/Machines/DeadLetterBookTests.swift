import Testing

@testable import RelayCore

/// `DeadLetterBook` alone: letters under way, their retries' backoff, and withdrawal on revoke.
@Suite struct DeadLetterBookTests {
    func drop(_ offset: Int64, partition: Int32 = 0) -> DroppedRecord {
        DroppedRecord(record: MachineFixtures.record(offset, partition: partition), reason: .oversize, deadLetter: true)
    }

    @Test func lettersAreNumberedAndDoneWhenWritten() {
        var book = DeadLetterBook()
        let first = book.open(drop(0), stream: "orders", slot: 2, label: "orders")
        let second = book.open(drop(1), stream: "orders", slot: nil, label: "_unroutable")
        #expect((first.id, second.id) == (1, 2))
        #expect(book.letter(1)?.record.offset == 0)
        let value36 = book.written(1)
        #expect(value36?.slot == 2)
        let value37 = book.written(1)
        #expect(value37 == nil, "once")
        #expect(!book.isEmpty)
        let value38 = book.written(2)
        #expect(value38?.label == "_unroutable")
        #expect(book.isEmpty)
    }

    @Test func aFailedWriteIsTriedAgainAfterADoublingBackoff() {
        var book = DeadLetterBook()
        let letter = book.open(drop(0), stream: "orders", slot: nil, label: "orders")
        let waits = (0..<10).map { _ in
            book.failed(letter.id, now: .seconds(100)).map { $0 - Instant.seconds(100) }
        }
        #expect(
            waits.prefix(4) == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)])
        #expect(waits.last == .seconds(10), "capped")
        let value39 = book.failed(99, now: .seconds(1))
        #expect(value39 == nil, "no such letter")
    }

    @Test func aRevokeWithdrawsItsPartitionsLettersInOrder() {
        var book = DeadLetterBook()
        _ = book.open(drop(0, partition: 1), stream: "orders", slot: 1, label: "orders")
        _ = book.open(drop(0, partition: 0), stream: "orders", slot: 1, label: "orders")
        _ = book.open(drop(1, partition: 1), stream: "orders", slot: 1, label: "orders")
        let withdrawn = book.withdraw([TopicPartition(topic: "orders", partition: 1)])
        #expect(withdrawn.map(\.letter.id) == [1, 3])
        #expect(!book.contains(1) && book.contains(2))
    }
}
