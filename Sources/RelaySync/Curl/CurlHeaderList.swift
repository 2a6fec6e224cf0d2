import CLibCurl

/// A libcurl `curl_slist` of request headers.
///
/// Ownership: this class owns the list and frees it with `curl_slist_free_all` in `deinit`. The easy handle it is set
/// on only borrows it, so the owner (a `CurlTransfer`) keeps this object alive until the transfer is removed from the
/// multi handle. Touched only on the multi loop's thread.
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    /// Creates a list from `Name: value` lines.
    init(lines: [String]) {
        for line in lines {
            pointer = curl_slist_append(pointer, line)
        }
    }

    deinit { curl_slist_free_all(pointer) }
}
