/// `${NAME}` and `${NAME:-default}` in configuration strings, resolved from the environment before validation.
/// `${NAME:-default}` uses the default when NAME is unset or empty, as the shell does; `$${` writes a literal `${`.
/// Only string values are substituted, never keys, so the file keeps its shape for editors and the JSON Schema.
public struct EnvironmentSubstitution {
    /// The variables to substitute from.
    public let environment: [String: String]

    /// Creates a substitution over `environment`.
    public init(environment: [String: String]) { self.environment = environment }

    /// `value` with every string substituted, and a problem for each reference that cannot be resolved.
    public func apply(to value: JSONValue, at path: JSONPath = .root) -> (JSONValue, [ConfigurationProblem]) {
        var problems: [ConfigurationProblem] = []
        let result = substitute(value, at: path, problems: &problems)
        return (result, problems)
    }

    private func substitute(_ value: JSONValue, at path: JSONPath, problems: inout [ConfigurationProblem]) -> JSONValue
    {
        switch value {
        case .string(let text):
            do throws(SubstitutionError) {
                return .string(try substitute(text))
            } catch {
                problems.append(ConfigurationProblem(path, error.reason))
                return value
            }
        case .array(let elements):
            return .array(
                elements.enumerated().map { substitute($1, at: path.appending(index: $0), problems: &problems) })
        case .object(let members):
            return .object(
                members.map {
                    JSONMember($0.key, substitute($0.value, at: path.appending($0.key), problems: &problems))
                })
        case .null, .bool, .number:
            return value
        }
    }

    /// `text` with its references replaced.
    public func substitute(_ text: String) throws(SubstitutionError) -> String {
        guard text.contains("$") else { return text }
        var output = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {  // $${ -> literal ${
                output += "${"
                rest = after.dropFirst(2)
                continue
            }
            guard after.hasPrefix("{") else {
                output += "$"
                rest = after
                continue
            }
            guard let close = after.firstIndex(of: "}") else {
                throw SubstitutionError(
                    reason: "'${' has no closing '}'; write ${NAME} or ${NAME:-default} (or $${ for a literal '${')")
            }
            let reference = after[after.index(after: after.startIndex)..<close]
            output += try resolve(reference)
            rest = after[after.index(after: close)...]
        }
        return output + rest
    }

    private func resolve(_ reference: Substring) throws(SubstitutionError) -> String {
        let name: Substring
        let fallback: Substring?
        if let marker = reference.firstRange(of: ":-") {
            name = reference[..<marker.lowerBound]
            fallback = reference[marker.upperBound...]
        } else {
            name = reference
            fallback = nil
        }
        guard Self.isVariableName(name) else {
            throw SubstitutionError(
                reason:
                    "'${\(name)}' is not a valid variable reference; names are letters, digits and '_', not starting with a digit"
            )
        }
        if let value = environment[String(name)], !(fallback != nil && value.isEmpty) { return value }
        if let fallback { return String(fallback) }
        throw SubstitutionError(
            reason: "uses environment variable \(name), which is not set; set it, or write ${\(name):-default}")
    }

    private static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }

    /// Why a reference could not be resolved.
    public struct SubstitutionError: Error, Sendable, Equatable {
        /// The reason, naming the variable but never a value.
        public let reason: String
    }
}
