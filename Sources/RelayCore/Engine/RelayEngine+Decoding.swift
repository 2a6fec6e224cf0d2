/// Before routing: decoding values and keys with registry schemas (fetched once per id through `.fetchSchema`),
/// filtering, and shaping (`RecordPreparation`).
extension RelayEngine {
    /// The result of preparing one record.
    enum Prepared {
        /// Route this record (decoded and shaped); `document` is its value's JSON document when one was built.
        case ready(SourceRecord, document: JSONValue?)
        /// Done without a stream: filtered out, or undecodable and dropped or dead-lettered.
        case settled
        /// Waiting for a schema: hold it (and the rest of its partition).
        case waiting
    }

    /// Decodes, filters and shapes `record` by its route's settings.
    mutating func prepare(_ record: SourceRecord, now: Instant, into actions: inout [EngineAction]) -> Prepared {
        guard let preparation = router.preparation(forTopic: record.topic) else {
            return .ready(record, document: nil)
        }
        let settings = preparation.settings
        let outcome = preparation.prepare(record) { id in schemas.lookup(id, now: now) }
        switch outcome {
        case .ready(let prepared, let document):
            return .ready(prepared, document: document)
        case .needsSchema(let id):
            if schemas.request(id) { actions.append(.fetchSchema(id: id)) }
            return .waiting
        case .filteredOut:
            actions.append(.report(.filtered(route: routeLabel(of: record, settings), topic: record.topic)))
            flow.markDone(record)
            return .settled
        case .undecodable(let reason, let field, let detail):
            let label = routeLabel(of: record, settings)
            actions.append(.report(.undecodable(route: label, topic: record.topic, reason: reason.rawValue)))
            let policy = settings.undecodable ?? (self.settings.deadLetters ? .deadLetter : .drop)
            let drop = DroppedRecord(
                record: record, reason: .undecodable, deadLetter: policy == .deadLetter,
                detail: "\(reason.rawValue): \(field): \(detail)")
            settle([drop], slot: nil, label: label, into: &actions)
            return .settled
        }
    }

    /// The metrics label of `record`'s route before its stream is known: a keyed template's text, else the stream
    /// name (its template's text when the name is invalid).
    private mutating func routeLabel(of record: SourceRecord, _ settings: StreamSettings) -> String {
        if settings.stream.isKeyed { return settings.stream.text }
        return router.name(topic: record.topic, partition: record.partition) ?? settings.stream.text
    }

    /// The registry answered a `.fetchSchema`: note the answer and offer the held records again.
    mutating func schemaAnswered(id: UInt32, answer: SchemaAnswer, now: Instant, into actions: inout [EngineAction]) {
        actions.append(.report(schemas.answered(id, answer, now: now)))
        flow.noteRoom()
    }
}

/// The registry's answer to a `.fetchSchema` (an unreachable registry is not an answer: the driver retries until
/// it answers, while the records wait).
public enum SchemaAnswer: Sendable {
    /// The schema, ready to decode with.
    case found(RegistrySchema)
    /// No such id (404: `unknown-schema`), or a schema the relay cannot use (`unsupported-schema`), with why.
    case refused(UndecodableReason, detail: String)
}
