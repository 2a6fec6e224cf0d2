import Logging
import RelayCore

/// `.fetchSchema`: one request per action through the `SchemaSource` port (the engine asks once per id, and again
/// after a backoff when the registry was unreachable), answered with `.schemaAnswered` or `.schemaUnavailable`.
/// Readiness, metrics and logs here.
extension RelayPipeline {
    func fetchSchema(_ id: UInt32) {
        guard let schemas else {
            apply(
                .schemaAnswered(
                    id: id, answer: .refused(.unknownSchema, detail: "no schemaRegistry is configured")))
            return
        }
        schemas.fetch(id) { [self] fetch in
            switch fetch {
            case .answered(let answer, let outcome):
                registryAvailability.answered(outcome)
                loop.enqueue { [self] driven in
                    handle(.schemaAnswered(id: id, answer: answer), &driven)
                    observer.schemaRegistryAnswered(outcome: outcome, cached: driven.engine.cachedSchemaCount)
                }
            case .unreachable(let reason):
                registryAvailability.failed(reason)
                logger.warning(
                    "schema.fetch.failed",
                    metadata: [LogKey.schemaId: .stringConvertible(id), LogKey.error: .string(reason)])
                loop.enqueue { [self] driven in
                    observer.schemaRegistryAnswered(outcome: "unavailable", cached: driven.engine.cachedSchemaCount)
                    handle(.schemaUnavailable(id: id), &driven)
                }
            }
        }
    }
}
