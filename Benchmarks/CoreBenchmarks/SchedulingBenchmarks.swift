import RelayCore

/// Pacer and lane operations with many streams.
enum SchedulingBenchmarks {
    /// Pacer admissions attempted per second across `streams` pacers, visited in a scattered order while time moves.
    static func pacerRate(streams: Int, operations: Int) -> Double {
        Measure.bestRate {
            var pacers = [StreamPacer](repeating: StreamPacer(), count: streams)
            var admitted = 0
            var stream = 0
            var now = Instant.zero
            for operation in 0..<operations {
                stream = (stream &+ 7919) % streams
                if operation % streams == 0 { now = now + .milliseconds(5) }
                if pacers[stream].admit(now: now) { admitted += 1 }
                if operation % 64 == 0 { pacers[stream].pause(until: now) }
            }
            Measure.consume(admitted)
            return operations
        }
    }

    /// Lane operations per second across `streams` lanes: each operation offers a 100-byte record to a lane, asks it
    /// for its next step, and acknowledges any message. Counted as one offer plus one step.
    static func laneRate(streams: Int, operations: Int) -> Double {
        let records = Workloads.jsonRecords(count: 4096, size: 100)
        return Measure.bestRate {
            var lanes = [StreamLane](repeating: StreamLane(settings: LaneSettings(maxRecords: 1000)), count: streams)
            var stream = 0
            var now = Instant.zero
            var published = 0
            for operation in 0..<operations {
                stream = (stream &+ 7919) % streams
                if operation % streams == 0 { now = now + .milliseconds(5) }
                _ = lanes[stream].offer(records[operation & 4095], now: now)
                if let message = lanes[stream].nextStep(now: now).message {
                    published += lanes[stream].acknowledge(sequence: message.sequence, now: now).count
                }
            }
            Measure.consume(published)
            return operations * 2
        }
    }
}
