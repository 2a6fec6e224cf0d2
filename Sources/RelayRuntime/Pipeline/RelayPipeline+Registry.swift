import Logging
import RelayCore
import RelaySync
import RelayTimers
import Synchronization

/// `.fetchSchema`: one fetch per schema id (the engine asks once), retried while the registry is unreachable (the
/// records needing it wait, held), answered with `.schemaAnswered`.
extension RelayPipeline {
    func fetchSchema(_ id: UInt32) {
        guard let registry else {
            apply(
                .schemaAnswered(
                    id: id, answer: .refused(.unknownSchema, detail: "no schemaRegistry is configured")))
            return
        }
        Task { [self] in
            let backoff = Backoff(
                initial: .seconds(1), maximum: max(.seconds(1), min(.seconds(30), registryAvailability.threshold / 3)))
            var failures = 0
            while !closed.load(ordering: .acquiring) {
                let answer: SchemaAnswer
                let outcome: String
                do throws(SchemaRegistryClient.FetchError) {
                    let document = try await registry.document(id: id)
                    do throws(AvroSchema.SchemaError) {
                        answer = .found(try RegistrySchema(document))
                        outcome = "found"
                    } catch {
                        answer = .refused(.unsupportedSchema, detail: error.description)
                        outcome = "unusable"
                    }
                } catch .notFound(let reason) {
                    answer = .refused(.unknownSchema, detail: reason)
                    outcome = "not-found"
                } catch .unusable(let reason) {
                    answer = .refused(.unsupportedSchema, detail: reason)
                    outcome = "unusable"
                } catch .unavailable(let reason) {
                    observer.schemaRegistryAnswered(outcome: "unavailable", cached: cachedSchemas)
                    registryAvailability.failed(reason)
                    logger.warning(
                        "schema.fetch.failed",
                        metadata: [LogKey.schemaId: .stringConvertible(id), LogKey.error: .string(reason)])
                    failures += 1
                    try? await Timers.sleep(for: backoff.delay(afterFailures: failures))
                    continue
                }
                registryAvailability.answered(outcome)
                apply(.schemaAnswered(id: id, answer: answer))
                observer.schemaRegistryAnswered(outcome: outcome, cached: cachedSchemas)
                return
            }
        }
    }

    private var cachedSchemas: Int { state.withLock { $0.engine.cachedSchemaCount } }
}
