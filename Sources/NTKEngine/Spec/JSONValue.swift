import Foundation

/// A JSON value, typed: what spec JSON is decoded into (with `JSONDecoder`) before the layer
/// descriptions read their fields, and what they encode into.
///
/// Why a value type and not `[String: Any]`: every field access is checked by the compiler
/// and the error texts (`layers[2].W_std: must be a number, got big`) come from one place.
/// Why not decode `LayerSpec` fields with keyed containers directly: the messages quote the
/// offending value ("got big", "got [1, 2]"), which a `DecodingError` does not carry.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Foundation's nesting limit for JSON text (`JSONErrorLocation.maxDepth`), checked before
    /// decoding so deep text is refused with the same located message as before.
    static let maxDepth = JSONErrorLocation.maxDepth

    /// Decodes JSON text. Syntax errors are located ("line 3, column 14: …") by
    /// `JSONErrorLocation`, which reads Foundation's parser diagnostics: on a failure only,
    /// the text is handed to `JSONSerialization` to learn where it breaks.
    public static func decode(_ data: Data) throws -> JSONValue {
        if nestingDepth(of: data) <= maxDepth, let v = try? JSONDecoder().decode(JSONValue.self, from: data) { return v }
        do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw JSONErrorLocation.specError(for: error, in: data)
        }
        throw SpecError("(document)", "not valid JSON")
    }

    /// Deepest bracket nesting outside strings (stops counting past the limit).
    static func nestingDepth(of data: Data) -> Int {
        var depth = 0, deepest = 0, inString = false, escaped = false
        for b in data {
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                continue
            }
            switch b {
            case 0x22: inString = true
            case 0x5B, 0x7B: depth += 1; deepest = max(deepest, depth); if deepest > maxDepth { return deepest }
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
        return deepest
    }

    /// The value as the text of an error message, spelled as Foundation printed the decoded
    /// object before (so messages are unchanged): strings bare, `true` as 1, `null` as <null>,
    /// whole numbers without a fraction, lists `[1, 2]`, objects `["a": 1]`.
    public var messageText: String { describe(quoted: false) }

    func describe(quoted: Bool) -> String {
        switch self {
        case .null: return "<null>"
        case .bool(let b): return b ? "1" : "0"
        case .number(let d): return d == d.rounded() && Swift.abs(d) < 1e15 ? String(Int(d)) : "\(d)"
        case .string(let s): return quoted ? "\"\(s)\"" : s
        case .array(let a): return "[" + a.map { $0.describe(quoted: true) }.joined(separator: ", ") + "]"
        case .object(let o):
            if o.isEmpty { return "[:]" }
            return "[" + o.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value.describe(quoted: true))" }.joined(separator: ", ") + "]"
        }
    }

    // MARK: The outer byte boundary

    /// The value as Foundation objects, for the places that hand JSON around as `[String: Any]`
    /// (session lines, tile-store headers) and for writing bytes.
    public var foundationObject: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map(\.foundationObject)
        case .object(let o): return o.mapValues(\.foundationObject)
        }
    }

    /// A Foundation object (from `JSONSerialization`, or Swift literals in tests) as a value;
    /// nil for something that is not JSON (a date, a custom class).
    public init?(foundation v: Any) {
        switch v {
        case is NSNull: self = .null
        case let s as String: self = .string(s)
        case let a as [Any]:
            var out: [JSONValue] = []
            for e in a { guard let j = JSONValue(foundation: e) else { return nil }; out.append(j) }
            self = .array(out)
        case let o as [String: Any]:
            var out: [String: JSONValue] = [:]
            for (k, e) in o { guard let j = JSONValue(foundation: e) else { return nil }; out[k] = j }
            self = .object(out)
        default:
            if JSONField.isBoolean(v), let b = v as? Bool { self = .bool(b); return }
            if let n = v as? NSNumber { self = .number(n.doubleValue); return }
            return nil
        }
    }

    /// JSON text with sorted keys, compact or pretty.
    ///
    /// The bytes are Foundation's `JSONSerialization` writer's, on purpose: they are the
    /// identity of a spec in content hashes and tile-store keys on disk, and its spelling
    /// (keys sorted case-insensitively, `\/`, `1e+20`, `3` for 3.0) is what those keys were made
    /// from. `CanonicalSpecJSONTests` pins them. Values here are finite numbers, strings,
    /// lists and objects, so the writer cannot fail; "{}" is returned if it ever did.
    public func serialized(pretty: Bool = false) -> Data {
        let options: JSONSerialization.WritingOptions = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return (try? JSONSerialization.data(withJSONObject: foundationObject, options: options.union(.fragmentsAllowed))) ?? Data("{}".utf8)
    }
}

extension JSONValue: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// Typed field access with located errors (the texts the spec tests check).
enum JSONField {
    /// JSON `true`/`false` arrive as NSNumber too; corelibs-foundation marks them with a
    /// boolean subclass, which is the only reliable way to tell `true` from `1`.
    static func isBoolean(_ v: Any) -> Bool {
        if v is Bool && !(v is NSNumber) { return true }
        return String(describing: type(of: v)).contains("Boolean")
    }
    static func double(_ v: JSONValue, _ path: String) throws -> Double {
        guard case .number(let d) = v else { throw SpecError(path, "must be a number, got \(v.messageText)") }
        guard d.isFinite else { throw SpecError(path, "must be a finite number") }
        return d
    }
    static func int(_ v: JSONValue, _ path: String) throws -> Int {
        let d = try double(v, path)
        guard d == d.rounded(), Swift.abs(d) < 1e9 else { throw SpecError(path, "must be an integer, got \(d)") }
        return Int(d)
    }
    static func intArray(_ v: JSONValue, _ path: String) throws -> [Int] {
        guard case .array(let a) = v else { throw SpecError(path, "must be a list of integers") }
        return try a.enumerated().map { try int($0.element, "\(path)[\($0.offset)]") }
    }
    static func string(_ v: JSONValue, _ path: String) throws -> String {
        guard case .string(let s) = v else { throw SpecError(path, "must be a string, got \(v.messageText)") }
        return s
    }
}
