import RelayCore

/// The engine's `SchemaSource` port over the Schema Registry client: one request per fetch (the engine asks again
/// after a backoff when the registry was unreachable), in a task of its own.
public struct RegistrySchemaSource: SchemaSource {
    private let client: SchemaRegistryClient

    /// A source fetching through `client`.
    public init(client: SchemaRegistryClient) {
        self.client = client
    }

    public func fetch(_ id: UInt32, answer: @escaping @Sendable (SchemaFetch) -> Void) {
        let client = client
        Task {
            do throws(SchemaRegistryClient.FetchError) {
                let document = try await client.document(id: id)
                do throws(AvroSchema.SchemaError) {
                    answer(.answered(.found(try RegistrySchema(document)), outcome: "found"))
                } catch {
                    answer(.answered(.refused(.unsupportedSchema, detail: error.description), outcome: "unusable"))
                }
            } catch .notFound(let reason) {
                answer(.answered(.refused(.unknownSchema, detail: reason), outcome: "not-found"))
            } catch .unusable(let reason) {
                answer(.answered(.refused(.unsupportedSchema, detail: reason), outcome: "unusable"))
            } catch .unavailable(let reason) {
                answer(.unreachable(reason: reason))
            }
        }
    }
}
