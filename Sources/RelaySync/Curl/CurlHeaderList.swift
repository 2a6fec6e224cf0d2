import CLibCurl

/// A libcurl `curl_slist` of request headers.
///
/// Ownership: this class owns the list and frees it with `curl_slist_free_all` in `deinit`. The easy handle it is set
/// on only borrows it, so every `CurlTransfer` using it keeps this object alive until the transfer is removed from
/// the multi handle. libcurl only reads it, so transfers with the same headers share one list (`CurlMultiLoop`
/// keeps one per distinct set). Touched only on the multi loop's thread.
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?
    /// The request headers the list was built from.
    let headers: [(name: String, value: String)]

    /// Creates the list of a request's headers, with `Expect:` added: it stops libcurl from waiting for
    /// 100-continue on larger bodies, which costs a round trip.
    init(headers: [(name: String, value: String)]) {
        self.headers = headers
        for line in headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            pointer = curl_slist_append(pointer, line)
        }
    }

    /// Whether the list was built from exactly `other` (same names and values, same order).
    func matches(_ other: [(name: String, value: String)]) -> Bool {
        headers.count == other.count && zip(headers, other).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    deinit { curl_slist_free_all(pointer) }
}
