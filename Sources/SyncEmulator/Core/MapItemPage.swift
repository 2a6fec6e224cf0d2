import Foundation

/// One page of a Map's items in key order, as Twilio lists them: `Order` (`asc`, the default, or `desc`), `From`
/// (the first key to read) with `Bounds` (`inclusive`, the default, or `exclusive`), `PageSize`, `Page` and
/// `PageToken`. A token names the key its page starts after (`PA`, next pages) or ends before (`PB`, previous
/// pages), in hexadecimal UTF-8, so paging stays right while items come and go.
struct MapItemPage {
    enum Order: String { case asc, desc }
    enum Bounds: String { case inclusive, exclusive }
    enum Token {
        case after(String)
        case before(String)
    }

    /// The items of one page and whether pages lie beyond it either way.
    struct Selection {
        var items: ArraySlice<EmulatedMapItem>
        var hasNext: Bool
        var hasPrevious: Bool
    }

    let order: Order
    let from: String?
    let bounds: Bounds
    let pageSize: Int
    let page: Int
    let token: Token?

    init(query: [String: String]) throws(Rejection) {
        guard let order = Order(rawValue: query["Order"] ?? "asc") else {
            throw PageQuery.invalid("Order must be asc or desc")
        }
        guard let bounds = Bounds(rawValue: query["Bounds"] ?? "inclusive") else {
            throw PageQuery.invalid("Bounds must be inclusive or exclusive")
        }
        self.order = order
        self.bounds = bounds
        from = query["From"]
        pageSize = try PageQuery.pageSize(query)
        page = try PageQuery.page(query)
        if let text = query["PageToken"] { token = try Self.token(text) } else { token = nil }
    }

    /// Whether key `a` comes before key `b` in this page's order (by UTF-8 bytes, that is by code points).
    private func precedes(_ a: String, _ b: String) -> Bool {
        order == .asc ? a.utf8.lexicographicallyPrecedes(b.utf8) : b.utf8.lexicographicallyPrecedes(a.utf8)
    }

    /// This page of `ascending` (a Map's items in ascending key order).
    func select(_ ascending: [EmulatedMapItem]) -> Selection {
        let ordered: [EmulatedMapItem] = order == .asc ? ascending : ascending.reversed()
        let inRange = ordered.filter { item in
            guard let from else { return true }
            return bounds == .inclusive ? !precedes(item.key, from) : precedes(from, item.key)
        }
        switch token {
        case nil:
            return Selection(items: inRange.prefix(pageSize), hasNext: inRange.count > pageSize, hasPrevious: false)
        case .after(let key):
            let rest = inRange.filter { precedes(key, $0.key) }
            return Selection(
                items: rest.prefix(pageSize), hasNext: rest.count > pageSize, hasPrevious: rest.count < inRange.count)
        case .before(let key):
            let earlier = inRange.filter { precedes($0.key, key) }
            return Selection(
                items: earlier.suffix(pageSize), hasNext: earlier.count < inRange.count,
                hasPrevious: earlier.count > pageSize)
        }
    }

    /// Twilio's `meta` for `selection`; URLs are built on `listURL` (from the request's base URL).
    func meta(listURL: String, _ selection: Selection) -> [String: Any] {
        let query =
            (from.map { "From=\(PageQuery.encoded($0))&" } ?? "")
            + "Bounds=\(bounds.rawValue)&Order=\(order.rawValue)&PageSize=\(pageSize)"
        func url(page: Int, token: Token?) -> String {
            "\(listURL)?\(query)&Page=\(page)" + (token.map { "&PageToken=\(Self.text(of: $0))" } ?? "")
        }
        let next = selection.items.last.flatMap { selection.hasNext ? url(page: page + 1, token: .after($0.key)) : nil }
        let previous = selection.items.first.flatMap {
            selection.hasPrevious ? url(page: max(0, page - 1), token: .before($0.key)) : nil
        }
        return [
            "first_page_url": url(page: 0, token: nil),
            "key": "items",
            "next_page_url": next ?? NSNull(),
            "page": page,
            "page_size": pageSize,
            "previous_page_url": previous ?? NSNull(),
            "url": url(page: page, token: token),
        ]
    }

    private static func text(of token: Token) -> String {
        switch token {
        case .after(let key): "PA" + key.utf8.map { String(format: "%02x", $0) }.joined()
        case .before(let key): "PB" + key.utf8.map { String(format: "%02x", $0) }.joined()
        }
    }

    private static func token(_ text: String) throws(Rejection) -> Token {
        let refusal = PageQuery.invalid("PageToken is not one this list gave")
        var hex = text.utf8.dropFirst(2)
        var bytes: [UInt8] = []
        while !hex.isEmpty {
            guard hex.count >= 2, let byte = UInt8(String(decoding: hex.prefix(2), as: UTF8.self), radix: 16) else {
                throw refusal
            }
            bytes.append(byte)
            hex = hex.dropFirst(2)
        }
        guard let key = String(bytes: bytes, encoding: .utf8) else { throw refusal }
        if text.hasPrefix("PA") { return .after(key) }
        if text.hasPrefix("PB") { return .before(key) }
        throw refusal
    }
}
