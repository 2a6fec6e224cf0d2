/// Why a record's stream name cannot be formed from a keyed template. Raw values are the `reason` label of
/// `sync_relay_records_unroutable_total` and the reason header of its dead letter.
public enum UnroutableReason: String, Error, Sendable, Hashable, CaseIterable {
    /// `{key}`: the record has no key.
    case noKey = "no-key"
    /// `{header:NAME}`: no such header, or its value is null.
    case noHeader = "no-header"
    /// `{header:NAME}`: the header is there several times with different values (which entity is meant?).
    case headerRepeated = "header-repeated"
    /// `{value:…}`: the value is missing (a tombstone) or is not JSON.
    case notJSON = "not-json"
    /// `{value:…}`: the pointer names nothing in the value.
    case noField = "no-field"
    /// `{value:…}`: the field is an object, an array or null; only strings, numbers and booleans name a stream.
    case fieldNotScalar = "field-not-scalar"
    /// The name would be longer than Twilio's 320 characters.
    case tooLong = "too-long"
    /// The name would be empty (an empty key and no literal text).
    case empty
    /// The name would be shaped like a SID and has no value part to escape.
    case sidLike = "sid-like"
}
