/// A schema as a Schema Registry serves it (`GET /schemas/ids/{id}`), with the texts of the schemas it references
/// (resolved through `/subjects/{subject}/versions/{version}`, dependencies first).
public struct RegistrySchemaDocument: Sendable, Hashable {
    /// The registry's `schemaType` (absent means Avro).
    public enum SchemaType: String, Sendable, Hashable {
        case avro = "AVRO"
        case json = "JSON"
        case protobuf = "PROTOBUF"
    }

    public var type: SchemaType
    public var text: String
    public var references: [String]

    public init(type: SchemaType, text: String, references: [String] = []) {
        self.type = type
        self.text = text
        self.references = references
    }
}

/// A registry schema ready to decode with: what the engine caches per schema id.
public enum RegistrySchema: Sendable {
    case avro(AvroDecoder)
    /// JSON Schema: the payload is JSON text, embedded as is (the relay does not validate against the schema; the
    /// producer's serializer did).
    case jsonSchema
    /// Protobuf: decoded to the proto3 JSON mapping when the registry served the schema serialized (a
    /// `FileDescriptorProto`), else (nil: `.proto` text only) carried as base64 with its schema id and message
    /// indexes.
    case protobuf(ProtobufDecoder?)

    /// Prepares `document`, or throws why the relay cannot decode with it.
    public init(_ document: RegistrySchemaDocument) throws(AvroSchema.SchemaError) {
        switch document.type {
        case .avro: self = .avro(AvroDecoder(schema: try AvroSchema(document.text, references: document.references)))
        case .json: self = .jsonSchema
        case .protobuf:
            guard let descriptor = Base64.decode(document.text) else {
                self = .protobuf(nil)
                return
            }
            var dependencies: [[UInt8]] = []
            for reference in document.references {
                guard let bytes = Base64.decode(reference) else {
                    self = .protobuf(nil)
                    return
                }
                dependencies.append(bytes)
            }
            self = .protobuf(
                ProtobufDecoder(schema: try ProtobufSchema(descriptor: descriptor, dependencies: dependencies)))
        }
    }

    /// The route format this schema's type is.
    public var format: ValueFormat {
        switch self {
        case .avro: .avro
        case .jsonSchema: .jsonSchema
        case .protobuf: .protobuf
        }
    }
}
