// http-bench: sustained requests per second and CPU per request of RelaySync's CurlHTTPClient.
//
// The endpoint is a minimal Hummingbird server in a child process (this same binary with `--serve`), so the CPU
// figures (getrusage of this process) are the client's alone. Run: swift run -c release http-bench
import Foundation
import Hummingbird
import HummingbirdHTTP2
import RelaySync
import RelayTestSupport

struct BenchmarkOptions {
    var duration: Double = 5
    var warmup: Double = 1
    var connections = 16
    var inFlight = 100
    var concurrencies = [1, 100, 1000]
    var serve = false
    var tls = false

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--serve": serve = true
            case "--tls": tls = true
            case "--duration": duration = iterator.next().flatMap(Double.init) ?? duration
            case "--connections": connections = iterator.next().flatMap(Int.init) ?? connections
            case "--in-flight": inFlight = iterator.next().flatMap(Int.init) ?? inFlight
            case "--concurrency":
                concurrencies = iterator.next().map { $0.split(separator: ",").compactMap { Int($0) } } ?? concurrencies
            default:
                FileHandle.standardError.write(
                    Data(
                        "usage: http-bench [--duration S] [--connections N] [--in-flight N] [--concurrency 1,100,1000] [--tls]\n"
                            .utf8))
                exit(64)
            }
        }
    }
}

/// The local endpoint: answers every request with 201 and a small JSON body, like a Stream Message publish.
func serve(tls: Bool) async throws {
    let body = ByteBuffer(string: #"{"data":{},"sid":"TZ00000000000000000000000000000000"}"#)
    let app = Application(
        responder: CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            _ = try await request.collectBody(upTo: 1 << 16)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .created, headers: headers, body: ResponseBody(byteBuffer: body))
        },
        server: tls ? try .http2Upgrade(tlsConfiguration: tlsConfiguration()) : .http1(),
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            FileHandle.standardOutput.write(Data("\(channel.localAddress?.port ?? 0)\n".utf8))
        }
    )
    try await app.runService()
}

/// TLS for HTTP/2 (ALPN h2, HTTP/1.1 fallback) with the benchmark's self-signed certificate.
func tlsConfiguration() throws -> TLSConfiguration {
    TLSConfiguration.makeServerConfiguration(
        certificateChain: [
            .certificate(try NIOSSLCertificate(bytes: Array(TLSFixture.certificatePEM.utf8), format: .pem))
        ],
        privateKey: .privateKey(
            try NIOSSLPrivateKey(bytes: Array(TLSFixture.privateKeyPEM.utf8), format: .pem))
    )
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Runs `concurrency` loops of back-to-back requests for `duration` seconds; returns completed requests and errors.
func load(client: CurlHTTPClient, request: HTTPClientRequest, concurrency: Int, duration: Double) async -> (Int, Int) {
    let deadline = ContinuousClock.now + .milliseconds(Int64(duration * 1000))
    return await withTaskGroup(of: (Int, Int).self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var done = 0
                var failed = 0
                while ContinuousClock.now < deadline {
                    do {
                        let response = try await client.execute(request)
                        if response.status == 201 {
                            done += 1
                        } else {
                            failed += 1
                            if failed == 1 {
                                FileHandle.standardError.write(Data("  status: \(response.status)\n".utf8))
                            }
                        }
                    } catch {
                        failed += 1
                        if failed == 1 { FileHandle.standardError.write(Data("  error: \(error)\n".utf8)) }
                    }
                }
                return (done, failed)
            }
        }
        return await group.reduce(into: (0, 0)) {
            $0.0 += $1.0; $0.1 += $1.1
        }
    }
}

let options = BenchmarkOptions(CommandLine.arguments)
if options.serve {
    try await serve(tls: options.tls)
    exit(0)
}

let server = Process()
server.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
if !FileManager.default.isExecutableFile(atPath: server.executableURL!.path),
    let path = Bundle.main.executablePath
{
    server.executableURL = URL(fileURLWithPath: path)
}
server.arguments = options.tls ? ["--serve", "--tls"] : ["--serve"]
let output = Pipe()
server.standardOutput = output
try server.run()
defer { server.terminate() }
guard let line = String(data: output.fileHandleForReading.availableData, encoding: .utf8),
    let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines))
else {
    FileHandle.standardError.write(Data("http-bench: the endpoint did not start\n".utf8))
    exit(1)
}

let client = try CurlHTTPClient(
    configuration: HTTPClientConfiguration(
        maxConnectionsPerHost: options.connections, maxTransfersInFlight: options.inFlight,
        skipsTLSVerificationOnLoopback: true))
let form = "Data=" + String(repeating: "%7B%22k%22%3A1%7D", count: 6)
let request = HTTPClientRequest(
    method: .post,
    url:
        "\(options.tls ? "https" : "http")://127.0.0.1:\(port)/v1/Services/IS00000000000000000000000000000000/Streams/bench/Messages",
    headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic QUM6dG9rZW4=")],
    body: Array(form.utf8)
)

let protocolName = options.tls ? "HTTP/2 over TLS" : "HTTP/1.1"
print(
    "http-bench: CurlHTTPClient -> local \(protocolName) endpoint (child process), POST ~100-byte form, 201 + 56-byte JSON"
)
print(
    "libcurl: \(CurlLibrary.version.split(separator: " ").prefix(2).joined(separator: " ")), max \(options.connections) connections per host, \(options.inFlight) transfers in flight, \(options.duration) s per run, \(ProcessInfo.processInfo.activeProcessorCount) CPUs"
)
print("concurrency  requests/s  CPU µs/request  errors")
for concurrency in options.concurrencies {
    _ = await load(client: client, request: request, concurrency: concurrency, duration: options.warmup)
    let cpuBefore = cpuSeconds()
    let start = ContinuousClock.now
    let (done, failed) = await load(
        client: client, request: request, concurrency: concurrency, duration: options.duration)
    let elapsed = ContinuousClock.now - start
    let cpu = cpuSeconds() - cpuBefore
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(done) / seconds
    let cpuPerRequest = done > 0 ? cpu / Double(done) * 1e6 : 0
    print(
        String(concurrency).padding(toLength: 13, withPad: " ", startingAt: 0)
            + String(format: "%10.0f  %14.1f  %6d", rate, cpuPerRequest, failed))
}
await client.shutdown()
