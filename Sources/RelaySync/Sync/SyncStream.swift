import Foundation

/// A Sync Stream resource, as Twilio returns it (`sync.v1.service.sync_stream`).
public struct SyncStream: Sendable, Hashable, Codable {
    /// `TO` + 32 hex digits.
    public var sid: String
    /// The application-defined name, if one was given.
    public var uniqueName: String?
    /// The owning account's SID.
    public var accountSID: String?
    /// The owning Sync service's SID.
    public var serviceSID: String?
    /// The resource's absolute URL.
    public var url: String?
    /// Nested resources; `messages` is the publish URL.
    public var links: [String: String]?
    /// When the stream expires (ISO 8601), or `nil` if it never does.
    public var dateExpires: String?
    /// When the stream was created (ISO 8601).
    public var dateCreated: String?
    /// When the stream was last updated (ISO 8601).
    public var dateUpdated: String?
    /// `system` for streams created through REST.
    public var createdBy: String?

    enum CodingKeys: String, CodingKey {
        case sid, url, links
        case uniqueName = "unique_name"
        case accountSID = "account_sid"
        case serviceSID = "service_sid"
        case dateExpires = "date_expires"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case createdBy = "created_by"
    }

    /// Encodes in Twilio's shape, writing `null` for missing values as Twilio does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sid, forKey: .sid)
        try container.encode(uniqueName, forKey: .uniqueName)
        try container.encode(accountSID, forKey: .accountSID)
        try container.encode(serviceSID, forKey: .serviceSID)
        try container.encode(url, forKey: .url)
        try container.encode(links, forKey: .links)
        try container.encode(dateExpires, forKey: .dateExpires)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateUpdated, forKey: .dateUpdated)
        try container.encode(createdBy, forKey: .createdBy)
    }
}

/// A Stream Message resource, as Twilio returns it after a publish (`sync.v1.service.sync_stream.stream_message`).
public struct SyncStreamMessage: Sendable, Hashable {
    /// `TZ` + 32 hex digits.
    public var sid: String
    /// The message body as JSON text, re-serialised by the server.
    public var dataJSON: String
}

/// One page of `GET .../Streams`, with Twilio's paging `meta`.
public struct SyncStreamPage: Sendable, Hashable, Decodable {
    /// The streams on this page.
    public var streams: [SyncStream]
    /// Paging facts.
    public var meta: Meta

    /// Twilio's paging block.
    public struct Meta: Sendable, Hashable, Decodable {
        /// This page's index.
        public var page: Int
        /// The page size.
        public var pageSize: Int
        /// The first page's URL.
        public var firstPageURL: String?
        /// The previous page's URL, if any.
        public var previousPageURL: String?
        /// The next page's URL, or `nil` on the last page.
        public var nextPageURL: String?
        /// This page's URL.
        public var url: String?
        /// The name of the list field (`streams`).
        public var key: String?

        enum CodingKeys: String, CodingKey {
            case page, url, key
            case pageSize = "page_size"
            case firstPageURL = "first_page_url"
            case previousPageURL = "previous_page_url"
            case nextPageURL = "next_page_url"
        }
    }
}
