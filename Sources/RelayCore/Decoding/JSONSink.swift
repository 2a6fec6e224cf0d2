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

/// Builds a `JSONValue`.
struct JSONTreeSink: JSONSink {
    private enum Container {
        case array([JSONValue])
        case object([JSONMember], key: String)
    }

    private var stack: [Container] = []
    private(set) var result = JSONValue.null

    private mutating func add(_ value: JSONValue) {
        guard let top = stack.popLast() else {
            result = value
            return
        }
        switch top {
        case .array(var elements):
            elements.append(value)
            stack.append(.array(elements))
        case .object(var members, let key):
            members.append(JSONMember(key, value))
            stack.append(.object(members, key: ""))
        }
    }

    mutating func null() { add(.null) }
    mutating func bool(_ value: Bool) { add(.bool(value)) }
    mutating func integer(_ value: Int64) { add(.number(String(value))) }
    mutating func scalar(_ value: JSONValue) { add(value) }
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) { add(.string(String(decoding: bytes, as: UTF8.self))) }
    mutating func base64(_ bytes: UnsafeBufferPointer<UInt8>) { add(.string(AvroText.base64(bytes))) }
    mutating func beginArray() { stack.append(.array([])) }
    mutating func element() {}
    mutating func endArray() {
        guard case .array(let elements)? = stack.popLast() else { return }
        add(.array(elements))
    }
    mutating func beginObject() { stack.append(.object([], key: "")) }
    mutating func key(_ name: String) {
        guard case .object(let members, _)? = stack.popLast() else { return }
        stack.append(.object(members, key: name))
    }
    mutating func key(_ bytes: UnsafeBufferPointer<UInt8>) { key(String(decoding: bytes, as: UTF8.self)) }
    mutating func endObject() {
        guard case .object(let members, _)? = stack.popLast() else { return }
        add(.object(members))
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
