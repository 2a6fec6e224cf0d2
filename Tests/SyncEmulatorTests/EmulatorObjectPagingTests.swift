import Foundation
import Testing

@testable import SyncEmulator

@Suite("Emulator object list paging")
struct EmulatorObjectPagingTests {
    func keys(_ reply: Reply) -> [String] {
        (reply["items"] as? [[String: Any]])?.compactMap { $0["key"] as? String } ?? []
    }

    func meta(_ reply: Reply) throws -> [String: Any] {
        try #require(reply["meta"] as? [String: Any])
    }

    /// The path and query of a `meta` URL, to send it back as a client follows it.
    func follow(_ url: String, _ driver: EmulatorDriver) throws -> Reply {
        let components = try #require(URLComponents(string: url))
        let prefix = "/v1/Services/\(driver.service)"
        let path = try #require(components.percentEncodedPath.hasPrefix(prefix) ? components.percentEncodedPath : nil)
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        return driver.send("GET", String(path.dropFirst(prefix.count)), query: query)
    }

    @Test func pagesDocumentsInCreationOrderWithTwiliosMeta() throws {
        let driver = EmulatorDriver(objectLimit: .unlimited)
        for index in 0..<5 { driver.createDocument("d\(index)") }
        let first = driver.send("GET", "/Documents", query: ["PageSize": "2"])
        let names = { (reply: Reply) in
            (reply["documents"] as? [[String: Any]])?.compactMap { $0["unique_name"] as? String } ?? []
        }
        #expect(names(first) == ["d0", "d1"])
        let firstMeta = try meta(first)
        #expect(firstMeta["key"] as? String == "documents")
        #expect(firstMeta["page"] as? Int == 0)
        #expect(firstMeta["page_size"] as? Int == 2)
        #expect(firstMeta["previous_page_url"] is NSNull)
        let listURL = "http://127.0.0.1:1/v1/Services/\(driver.service)/Documents"
        #expect(firstMeta["first_page_url"] as? String == listURL + "?PageSize=2&Page=0")
        let next = try #require(firstMeta["next_page_url"] as? String)
        #expect(next == listURL + "?PageSize=2&Page=1&PageToken=PT2")
        let second = try follow(next, driver)
        #expect(names(second) == ["d2", "d3"])
        let last = try follow(try #require(try meta(second)["next_page_url"] as? String), driver)
        #expect(names(last) == ["d4"])
        #expect(try meta(last)["next_page_url"] is NSNull)
        #expect(try meta(last)["previous_page_url"] as? String == listURL + "?PageSize=2&Page=1&PageToken=PT2")
        #expect(names(driver.send("GET", "/Documents", query: ["PageSize": "2", "Page": "1"])) == ["d2", "d3"])
        #expect(driver.send("GET", "/Documents", query: ["PageSize": "101"]).code == 20001)
        #expect(driver.send("GET", "/Documents", query: ["PageToken": "nope"]).code == 20001)
        #expect(try meta(driver.send("GET", "/Documents"))["page_size"] as? Int == 50)
    }

    @Test func pagesMaps() throws {
        let driver = EmulatorDriver()
        for index in 0..<3 { driver.createMap("m\(index)") }
        let page = driver.send("GET", "/Maps", query: ["PageSize": "2", "Page": "1", "PageToken": "PT2"])
        #expect((page["maps"] as? [[String: Any]])?.compactMap { $0["unique_name"] as? String } == ["m2"])
        #expect(try meta(page)["key"] as? String == "maps")
    }

    @Test func listsItemsByKeyInEitherOrderFromAKey() throws {
        let driver = EmulatorDriver(objectLimit: .unlimited)
        driver.createMap("m")
        for key in ["b", "a", "é", "c", "B", "d"] { driver.createItem("m", key) }
        #expect(keys(driver.send("GET", "/Maps/m/Items")) == ["B", "a", "b", "c", "d", "é"], "by code point")
        #expect(keys(driver.send("GET", "/Maps/m/Items", query: ["Order": "desc"])) == ["é", "d", "c", "b", "a", "B"])
        #expect(keys(driver.send("GET", "/Maps/m/Items", query: ["From": "b"])) == ["b", "c", "d", "é"])
        let exclusive = driver.send("GET", "/Maps/m/Items", query: ["From": "b", "Bounds": "exclusive"])
        #expect(keys(exclusive) == ["c", "d", "é"])
        let descending = driver.send("GET", "/Maps/m/Items", query: ["From": "c", "Order": "desc"])
        #expect(keys(descending) == ["c", "b", "a", "B"])
        let between = driver.send("GET", "/Maps/m/Items", query: ["From": "bb", "Order": "desc"])
        #expect(keys(between) == ["b", "a", "B"], "From need not be a key")
        #expect(driver.send("GET", "/Maps/m/Items", query: ["Order": "up"]).code == 20001)
        #expect(driver.send("GET", "/Maps/m/Items", query: ["Bounds": "open"]).code == 20001)
        #expect(driver.send("GET", "/Maps/m/Items", query: ["PageToken": "PAzz"]).code == 20001)
        let itemsMeta = try meta(driver.send("GET", "/Maps/m/Items", query: ["From": "a b", "Order": "desc"]))
        let url = "http://127.0.0.1:1/v1/Services/\(driver.service)/Maps/\(driver.emulator.map("m")?.sid ?? "")/Items"
        #expect(itemsMeta["key"] as? String == "items")
        #expect(
            itemsMeta["first_page_url"] as? String == url + "?From=a%20b&Bounds=inclusive&Order=desc&PageSize=50&Page=0"
        )
    }

    @Test func pagesItemsForwardAndBackWithTokensWhileItemsChange() throws {
        let driver = EmulatorDriver(objectLimit: .unlimited)
        driver.createMap("m")
        for index in 0..<7 { driver.createItem("m", "k\(index)") }
        let first = driver.send("GET", "/Maps/m/Items", query: ["PageSize": "3", "Order": "desc"])
        #expect(keys(first) == ["k6", "k5", "k4"])
        #expect(try meta(first)["previous_page_url"] is NSNull)
        // An item added before the next page is read does not shift it.
        driver.createItem("m", "k9")
        let secondURL = try #require(try meta(first)["next_page_url"] as? String)
        #expect(secondURL.contains("Order=desc&PageSize=3&Page=1&PageToken=PA6b34"))
        let second = try follow(secondURL, driver)
        #expect(keys(second) == ["k3", "k2", "k1"])
        let third = try follow(try #require(try meta(second)["next_page_url"] as? String), driver)
        #expect(keys(third) == ["k0"])
        #expect(try meta(third)["next_page_url"] is NSNull)
        let back = try follow(try #require(try meta(third)["previous_page_url"] as? String), driver)
        #expect(keys(back) == ["k3", "k2", "k1"])
        let front = try follow(try #require(try meta(back)["previous_page_url"] as? String), driver)
        #expect(keys(front) == ["k6", "k5", "k4"])
        #expect(try meta(front)["previous_page_url"] is String, "k9 came before them")
    }
}
