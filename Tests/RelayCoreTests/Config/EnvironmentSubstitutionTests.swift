import RelayCore
import Testing

@Suite("Environment substitution")
struct EnvironmentSubstitutionTests {
    let substitution = EnvironmentSubstitution(environment: ["HOST": "kafka-1", "EMPTY": "", "PORT": "9092"])

    @Test(arguments: [
        ("${HOST}:${PORT}", "kafka-1:9092"),
        ("${MISSING:-fallback}", "fallback"),
        ("${EMPTY:-fallback}", "fallback"),
        ("${EMPTY}", ""),
        ("${MISSING:-}", ""),
        ("price $5", "price $5"),
        ("$${HOST}", "${HOST}"),
        ("a${HOST}b${HOST}c", "akafka-1bkafka-1c"),
        ("${MISSING:-a:-b}", "a:-b"),
    ])
    func substitutes(text: String, expected: String) throws {
        #expect(try substitution.substitute(text) == expected)
    }

    @Test(arguments: [
        ("${MISSING}", "environment variable MISSING, which is not set"),
        ("${HOST", "has no closing '}'"),
        ("${1ABC}", "is not a valid variable reference"),
        ("${}", "is not a valid variable reference"),
    ])
    func rejects(text: String, fragment: String) {
        #expect {
            try substitution.substitute(text)
        } throws: { error in
            (error as? EnvironmentSubstitution.SubstitutionError)?.reason.contains(fragment) == true
        }
    }

    @Test func reportsMissingVariablesWithTheirPaths() {
        let document =
            minimalConfiguration
            .setting(["twilio", "authToken"], to: "${TWILIO_AUTH_TOKEN}")
            .setting(["kafka", "brokers"], to: ["${BROKER_ONE}", "${BROKER_TWO:-localhost:9093}"])
        let found = problems(document, environment: [:])
        #expect(found.map(\.path.description) == ["$.kafka.brokers[0]", "$.twilio.authToken"])
        #expect(found[1].message.contains("TWILIO_AUTH_TOKEN, which is not set"))
    }

    @Test func substitutedValuesAreValidatedAfterwards() throws {
        let document = minimalConfiguration.setting(["defaults", "ttl"], to: "${STREAM_TTL:-1h}")
        #expect(try loadConfiguration(document).get().defaults.ttl == .seconds(3600))
        let bad = problems(document, environment: ["STREAM_TTL": "forever"])
        #expect(
            bad.contains {
                $0.path.description == "$.defaults.ttl" && $0.message.contains("'forever' is not a duration")
            })
    }

    @Test func keysAreNotSubstituted() {
        let document = minimalConfiguration.setting(["defaults", "${KEY}"], to: 1)
        #expect(
            problems(document, environment: ["KEY": "rate"]).contains {
                $0.path.description == "$.defaults[\"${KEY}\"]"
            })
    }
}
