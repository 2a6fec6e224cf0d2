import CLibCurl
import CurlShims

/// One libcurl easy handle: a single transfer's options and state.
///
/// Ownership: this class owns the `CURL*` and frees it with `curl_easy_cleanup` in `deinit`. It is not thread-safe:
/// the multi loop's thread is the only one that touches a handle once it has been added to a multi handle.
public final class CurlEasyHandle {
    /// The underlying handle, for the multi loop in this module only.
    let pointer: UnsafeMutableRawPointer

    /// Creates a handle, initialising libcurl first if needed.
    public init() throws(SyncError) {
        CurlLibrary.initialize()
        guard let handle = curl_easy_init() else {
            throw SyncError(code: .transport, reason: "curl_easy_init failed")
        }
        pointer = handle
    }

    /// Sets an option that takes a number.
    public func set(_ option: CURLoption, _ value: Int) throws(SyncError) {
        try check(sr_easy_setopt_long(pointer, option, value), option)
    }

    /// Sets an option that takes text; libcurl keeps its own copy.
    public func set(_ option: CURLoption, _ value: String) throws(SyncError) {
        try check(sr_easy_setopt_string(pointer, option, value), option)
    }

    /// Reads a numeric transfer fact, such as `CURLINFO_RESPONSE_CODE`.
    public func info(_ info: CURLINFO) -> Int {
        var value = 0
        _ = sr_easy_getinfo_long(pointer, info, &value)
        return value
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(SyncError) {
        guard code == CURLE_OK else {
            throw SyncError(
                code: .transport,
                reason: "curl_easy_setopt(\(option.rawValue)) failed: \(String(cString: curl_easy_strerror(code)))",
                curlCode: Int(code.rawValue)
            )
        }
    }

    deinit { curl_easy_cleanup(pointer) }
}
