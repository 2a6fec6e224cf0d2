/// Where a decoder writes a JSON value, event by event: as a document (`JSONTreeSink`) or straight as compact text
/// (`JSONTextSink`). Both give the same JSON for the same events.
protocol JSONSink {
    mutating func null()
    mutating func bool(_ value: Bool)
    mutating func integer(_ value: Int64)
    /// Any scalar already built (a float's text, an enum symbol, a logical type's rendering).
    mutating func scalar(_ value: JSONValue)
    /// A string from UTF-8 bytes (already checked).
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>)
    /// The base64 string of `bytes`.
    mutating func base64(_ bytes: UnsafeBufferPointer<UInt8>)
    mutating func beginArray()
    /// Before each array element.
    mutating func element()
    mutating func endArray()
    mutating func beginObject()
    /// Before each member's value.
    mutating func key(_ name: String)
    mutating func key(_ bytes: UnsafeBufferPointer<UInt8>)
    mutating func endObject()
}

/// Builds a `JSONValue`. Open containers live in their own stacks so appending to the innermost one is in place.
struct JSONTreeSink: JSONSink {
    /// Which kind each open container is (true: object), innermost last.
    private var isObject: [Bool] = []
    private var arrays: [[JSONValue]] = []
    private var objects: [[JSONMember]] = []
    private var keys: [String] = []
    private(set) var result = JSONValue.null

    private mutating func add(_ value: JSONValue) {
        guard let object = isObject.last else {
            result = value
            return
        }
        if object {
            objects[objects.count - 1].append(JSONMember(keys.removeLast(), value))
        } else {
            arrays[arrays.count - 1].append(value)
        }
    }

    mutating func null() { add(.null) }
    mutating func bool(_ value: Bool) { add(.bool(value)) }
    mutating func integer(_ value: Int64) { add(.number(String(value))) }
    mutating func scalar(_ value: JSONValue) { add(value) }
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) { add(.string(String(decoding: bytes, as: UTF8.self))) }
    mutating func base64(_ bytes: UnsafeBufferPointer<UInt8>) { add(.string(AvroText.base64(bytes))) }
    mutating func beginArray() {
        isObject.append(false)
        arrays.append([])
    }
    mutating func element() {}
    mutating func endArray() {
        isObject.removeLast()
        add(.array(arrays.removeLast()))
    }
    mutating func beginObject() {
        isObject.append(true)
        objects.append([])
    }
    mutating func key(_ name: String) { keys.append(name) }
    mutating func key(_ bytes: UnsafeBufferPointer<UInt8>) { keys.append(String(decoding: bytes, as: UTF8.self)) }
    mutating func endObject() {
        isObject.removeLast()
        add(.object(objects.removeLast()))
    }
}

/// Writes compact JSON text, as `JSONValue.appendCompact` does.
struct JSONTextSink: JSONSink {
    var output: [UInt8] = []
    /// Whether the innermost container has a member or element yet (a comma goes before the next).
    private var started: [Bool] = []

    private mutating func separate() {
        guard let last = started.last else { return }
        if last { output.append(UInt8(ascii: ",")) } else { started[started.count - 1] = true }
    }

    mutating func null() { output.appendASCII("null") }
    mutating func bool(_ value: Bool) { value ? output.appendASCII("true") : output.appendASCII("false") }
    mutating func integer(_ value: Int64) { output.appendDecimal(value) }
    mutating func scalar(_ value: JSONValue) { value.appendCompact(to: &output) }
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        output.append(UInt8(ascii: "\""))
        JSONEscaper.append(escaping: bytes, to: &output)
        output.append(UInt8(ascii: "\""))
    }
    mutating func base64(_ bytes: UnsafeBufferPointer<UInt8>) {
        output.append(UInt8(ascii: "\""))
        Base64.append(encoding: bytes, to: &output)
        output.append(UInt8(ascii: "\""))
    }
    mutating func beginArray() {
        output.append(UInt8(ascii: "["))
        started.append(false)
    }
    mutating func element() { separate() }
    mutating func endArray() {
        started.removeLast()
        output.append(UInt8(ascii: "]"))
    }
    mutating func beginObject() {
        output.append(UInt8(ascii: "{"))
        started.append(false)
    }
    mutating func key(_ name: String) {
        separate()
        var name = name
        name.withUTF8 { text($0) }
        output.append(UInt8(ascii: ":"))
    }
    mutating func key(_ bytes: UnsafeBufferPointer<UInt8>) {
        separate()
        text(bytes)
        output.append(UInt8(ascii: ":"))
    }
    mutating func endObject() {
        started.removeLast()
        output.append(UInt8(ascii: "}"))
    }
}
