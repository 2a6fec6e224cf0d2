import Foundation
import RelayCore

/// One page of a list in creation order (Documents, Maps), addressed as Twilio's lists are: `PageSize` (1...100,
/// default 50), `Page` (the page's index, client state) and `PageToken` (`PT` and the offset, as the `meta` URLs
/// give it; it wins over `Page`).
struct OffsetPage {
    let pageSize: Int
    let page: Int
    let offset: Int

    init(query: [String: String]) throws(Rejection) {
        pageSize = try PageQuery.pageSize(query)
        page = try PageQuery.page(query)
        if let token = query["PageToken"] {
            guard token.hasPrefix("PT"), let offset = Int(token.dropFirst(2)), offset >= 0 else {
                throw PageQuery.invalid("PageToken is not one this list gave")
            }
            self.offset = offset
        } else {
            offset = page * pageSize
        }
    }

    /// The page's share of `all`.
    func slice<Element>(_ all: [Element]) -> ArraySlice<Element> {
        let start = min(all.count, offset)
        return all[start..<min(all.count, start + pageSize)]
    }

    /// Twilio's `meta` for a list of `total` elements; URLs are built on `listURL` (from the request's base URL).
    func meta(listURL: String, key: String, total: Int) -> [String: Any] {
        func url(page: Int, offset: Int) -> String {
            "\(listURL)?PageSize=\(pageSize)&Page=\(page)" + (offset > 0 ? "&PageToken=PT\(offset)" : "")
        }
        let hasNext = offset + pageSize < total
        return [
            "first_page_url": url(page: 0, offset: 0),
            "key": key,
            "next_page_url": hasNext ? url(page: page + 1, offset: offset + pageSize) : NSNull(),
            "page": page,
            "page_size": pageSize,
            "previous_page_url": offset > 0
                ? url(page: max(0, page - 1), offset: max(0, offset - pageSize)) : NSNull(),
            "url": url(page: page, offset: offset),
        ]
    }
}

/// The paging parameters every list shares.
enum PageQuery {
    /// `PageSize`: 1...100, 50 when absent (400, 20001 otherwise).
    static func pageSize(_ query: [String: String]) throws(Rejection) -> Int {
        guard let text = query["PageSize"] else { return 50 }
        guard let value = Int(text), (1...100).contains(value) else { throw invalid("PageSize must be from 1 to 100") }
        return value
    }

    /// `Page`: a non-negative integer, 0 when absent (400, 20001 otherwise).
    static func page(_ query: [String: String]) throws(Rejection) -> Int {
        guard let text = query["Page"] else { return 0 }
        guard let value = Int(text), value >= 0 else { throw invalid("Page must be a non-negative integer") }
        return value
    }

    /// A refused list parameter (400, 20001).
    static func invalid(_ message: String) -> Rejection {
        Rejection(response: .twilioError(400, code: TwilioErrorCode.invalidParameter, message))
    }

    /// `text` encoded for a URL's path segment or query value (only unreserved characters stay as they are).
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
