import Foundation
import RelayCore
import Testing

@Suite struct StreamLaneTests {
    private func record(_ offset: Int64, key: String? = nil, size: Int = 10, partition: Int32 = 0) -> SourceRecord {
        SourceRecord(
            topic: "t", partition: partition, offset: offset, key: key.map { Array($0.utf8) },
            value: Array("\"\(String(repeating: "x", count: size))\"".utf8))
    }

    @Test func sendsAtOnceWhenATokenIsAvailable() throws {
        var lane = StreamLane()
        _ = lane.offer(record(0), now: .zero)
        let step = lane.nextStep(now: .zero)
        let message = try #require(step.message)
        #expect(message.sequence == 1 && message.recordCount == 1)
        #expect(String(decoding: message.data, as: UTF8.self) == "{\"v\":1,\"q\":1,\"r\":[{\"j\":\"xxxxxxxxxx\"}]}")
        let result1 = lane.acknowledge(sequence: 1, now: .zero)
        #expect(result1.map(\.offset) == [0])
        #expect(lane.isIdle)
    }

    /// A message ready while the pacer has no token reports how long it was held; one sent at once reports zero,
    /// and a later message does not inherit an earlier wait.
    @Test func messagesReportHowLongThePacerHeldThem() throws {
        var lane = StreamLane(pacer: StreamPacer(settings: PacerSettings(rate: 2)))
        _ = lane.offer(record(0), now: .zero)
        let first = lane.nextStep(now: .zero)
        #expect(try #require(first.message).sequence == 1)
        #expect(first.pacerWait == .zero)
        _ = lane.offer(record(1), now: .seconds(0.1))
        let held = lane.nextStep(now: .seconds(0.1))
        #expect(held.message == nil)
        let due = try #require(held.wakeAt)
        #expect(lane.nextStep(now: .seconds(0.3)).message == nil)
        let sent = lane.nextStep(now: due)
        #expect(try #require(sent.message).sequence == 2)
        #expect(sent.pacerWait == due - Instant.seconds(0.1))
        _ = lane.acknowledge(sequence: 1, now: due)
        _ = lane.acknowledge(sequence: 2, now: due)
        _ = lane.offer(record(2), now: due + .seconds(5))
        let fresh = lane.nextStep(now: due + .seconds(5))
        #expect(fresh.message != nil && fresh.pacerWait == .zero)
    }

