import Foundation
import RelayCore
import Testing

/// The configuration loader fuzzed with mutated configuration files (issue 8, bad input): random byte flips,
/// insertions of JSON's structural characters, deletions, duplicated spans and truncations of the example files.
/// Every case must end in a configuration or a `ConfigurationError` whose lines say what is wrong (exit 78); none
/// may crash or hang. CI runs 20,000 cases; `SYNC_RELAY_FUZZ_CASES=2000000 swift test --filter ConfigurationFuzz`
/// runs a campaign (`SYNC_RELAY_FUZZ_SEED` replays one).
@Suite("Configuration loader fuzzing", .timeLimit(.minutes(30)))
struct ConfigurationFuzzTests {
    static let environment = ["TWILIO_AUTH_TOKEN": "example-token", "TWILIO_API_SECRET": "example-secret"]
    /// What insertions draw from: JSON's structure, digits, escapes, a multi-byte character, invalid UTF-8, NUL.
    static let alphabet: [[UInt8]] =
        ["{", "}", "[", "]", "\"", ",", ":", "0", "9", "-", ".", "e", "\\", "u", "t", "n", " ", "\n", "é", "${", "}"]
        .map { Array($0.utf8) } + [[0xFF], [0xC3], [0x00], [0xF0, 0x9F, 0x98]]

    static func seeds() throws -> [[UInt8]] {
        var files = [repositoryRoot.appendingPathComponent("config.example.json")]
        let examples = repositoryRoot.appendingPathComponent("docs/examples")
        files += try FileManager.default.contentsOfDirectory(at: examples, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        return try files.map { Array(try Data(contentsOf: $0)) }
    }

    static func mutate(_ input: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { return bytes }
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.insert(contentsOf: alphabet.randomElement(using: &rng)!, at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...40, using: &rng)))
            case 3:
                let span = bytes[at..<min(bytes.count, at + Int.random(in: 1...80, using: &rng))]
                bytes.insert(contentsOf: span, at: Int.random(in: 0...bytes.count, using: &rng))
            default: bytes.removeSubrange(at...)
            }
        }
        return bytes
    }

    @Test func mutatedFilesLoadOrSayWhatIsWrong() throws {
        let process = ProcessInfo.processInfo.environment
        let cases = process["SYNC_RELAY_FUZZ_CASES"].flatMap(Int.init) ?? 20_000
        let seed = process["SYNC_RELAY_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max / 2)
        var rng = SeededGenerator(seed: seed)
        let seeds = try Self.seeds()
        let loader = ConfigurationLoader(environment: Self.environment)
        var loaded = 0
        var refused = 0
        var silent: [[UInt8]] = []
        for index in 0..<cases {
            let input = Self.mutate(seeds[index % seeds.count], using: &rng)
            do {
                let configuration = try loader.load(bytes: input, source: "fuzz.json", directory: nil)
                #expect((512...4096).contains(configuration.defaults.maxMessageBytes))
                #expect(configuration.routes.allSatisfy { (512...4096).contains($0.settings.maxMessageBytes) })
                loaded += 1
            } catch {
                refused += 1
                if error.lines.isEmpty || error.lines.contains(where: \.isEmpty) { silent.append(input) }
            }
        }
        print("configuration fuzz: seed \(seed), \(cases) cases, \(loaded) loaded, \(refused) refused with a message")
        #expect(
            silent.isEmpty, "refused without a message: \(silent.prefix(3).map { String(decoding: $0, as: UTF8.self) })"
        )
        #expect(loaded + refused == cases)
    }
}
