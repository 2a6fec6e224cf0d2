import Foundation

/// Loads the relay's configuration file: read, parse, substitute `${VAR}`, check every key against the schema,
/// build the typed configuration and run the cross-key rules, reporting every problem at once.
///
/// The only I/O is reading the file and the secret files it names; the environment is injected, so tests and
/// `check` see exactly what `run` would.
public struct ConfigurationLoader: Sendable {
    /// The variables `${VAR}` resolves from; also `CREDENTIALS_DIRECTORY` for relative secret files.
    public var environment: [String: String]
    /// What `{hostname}` in `kafka.instanceId` becomes (the machine's host name); nil: not known, and a
    /// configuration that uses it is refused.
    public var hostName: String?

    /// Creates a loader over `environment` (usually the process environment) on the machine `hostName`.
    public init(environment: [String: String], hostName: String? = nil) {
        self.environment = environment
        self.hostName = hostName
    }

    /// Loads the file at `path`.
    public func load(path: String) throws(ConfigurationError) -> RelayConfiguration {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileMissing(path: path)
        }
        if isDirectory.boolValue { throw .isDirectory(path: path) }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            let reason =
                FileManager.default.isReadableFile(atPath: path) ? "\(error.localizedDescription)" : "permission denied"
            throw .unreadable(path: path, reason: reason)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try load(bytes: bytes, source: path, directory: folder)
    }

    /// Loads configuration text. `source` names it in errors; `directory` resolves relative secret files when
    /// `$CREDENTIALS_DIRECTORY` is not set.
    public func load(bytes: [UInt8], source: String, directory: String?) throws(ConfigurationError)
        -> RelayConfiguration
    {
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { throw .empty(path: source) }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw .syntax(path: source, error)
        }
        guard document.members != nil else { throw .notAnObject(path: source, found: document.typeName) }

        let (substituted, substitutionProblems) = EnvironmentSubstitution(environment: environment).apply(to: document)
        var checker = SchemaChecker()
        checker.check(substituted, against: RelayConfigurationSchema.root, at: .root)
        var builder = ConfigurationBuilder(
            readSecretFile: Self.readSecretFile,
            secretDirectory: environment["CREDENTIALS_DIRECTORY"] ?? directory, hostName: hostName,
            fileProblem: Self.fileProblem
        )
        let configuration = builder.build(substituted)
        // A value whose substitution failed is reported once, for the substitution, not again for its form.
        let unsubstituted = Set(substitutionProblems.map(\.path))
        var seen = Set<ConfigurationProblem>()
        let problems =
            substitutionProblems
            + (checker.problems + builder.problems).filter {
                !unsubstituted.contains($0.path) && seen.insert($0).inserted
            }
        guard problems.isEmpty else { throw .problems(path: source, problems) }
        return configuration
    }

    /// Reads a secret file; the thrown error's description is safe to print (it never contains the file's text).
    static func readSecretFile(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SecretFileError(reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw SecretFileError(reason: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretFileError(reason: "permission denied")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SecretFileError(reason: "it is not UTF-8 text")
        }
        return text
    }

    /// Why the process cannot read the file at `path` (nil: it can): `check` runs as the service user (the unit's
    /// `ExecStartPre=`), so this is what the relay will meet.
    static func fileProblem(_ path: String, allowDirectory: Bool) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue && !allowDirectory { return "it is a directory" }
        guard FileManager.default.isReadableFile(atPath: path) else {
            return "permission denied for this user (uid \(getuid()))"
        }
        return nil
    }

    struct SecretFileError: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
