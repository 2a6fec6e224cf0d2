import Foundation

/// A self-signed test certificate for 127.0.0.1 and localhost (P-256, valid until 2126), used only on loopback: by
/// the TLS tests and by http-bench's `--tls` endpoint (the client skips verification for it, which `CurlHTTPClient`
/// allows for loopback hosts only). Generated with:
/// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 36500 -nodes -subj "/CN=sync-relay test"
///  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"`
public enum TLSFixture {
    public static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBpzCCAU2gAwIBAgIUei6Ss/vJ9lLWulUVTM5UZSCMrdwwCgYIKoZIzj0EAwIw
        GjEYMBYGA1UEAwwPc3luYy1yZWxheSB0ZXN0MCAXDTI2MTEyMzA3Mjc1MVoYDzIx
        MjYxMDMwMDcyNzUxWjAaMRgwFgYDVQQDDA9zeW5jLXJlbGF5IHRlc3QwWTATBgcq
        hkjOPQIBBggqhkjOPQMBBwNCAAQwEInPNMdfo9Rw1iyr5owVuC6Ifh2ZlCVTQXGf
        l/c9wGY8082ohRIb76gtqh3m792NTk+FMVAUGh6cm1yn4asRo28wbTAdBgNVHQ4E
        FgQU7Gvz3lzb2OvsDTx/ykLxddsZfhUwHwYDVR0jBBgwFoAU7Gvz3lzb2OvsDTx/
        ykLxddsZfhUwDwYDVR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2Nh
        bGhvc3QwCgYIKoZIzj0EAwIDSAAwRQIhAKw8OXI//a49E9bB5z4xBTl3jdk0p0gs
        EyD11t1ImTkmAiAmjxKHV/6XrH/oLXRl83GmzlDuh6aRC6u4jUOy63Or7g==
        -----END CERTIFICATE-----
        """

    public static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglwN0jMdpJyn30VvI
        svhXaqkGd3Rvaoyskc10WwmZQxShRANCAAQwEInPNMdfo9Rw1iyr5owVuC6Ifh2Z
        lCVTQXGfl/c9wGY8082ohRIb76gtqh3m792NTk+FMVAUGh6cm1yn4asR
        -----END PRIVATE KEY-----
        """

    /// Writes the certificate to a temporary file, for `HTTPClientConfiguration.caBundlePath`.
    public static func writeCertificate() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sync-relay-test-ca-\(UUID().uuidString).pem")
        try Data(certificatePEM.utf8).write(to: url)
        return url.path
    }
}
