import CLibCurl

/// Facts about, and process-wide set-up of, the libcurl the process is linked against.
public enum CurlLibrary {
    /// libcurl's version text, for example `libcurl/7.88.1 OpenSSL/3.0.x ...`.
    public static var version: String { String(cString: curl_version()) }

    /// Initialises libcurl once per process (`curl_global_init` is not thread-safe; a Swift global's lazy
    /// initialiser runs exactly once, atomically). Every type that creates a handle calls this first.
    public static func initialize() {
        _ = globalInitialization
    }

    private static let globalInitialization: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))
}
