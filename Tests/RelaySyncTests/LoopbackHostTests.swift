import Testing

@testable import RelaySync

@Suite("TLS verification relaxes only for loopback")
struct LoopbackHostTests {
    @Test(arguments: [
        "http://127.0.0.1:8080/x", "https://localhost/", "https://[::1]:8443/", "http://127.1.2.3/",
    ])
    func recognisesLoopback(url: String) {
        #expect(LoopbackHost.isLoopback(url: url))
    }

    @Test(arguments: [
        "https://sync.twilio.com/v1", "https://127.0.0.1.evil.example/", "https://localhost.example/",
        "https://10.0.0.1/", "not a url",
    ])
    func refusesEverythingElse(url: String) {
        #expect(!LoopbackHost.isLoopback(url: url))
    }
}
