import ArgumentParser
import Foundation
import RelaySync

/// `sync-relay streams`: manage Sync Streams and publish to them, against Twilio or the emulator.
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "List, create, get, update, delete and publish to Sync Streams.",
        subcommands: [List.self, Create.self, Get.self, Update.self, Delete.self, Publish.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the service's streams (all pages).")
        @OptionGroup var connection: StreamsConnectionOptions
        @Option(help: "Streams per request (1-100).") var pageSize: Int = 50

        func run() async throws {
            try await connection.withClient { (client) async throws(SyncError) in
                var streams: [SyncStream] = []
                var iterator = client.streams(pageSize: pageSize).makeAsyncIterator()
                while let stream = try await iterator.next() { streams.append(stream) }
                StreamsOutput.print(streams, format: connection.output)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a stream.")
        @OptionGroup var connection: StreamsConnectionOptions
        @Argument(help: "The stream's unique name (optional).") var uniqueName: String?
        @Option(help: "Time to live in seconds (0 = never expires).") var ttl: Int?

        func run() async throws {
            try await connection.withClient(stream: uniqueName) { (client) async throws(SyncError) in
                StreamsOutput.print(
                    try await client.createStream(uniqueName: uniqueName, ttl: ttl), format: connection.output)
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one stream.")
        @OptionGroup var connection: StreamsConnectionOptions
        @Argument(help: "Stream SID or unique name.") var stream: String

        func run() async throws {
            try await connection.withClient(stream: stream) { (client) async throws(SyncError) in
                StreamsOutput.print(try await client.fetchStream(stream), format: connection.output)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a stream's time to live.")
        @OptionGroup var connection: StreamsConnectionOptions
        @Argument(help: "Stream SID or unique name.") var stream: String
        @Option(help: "Time to live in seconds from now (0 = never expires).") var ttl: Int

        func run() async throws {
            try await connection.withClient(stream: stream) { (client) async throws(SyncError) in
                StreamsOutput.print(try await client.updateStream(stream, ttl: ttl), format: connection.output)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a stream.")
        @OptionGroup var connection: StreamsConnectionOptions
        @Argument(help: "Stream SID or unique name.") var stream: String

        func run() async throws {
            try await connection.withClient(stream: stream) { (client) async throws(SyncError) in
                try await client.deleteStream(stream)
                if connection.output == .table { print("deleted \(stream)") }
            }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish one message (a JSON object of at most 4096 bytes) to a stream.")
        @OptionGroup var connection: StreamsConnectionOptions
        @Argument(help: "Stream SID or unique name.") var stream: String
        @Argument(help: "The message: a JSON object, or - to read it from standard input.") var json: String

        func run() async throws {
            var text = json
            if json == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
            }
            let data: SyncMessageData
            do {
                data = try SyncMessageData(validating: text)
            } catch {
                SyncCommandErrorLine.print(error.commandLineMessage())
                throw ExitCode.failure
            }
            try await connection.withClient(stream: stream) { (client) async throws(SyncError) in
                StreamsOutput.print(try await client.publish(data, to: stream), format: connection.output)
            }
        }
    }
}
