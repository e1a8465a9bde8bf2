import Foundation

/// One editable field of a layer, read from the typed value (what the workbench's layer editor
/// shows). Keys are the spec JSON's; `text` is the editor's display form.
public struct LayerField: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case number(Double)
        case integer(Int)
        case integers([Int])
        case text(String)
        /// `b_std: null` (no bias).
        case none
    }

    public let key: String
    public let value: Value

    /// "null"; "3,3" for filters; "π" for π; "1.5"/"0.0" for whole numbers below 10⁶ and
    /// `%g` otherwise; integers and strings as they are.
    public var text: String {
        switch value {
        case .none: return "null"
        case .integers(let a): return a.map(String.init).joined(separator: ",")
        case .number(let d) where Swift.abs(d - Double.pi) < 1e-12: return "π"
        case .number(let d): return d == d.rounded() && Swift.abs(d) < 1e6 ? String(format: "%.1f", d) : String(format: "%g", d)
        case .integer(let i): return String(i)
        case .text(let s): return s
        }
    }
}

extension LayerField.Value {
    /// The value as written to spec JSON.
    var json: JSONValue {
        switch self {
        case .number(let d): .number(d)
        case .integer(let i): .number(Double(i))
        case .integers(let a): .array(a.map { .number(Double($0)) })
        case .text(let s): .string(s)
        case .none: .null
        }
    }
}
