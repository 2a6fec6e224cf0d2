import Foundation
import RelayCore

/// The demo's Avro feed: orders in the Schema Registry wire format, as a Confluent serializer writes them, with the
/// schema registered in the demo's registry emulator. The relay decodes them, keeps the orders that are not
/// cancelled (`filter`) and carries five fields of eight (`select`); the few it cannot decode go to the dead-letter
/// topic.
enum DemoOrders {
    static let topic = "demo.orders"
    static let subject = "demo.orders-value"
    static let schema = """
        {"type":"record","name":"Order","namespace":"demo","fields":[
          {"name":"id","type":"string"},
          {"name":"status","type":{"type":"enum","name":"Status","symbols":["OPEN","PAID","SHIPPED","CANCELLED"]}},
          {"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
          {"name":"items","type":"int"},
          {"name":"placedAt","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"customer","type":{"type":"record","name":"Customer","fields":[
            {"name":"city","type":"string"},{"name":"email","type":"string"}]}},
          {"name":"note","type":["null","string"],"default":null},
          {"name":"id2","type":{"type":"string","logicalType":"uuid"}}
        ]}
        """
    /// What the route keeps of each order.
    static let select = ["/id", "/status", "/total", "/placedAt", "/customer/city"]
    static let filter = #"value("/status") != "CANCELLED""#
    private static let cities = ["Berlin", "Lagos", "Lima", "Osaka", "Oslo", "Pune", "Quito", "Tunis"]

    /// Order `n` in the wire format of schema `schemaId`: one in eight is cancelled, and one in a hundred is cut off
    /// (a producer bug the relay dead-letters as `corrupt-payload`, counted in `sync_relay_records_undecodable_total`).
    static func value(_ n: Int, schemaId: UInt32) -> [UInt8] {
        var payload = AvroBinaryWriter.string("order-\(n)")
        payload += AvroBinaryWriter.long(Int64(n % 8 == 7 ? 3 : n % 3))
        payload += AvroBinaryWriter.decimal(unscaled: Int64(1000 + (n * 7919) % 90_000))
        payload += AvroBinaryWriter.long(Int64(1 + n % 5))
        payload += AvroBinaryWriter.long(Int64(Date().timeIntervalSince1970 * 1000))
        payload += AvroBinaryWriter.string(cities[n % cities.count])
        payload += AvroBinaryWriter.string("customer\(n % 97)@example.com")
        payload += n % 4 == 0 ? AvroBinaryWriter.long(1) + AvroBinaryWriter.string("leave at the door") : [0]
        payload += AvroBinaryWriter.string(UUID().uuidString.lowercased())
        if n % 100 == 3 { payload.removeLast(10) }
        return AvroBinaryWriter.framed(schemaId: schemaId, payload)
    }
}
