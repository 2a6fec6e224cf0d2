/// A route's `select` and `drop`: which members of a JSON value a message carries. `select` keeps only the members
/// its pointers name (in the order of the list, nested members under their parents); `drop` then removes members.
/// Pointers walk objects only: one that crosses an array, or names a missing member, names nothing.
public struct ValueShape: Sendable, Hashable {
    public var select: [JSONPointer]
    public var drop: [JSONPointer]

    public init(select: [JSONPointer] = [], drop: [JSONPointer] = []) {
        self.select = select
        self.drop = drop
    }

    /// Whether the shape changes anything.
    public var isIdentity: Bool { select.isEmpty && drop.isEmpty }

    /// `value` shaped.
    public func apply(to value: JSONValue) -> JSONValue {
        var shaped = value
        if !select.isEmpty {
            shaped = .object([])
            for pointer in select {
                guard let found = Self.member(pointer.tokens[...], in: value) else { continue }
                if pointer.tokens.isEmpty { return Self.removing(drop, from: value) }
                Self.insert(found, at: pointer.tokens[...], into: &shaped)
            }
        }
        return Self.removing(drop, from: shaped)
    }

    private static func removing(_ pointers: [JSONPointer], from value: JSONValue) -> JSONValue {
        var value = value
        for pointer in pointers where !pointer.tokens.isEmpty { remove(pointer.tokens[...], from: &value) }
        return value
    }

    private static func member(_ tokens: ArraySlice<String>, in value: JSONValue) -> JSONValue? {
        guard let token = tokens.first else { return value }
        guard case .object(let members) = value, let found = members.last(where: { $0.key == token }) else {
            return nil
        }
        return member(tokens.dropFirst(), in: found.value)
    }

    private static func insert(_ found: JSONValue, at tokens: ArraySlice<String>, into value: inout JSONValue) {
        guard let token = tokens.first, case .object(var members) = value else { return }
        if tokens.count == 1 {
            if let index = members.firstIndex(where: { $0.key == token }) {
                members[index].value = found
            } else {
                members.append(JSONMember(token, found))
            }
        } else if let index = members.firstIndex(where: { $0.key == token }) {
            insert(found, at: tokens.dropFirst(), into: &members[index].value)
        } else {
            var child = JSONValue.object([])
            insert(found, at: tokens.dropFirst(), into: &child)
            members.append(JSONMember(token, child))
        }
        value = .object(members)
    }

    private static func remove(_ tokens: ArraySlice<String>, from value: inout JSONValue) {
        guard let token = tokens.first, case .object(var members) = value else { return }
        if tokens.count == 1 {
            members.removeAll { $0.key == token }
        } else {
            for index in members.indices where members[index].key == token {
                remove(tokens.dropFirst(), from: &members[index].value)
            }
        }
        value = .object(members)
    }
}
