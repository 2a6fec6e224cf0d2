import RelayCore
import RelayTestSupport
import Testing

/// Random schemas and values written by fastavro (the encoder Confluent's AvroSerializer uses, an implementation
/// independent of the relay's), decoded by the relay both ways (document and text), compared with the JSON the
/// mapping promises (computed in Python from the value).
@Suite(.timeLimit(.minutes(2))) struct AvroFastavroPropertyTests {
    @Test(arguments: 0..<4) func fastavroValuesDecodeAsTheMappingSays(seed: Int) async throws {
        let cases = try await OfficialSerializers.randomAvro(seed: seed, count: 500)
        #expect(cases.count == 500)
        for (index, random) in cases.enumerated() {
            let decoder = AvroDecoder(schema: try AvroSchema(random.schema))
            let decoded = try decoder.decode(random.bytes)
            #expect(
                OfficialSerializers.sameJSON(decoded, random.expected),
                "seed \(seed) case \(index): \(random.schema): \(decoded.text()) != \(random.expected.text())")
            #expect(try decoder.decodeText(random.bytes) == decoded.compactBytes)
        }
    }
}
