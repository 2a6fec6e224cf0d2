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
    /// The kind of request the handle's constant options are set for (`CurlTransfer.configure`); `nil` when they
    /// are not set (a new or reset handle). A recycled handle keeps them, so the next request of the same kind sets
    /// only what differs per request (URL, deadline, body, headers, callbacks' context).
    var preparedFor: CurlRequestProfile?
    /// The request body's storage, reused across requests (`CURLOPT_POSTFIELDS` points into it): libcurl's own copy
    /// (`CURLOPT_COPYPOSTFIELDS`) was one allocation and one free per request.
    private var bodyStorage: UnsafeMutableRawPointer
    private var bodyCapacity: Int

    /// Creates a handle, initialising libcurl first if needed.
    public init() throws(SyncError) {
        CurlLibrary.initialize()
        guard let handle = curl_easy_init() else {
            throw SyncError(code: .transport, reason: "curl_easy_init failed")
        }
        pointer = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        bodyCapacity = 4608  // a publish: up to 4 KiB of JSON, form-encoded
        bodyStorage = .allocate(byteCount: bodyCapacity, alignment: 1)
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

    /// Sets the request body: the bytes are copied into the handle's own buffer, which libcurl reads until the
    /// transfer ends (the handle is not reused before it is removed from the multi handle).
    func setBody(_ bytes: [UInt8]) throws(SyncError) {
        if bytes.count > bodyCapacity {
            bodyStorage.deallocate()
            bodyCapacity = bytes.count
            bodyStorage = .allocate(byteCount: bodyCapacity, alignment: 1)
        }
        bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress { bodyStorage.copyMemory(from: base, byteCount: buffer.count) }
        }
        try check(
            sr_easy_setopt_off_t(pointer, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)),
            CURLOPT_POSTFIELDSIZE_LARGE)
        // Never NULL, even for an empty body: libcurl would otherwise read from CURLOPT_READFUNCTION.
        try check(sr_easy_setopt_pointer(pointer, CURLOPT_POSTFIELDS, bodyStorage), CURLOPT_POSTFIELDS)
    }

    /// Resets every option to its default; keeps live connections and caches.
    func reset() {
        curl_easy_reset(pointer)
        preparedFor = nil
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

    deinit {
        curl_easy_cleanup(pointer)
        errorBuffer.deallocate()
        bodyStorage.deallocate()
    }
}

/// The kind of request an easy handle's constant options suit: a handle set up for one kind serves the next request
/// of that kind without `curl_easy_reset` and the twenty options after it.
struct CurlRequestProfile: Equatable {
    var method: HTTPClientRequest.Method
    var hasBody: Bool
    var loopback: Bool
}