    @Test func underBacklogMessagesAreFullAndPaced() throws {
        var lane = StreamLane(settings: LaneSettings(maxInFlight: 100))
        for offset in 0..<2000 { _ = lane.offer(record(Int64(offset), size: 90), now: .zero) }
        var now = Instant.zero
        var messages: [OutgoingMessage] = []
        while lane.queuedRecords > 0 {
            let step = lane.nextStep(now: now)
            if let message = step.message {
                messages.append(message)
            } else {
                now = try #require(step.wakeAt)
            }
        }
        for message in messages.dropLast() { #expect(message.data.count > 4096 - 100) }
        #expect(messages.count == (2000 + messages[0].recordCount - 1) / messages[0].recordCount)
        #expect(now - Instant.zero < .seconds(Double(messages.count) / 30 + 0.01))
    }

    @Test func inFlightWindowLimitsOutstandingMessages() {
        var lane = StreamLane(settings: LaneSettings(maxInFlight: 2), pacer: StreamPacer(settings: .init(burst: 30)))
        for offset in 0..<3 { _ = lane.offer(record(Int64(offset), size: 3000), now: .zero) }
        let result2 = lane.nextStep(now: .zero)
        #expect(result2.message?.sequence == 1)
        let result3 = lane.nextStep(now: .zero)
        #expect(result3.message?.sequence == 2)
        let blocked = lane.nextStep(now: .zero)
        #expect(blocked.message == nil && blocked.wakeAt == nil)
        #expect(lane.nextWake(now: .zero) == nil)
        _ = lane.acknowledge(sequence: 1, now: .zero)
        #expect(lane.nextWake(now: .zero) == .zero)  // the freed slot: the worker must be woken
        let result4 = lane.nextStep(now: .zero)
        #expect(result4.message?.sequence == 3)
    }

    @Test func blockRefusesWhenFullAndSignalsPause() {
        var lane = StreamLane(settings: LaneSettings(maxRecords: 2, overflow: .block))
        let result5 = lane.offer(record(0), now: .zero)
        #expect(result5.disposition == .queued)
        let second = lane.offer(record(1), now: .zero)
        #expect(second.disposition == .queued && second.shouldPause)
        let third = lane.offer(record(2), now: .zero)
        #expect(third.disposition == .refused && third.dropped.isEmpty)
        #expect(!lane.canResume)
        _ = lane.nextStep(now: .zero)
        #expect(lane.canResume)
    }

    @Test func dropOldestEvictsTheOldest() {
        var lane = StreamLane(settings: LaneSettings(maxRecords: 2, overflow: .dropOldest, deadLetterDrops: true))
        _ = lane.offer(record(0), now: .zero)
        _ = lane.offer(record(1), now: .zero)
        let offer = lane.offer(record(2), now: .zero)
        #expect(offer.disposition == .queued)
        #expect(offer.dropped.map(\.record.offset) == [0])
        #expect(offer.dropped.first?.reason == .overflowOldest && offer.dropped.first?.deadLetter == true)
    }

    @Test func dropNewestRejectsTheArrival() {
        var lane = StreamLane(settings: LaneSettings(maxBytes: 40, overflow: .dropNewest))
        _ = lane.offer(record(0, size: 20), now: .zero)
        let offer = lane.offer(record(1, size: 20), now: .zero)
        #expect(offer.disposition == .dropped)
        #expect(offer.dropped.map(\.reason) == [.overflowNewest])
    }

    @Test func conflateKeepsTheNewestPerKeyInArrivalOrder() throws {
        var lane = StreamLane(settings: LaneSettings(conflate: true))
        _ = lane.offer(record(0, key: "a"), now: .zero)
        _ = lane.offer(record(1, key: "b"), now: .zero)
        let offer = lane.offer(record(2, key: "a"), now: .zero)
        #expect(offer.dropped.map(\.record.offset) == [0] && offer.dropped.first?.reason == .conflated)
        _ = lane.offer(record(3), now: .zero)
        _ = lane.offer(record(4), now: .zero)  // no key: never conflated
        let message = try #require(lane.nextStep(now: .zero).message)
        let result6 = lane.acknowledge(sequence: message.sequence, now: .zero)
        #expect(result6.map(\.offset) == [1, 2, 3, 4])
    }

    @Test func maxAgeDropsRecordsWhenTheirTurnComes() throws {
        var lane = StreamLane(settings: LaneSettings(maxAge: .seconds(1)))
        _ = lane.offer(record(0), now: .zero)
        _ = lane.offer(record(1), now: .seconds(0.5))
        let step = lane.nextStep(now: .seconds(1.2))
        #expect(step.dropped.map(\.record.offset) == [0] && step.dropped.first?.reason == .expired)
        let message = try #require(step.message)
        let result7 = lane.acknowledge(sequence: message.sequence, now: .seconds(1.2))
        #expect(result7.map(\.offset) == [1])
    }

    @Test func oversizePolicies() {
        let big = record(0, size: 5000)
        var dropLane = StreamLane(settings: LaneSettings(oversize: .drop))
        let dropped = dropLane.offer(big, now: .zero)
        #expect(dropped.disposition == .dropped && dropped.dropped.first?.reason == .oversize)
        #expect(dropped.dropped.first?.deadLetter == false)
        var deadLetterLane = StreamLane(settings: LaneSettings(oversize: .deadLetter))
        let result8 = deadLetterLane.offer(big, now: .zero)
        #expect(result8.dropped.first?.deadLetter == true)
    }

    @Test func splitRecordIsDoneWhenAllChunksAreAcknowledged() throws {
        var lane = StreamLane(settings: LaneSettings(maxInFlight: 10), pacer: StreamPacer(settings: .init(burst: 30)))
        _ = lane.offer(record(0, size: 10), now: .zero)
        _ = lane.offer(record(1, size: 10_000), now: .zero)
        _ = lane.offer(record(2, size: 10), now: .zero)
        var messages: [OutgoingMessage] = []
        while let message = lane.nextStep(now: .zero).message { messages.append(message) }
        // Batch [0], then chunks of 1, then batch [2]: the split record is never merged with others.
        #expect(messages.count == 5)
        #expect(messages[1].chunk?.index == 0 && messages[1].chunk?.count == 3)
        var done: [Int64] = []
        for message in messages.reversed() {
            done += lane.acknowledge(sequence: message.sequence, now: .zero).map(\.offset)
        }
        #expect(done.sorted() == [0, 1, 2])
        #expect(done.filter { $0 == 1 }.count == 1)
        var decoder = MessageDecoder(budget: 4096)
        for message in messages { try decoder.receive(message.data) }
        #expect(decoder.records.count == 3)
    }

    @Test func abandoningAChunkGivesUpTheRecordOnce() {
        var lane = StreamLane(settings: LaneSettings(maxInFlight: 1))
        _ = lane.offer(record(7, size: 10_000), now: .zero)
        let first = lane.nextStep(now: .zero).message!
        let dropped = lane.abandon(sequence: first.sequence, now: .zero)
        #expect(dropped.map(\.record.offset) == [7] && dropped.first?.reason == .rejected)
        #expect(lane.isIdle)
        let result9 = lane.nextStep(now: .seconds(10))
        #expect(result9.message == nil)
        #expect(lane.isIdle)
    }

    /// The lane tells the pacer when each message was answered: a message answered 100 ms later than the others
    /// holds the message sent a window (here 2 messages) after it by its excess.
    @Test func responsesReachTheArrivalGuard() throws {
        let pacer = StreamPacer(settings: PacerSettings(rate: 2, guardsArrivals: true))
        var lane = StreamLane(settings: LaneSettings(maxInFlight: 10), pacer: pacer)
        _ = lane.offer(record(0), now: .zero)
        let first = try #require(lane.nextStep(now: .zero).message)
        _ = lane.offer(record(1), now: .zero)
        let second = try #require(lane.nextStep(now: .seconds(0.6)).message)
        _ = lane.acknowledge(sequence: second.sequence, now: .seconds(0.601))  // 1 ms: the baseline
        _ = lane.acknowledge(sequence: first.sequence, now: .seconds(0.201))  // 201 ms: 200 ms excess
        _ = lane.offer(record(2), now: .zero)
        // The pacer alone would send at 1.1 s; the guard holds until 1 s + 2 ms + 200 ms after the first.
        let held = lane.nextStep(now: .seconds(1.15))
        #expect(held.message == nil && held.wakeAt == .seconds(1.202))
        #expect(lane.nextWake(now: .seconds(1.15)) == .seconds(1.202))
        let third = lane.nextStep(now: .seconds(1.202))
        #expect(third.message != nil)
    }

    @Test func retriesKeepTheirBytesAndGoThroughThePacer() throws {
        var lane = StreamLane()
        _ = lane.offer(record(0), now: .zero)
        let first = try #require(lane.nextStep(now: .zero).message)
        lane.retry(sequence: first.sequence, notBefore: .seconds(2), now: .zero)
        let waiting = lane.nextStep(now: .seconds(1))
        #expect(waiting.message == nil && waiting.wakeAt == .seconds(2))
        let again = try #require(lane.nextStep(now: .seconds(2)).message)
        #expect(again.data == first.data && again.sequence == first.sequence && again.previousAttempts == 1)
        let result10 = lane.acknowledge(sequence: first.sequence, now: .seconds(2))
        #expect(result10.count == 1)
    }

    @Test func nextWakeSaysWhenTheNextMessageCanGoWithoutTakingIt() throws {
        var lane = StreamLane(pacer: StreamPacer(settings: PacerSettings(rate: 2)))
        #expect(lane.nextWake(now: .zero) == nil)  // nothing to send
        _ = lane.offer(record(0), now: .zero)
        #expect(lane.nextWake(now: .zero) == .zero)
        #expect(lane.nextWake(now: .zero) == .zero)  // asking takes nothing
        let first = try #require(lane.nextStep(now: .zero).message)
        _ = lane.offer(record(1), now: .zero)
        let token = try #require(lane.nextWake(now: .zero))  // the pacer's next token, half a second on
        #expect(token >= .seconds(0.5) && token < .seconds(0.51))
        #expect(lane.nextStep(now: .zero).wakeAt == token)
        _ = lane.acknowledge(sequence: first.sequence, now: .seconds(0.1))
        #expect(lane.nextWake(now: .seconds(0.1)) == token)  // an ack alone changes nothing here
        _ = try #require(lane.nextStep(now: token).message)
        #expect(lane.nextWake(now: token) == nil)
    }

    @Test func pauseDelaysTheNextMessage() {
        var lane = StreamLane()
        lane.pause(until: .seconds(3))
        _ = lane.offer(record(0), now: .zero)
        let step = lane.nextStep(now: .seconds(1))
        #expect(step.message == nil && step.wakeAt == .seconds(3))
    }

    @Test func discardQueuedRemovesARevokedPartition() {
        var lane = StreamLane()
        _ = lane.offer(record(0, partition: 0), now: .zero)
        _ = lane.offer(record(0, partition: 1), now: .zero)
        let removed = lane.discardQueued(of: TopicPartition(topic: "t", partition: 1))
        #expect(removed.map(\.partition) == [1] && lane.queuedRecords == 1)
    }
}
