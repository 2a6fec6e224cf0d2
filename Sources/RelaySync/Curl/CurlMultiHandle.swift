import CLibCurl
import CurlShims

/// One libcurl multi handle: the connection cache and the set of running transfers.
///
/// Ownership: this class owns the `CURLM*` and frees it with `curl_multi_cleanup` in `deinit`, after every easy handle
/// has been removed. Only the multi loop's thread calls into it, except `wakeup()`, which libcurl documents as safe
/// from any thread.
final class CurlMultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    /// Creates a multi handle, initialising libcurl first if needed.
    init() throws(SyncError) {
        CurlLibrary.initialize()
        guard let handle = curl_multi_init() else {
            throw SyncError(code: .transport, reason: "curl_multi_init failed")
        }
        pointer = handle
    }

    /// Sets a numeric multi option.
    func set(_ option: CURLMoption, _ value: Int) throws(SyncError) {
        let code = sr_multi_setopt_long(pointer, option, value)
        guard code == CURLM_OK else {
            throw SyncError(
                code: .transport,
                reason: "curl_multi_setopt(\(option.rawValue)) failed: \(String(cString: curl_multi_strerror(code)))"
            )
        }
    }

    /// Interrupts a `curl_multi_poll` in progress (thread-safe).
    func wakeup() { _ = curl_multi_wakeup(pointer) }

    deinit { curl_multi_cleanup(pointer) }
}
