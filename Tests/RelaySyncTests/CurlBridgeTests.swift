import CLibCurl
import RelaySync
import Testing

@Suite("libcurl bridge")
struct CurlBridgeTests {
    @Test func reportsLinkedVersion() {
        #expect(CurlLibrary.version.hasPrefix("libcurl/"))
    }

    @Test func setsTypedOptionsOnAnEasyHandle() throws {
        let handle = try CurlEasyHandle()
        try handle.set(CURLOPT_URL, "http://127.0.0.1:9/")
        try handle.set(CURLOPT_TIMEOUT_MS, 1500)
        try handle.set(CURLOPT_NOSIGNAL, 1)
        // Nothing was transferred, so the response code is still zero.
        #expect(handle.info(CURLINFO_RESPONSE_CODE) == 0)
    }

    @Test func reportsARejectedOption() throws {
        let handle = try CurlEasyHandle()
        // CURLOPT_HTTP_VERSION only accepts known versions; 9999 is rejected with CURLE_UNSUPPORTED_PROTOCOL.
        #expect(throws: SyncError.self) { try handle.set(CURLOPT_HTTP_VERSION, 9999) }
    }
}
