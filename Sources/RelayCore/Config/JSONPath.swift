/// A location in a JSON document, printed as a JSONPath (`$.routes[2].overflow.policy`), so a problem points at the
/// exact value to change.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    private var components: [Component]

    private enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The document's root, `$`.
    public static let root = JSONPath(components: [])

    /// The path of member `key` of the object here.
    public func appending(_ key: String) -> JSONPath { JSONPath(components: components + [.key(key)]) }

    /// The path of element `index` of the array here.
    public func appending(index: Int) -> JSONPath { JSONPath(components: components + [.index(index)]) }

    public var description: String {
        var text = "$"
        for component in components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key):
                let plain =
                    !key.isEmpty
                    && key.unicodeScalars.allSatisfy {
                        $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_"
                    }
                text += plain ? ".\(key)" : "[\(JSONValue.quoted(key))]"
            }
        }
        return text
    }
}
