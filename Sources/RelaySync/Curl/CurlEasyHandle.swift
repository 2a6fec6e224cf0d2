import CLibCurl
import CurlShims

/// One libcurl easy handle: a single transfer's options and state.
///
/// Ownership: this class owns the `CURL*` and frees it with `curl_easy_cleanup` in `deinit`. It is not thread-safe:
/// the multi loop's thread is the only one that touches a handle once it has been added to a multi handle.
public final class CurlEasyHandle {
    /// The C signature of libcurl's write and header callbacks.
    typealias CurlDataCallback =
        @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int

    /// The underlying handle, for the multi loop in this module only.
    let pointer: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`'s storage, one per handle (not one per request), freed with the handle.
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates a handle, initialising libcurl first if needed.
    public init() throws(SyncError) {
        CurlLibrary.initialize()
        guard let handle = curl_easy_init() else {
            throw SyncError(code: .transport, reason: "curl_easy_init failed")
        }
        pointer = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    /// Sets an option that takes a number.
    public func set(_ option: CURLoption, _ value: Int) throws(SyncError) {
        try check(sr_easy_setopt_long(pointer, option, value), option)
    }

    /// Sets an option that takes text; libcurl keeps its own copy.
    public func set(_ option: CURLoption, _ value: String) throws(SyncError) {
        try check(sr_easy_setopt_string(pointer, option, value), option)
    }

    /// Sets an option that takes an opaque pointer (`CURLOPT_*DATA`, `CURLOPT_HTTPHEADER`, `CURLOPT_ERRORBUFFER`).
    /// libcurl only borrows it: the caller keeps the pointee alive while the handle may use it.
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(SyncError) {
        try check(sr_easy_setopt_pointer(pointer, option, value), option)
    }

    /// Sets `CURLOPT_WRITEFUNCTION` or `CURLOPT_HEADERFUNCTION`.
    func set(_ option: CURLoption, callback: CurlDataCallback) throws(SyncError) {
        try check(sr_easy_setopt_write_callback(pointer, option, callback), option)
    }

    /// Sets the request body; libcurl copies the bytes (`CURLOPT_COPYPOSTFIELDS`), so they need not outlive the call.
    func setBody(_ bytes: [UInt8]) throws(SyncError) {
        try check(
            sr_easy_setopt_off_t(pointer, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)),
            CURLOPT_POSTFIELDSIZE_LARGE)
        let code = bytes.withUnsafeBytes { buffer in
            // An empty body still needs a valid pointer: libcurl would otherwise read from CURLOPT_READFUNCTION.
            sr_easy_setopt_pointer(
                pointer, CURLOPT_COPYPOSTFIELDS,
                UnsafeMutableRawPointer(
                    mutating: buffer.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)))
        }
        try check(code, CURLOPT_COPYPOSTFIELDS)
    }

    /// Resets every option to its default so the handle can be reused; keeps live connections and caches.
    func reset() { curl_easy_reset(pointer) }

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

    deinit {
        curl_easy_cleanup(pointer)
        errorBuffer.deallocate()
    }
}
