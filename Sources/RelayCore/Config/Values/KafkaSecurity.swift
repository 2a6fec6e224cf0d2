/// The rules `check` applies to the security part of `kafka.properties` (librdkafka's own property names): the
/// protocol, the SASL mechanism and the keys it needs, the client certificate and its key, and which properties
/// name files. librdkafka alone would accept most mistakes here and fail later, at connect time, with a broker-side
/// error; the relay refuses them before it starts, naming the property.
public enum KafkaSecurity {
    /// Properties that name a file librdkafka reads. A relative path is resolved against the secret directory
    /// (`$CREDENTIALS_DIRECTORY` under systemd, else the configuration file's folder), like `twilio.authTokenFile`.
    public static let fileProperties: Set<String> = [
        "ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.keystore.location",
        "ssl.crl.location", "sasl.kerberos.keytab",
    ]
    /// The protocols librdkafka speaks (`security.protocol`), lowercased.
    public static let protocols = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"]
    /// The SASL mechanisms librdkafka supports (`sasl.mechanisms`).
    public static let mechanisms = ["GSSAPI", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"]

    /// What the properties ask for.
    public struct Plan: Equatable, Sendable {
        /// `security.protocol`, lowercased (`plaintext` when unset).
        public var securityProtocol: String
        /// The SASL mechanism, uppercased, when the protocol uses SASL.
        public var mechanism: String?
        /// Whether the connection is TLS.
        public var usesTLS: Bool { securityProtocol == "ssl" || securityProtocol == "sasl_ssl" }
        /// Whether the connection authenticates with SASL.
        public var usesSASL: Bool { securityProtocol.hasPrefix("sasl_") }
        /// Whether a client certificate is presented (mutual TLS).
        public var presentsCertificate: Bool

        /// One line for `check`'s summary: how the relay authenticates to Kafka.
        public var summary: String {
            var parts = [securityProtocol.uppercased()]
            if let mechanism { parts.append("SASL \(mechanism)") }
            if presentsCertificate { parts.append("client certificate") }
            return parts.joined(separator: ", ")
        }
    }

    /// What `properties` ask for, and every problem with them (by property name; `nil` names none in particular).
    public static func check(_ properties: [String: String]) -> (
        plan: Plan, problems: [(property: String, message: String)]
    ) {
        var problems: [(property: String, message: String)] = []
        func value(_ name: String) -> String? {
            guard let text = properties[name]?.trimmingWhitespace, !text.isEmpty else { return nil }
            return text
        }
        var securityProtocol = value("security.protocol")?.lowercased() ?? "plaintext"
        if !protocols.contains(securityProtocol) {
            problems.append(
                ("security.protocol", "'\(securityProtocol)' is not one of \(protocols.joined(separator: ", "))"))
            securityProtocol = "plaintext"
        }
        var plan = Plan(securityProtocol: securityProtocol, mechanism: nil, presentsCertificate: false)
        /// Refuses set (non-empty) properties the protocol does not use: they would be silently ignored.
        func refuseUnused(where matches: (String) -> Bool, _ feature: String, _ protocols: String) {
            for name in properties.keys.sorted() where matches(name) && value(name) != nil {
                problems.append(
                    (
                        name,
                        "is set but security.protocol is \(securityProtocol), which does not use \(feature): set security.protocol to \(protocols)"
                    ))
            }
        }

        // SASL
        let mechanismKeys = ["sasl.mechanisms", "sasl.mechanism"].filter { value($0) != nil }
        if mechanismKeys.count == 2 {
            problems.append(("sasl.mechanism", "sasl.mechanism and sasl.mechanisms are the same property; set one"))
        }
        let mechanismKey = mechanismKeys.first ?? "sasl.mechanisms"
        if plan.usesSASL {
            // As written: librdkafka compares the mechanism exactly (`scram-sha-256` fails when the client starts).
            let written = properties[mechanismKey]
            let mechanism = written ?? "GSSAPI"
            plan.mechanism = mechanism
            if written == nil && (value("sasl.username") != nil || value("sasl.password") != nil) {
                problems.append(
                    (
                        "sasl.mechanisms",
                        "is not set, so librdkafka uses GSSAPI (Kerberos) and ignores sasl.username and sasl.password; set it to PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"
                    ))
            }
            func needs(_ names: [String], _ why: String) {
                let missing = names.filter { value($0) == nil }
                if !missing.isEmpty {
                    problems.append((mechanismKey, "\(why) needs \(missing.joined(separator: " and "))"))
                }
            }
            switch mechanism {
            case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
                needs(["sasl.username", "sasl.password"], "SASL \(mechanism)")
            case "OAUTHBEARER":
                switch value("sasl.oauthbearer.method")?.lowercased() ?? "default" {
                case "oidc":
                    needs(
                        [
                            "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret",
                            "sasl.oauthbearer.token.endpoint.url",
                        ], "SASL OAUTHBEARER with OIDC")
                    if let url = value("sasl.oauthbearer.token.endpoint.url"),
                        !url.lowercased().hasPrefix("https://") && !url.lowercased().hasPrefix("http://")
                    {
                        problems.append(("sasl.oauthbearer.token.endpoint.url", "'\(url)' is not an http(s) URL"))
                    }
                case "default":
                    let unsecure = value("enable.sasl.oauthbearer.unsecure.jwt")?.lowercased()
                    if !["true", "t", "1"].contains(unsecure ?? "") {
                        problems.append(
                            (
                                mechanismKey,
                                "SASL OAUTHBEARER needs sasl.oauthbearer.method=oidc (the relay fetches tokens from your identity provider's token endpoint; it has no other token source), or, for tests only, enable.sasl.oauthbearer.unsecure.jwt=true"
                            ))
                    }
                case let other:
                    problems.append(("sasl.oauthbearer.method", "'\(other)' is not one of default, oidc"))
                }
            case "GSSAPI":
                break  // Kerberos: sasl.kerberos.* have librdkafka's defaults (kinit with the keytab, if given).
            default:
                let spelt = mechanism.uppercased().filter { !$0.isWhitespace }
                if mechanisms.contains(spelt) {
                    problems.append(
                        (mechanismKey, "write it exactly '\(spelt)': librdkafka compares the mechanism as written"))
                } else {
                    problems.append(
                        (mechanismKey, "'\(mechanism)' is not one of \(mechanisms.joined(separator: ", "))"))
                }
            }
        } else {
            refuseUnused(
                where: { $0.hasPrefix("sasl.") || $0.contains(".sasl.") }, "SASL", "sasl_ssl (or sasl_plaintext)")
        }

        // TLS
        if plan.usesTLS {
            let certificate = ["ssl.certificate.location", "ssl.certificate.pem"].first { value($0) != nil }
            let key = ["ssl.key.location", "ssl.key.pem"].first { value($0) != nil }
            switch (certificate, key) {
            case (let certificate?, nil):
                problems.append(
                    (certificate, "a client certificate needs its private key too (ssl.key.location or ssl.key.pem)"))
            case (nil, let key?):
                problems.append(
                    (
                        key,
                        "a private key needs its client certificate too (ssl.certificate.location or ssl.certificate.pem)"
                    ))
            case (_?, _?): plan.presentsCertificate = true
            case (nil, nil): plan.presentsCertificate = value("ssl.keystore.location") != nil
            }
            if value("ssl.keystore.location") != nil && value("ssl.keystore.password") == nil {
                problems.append(("ssl.keystore.location", "a PKCS#12 keystore needs ssl.keystore.password too"))
            }
            if value("ssl.key.password") != nil && key == nil && value("ssl.keystore.location") == nil {
                problems.append(("ssl.key.password", "is set but there is no private key (ssl.key.location)"))
            }
        } else {
            refuseUnused(where: { $0.hasPrefix("ssl.") || $0.hasPrefix("ssl_") }, "TLS", "ssl (or sasl_ssl)")
        }
        return (plan, problems)
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
