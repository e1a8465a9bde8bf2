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

extension LayerSpec {
    /// The layer's fields other than `type`, in the editor's order (group, filter, padding,
    /// W_std, b_std, width, alpha, a, b, fn, bandwidths, max_beta) — exactly the keys the spec
    /// JSON of this layer has.
    public var editableFields: [LayerField] {
        func affine(_ a: Affine) -> [LayerField] {
            [LayerField(key: "W_std", value: .number(a.wStd)),
             LayerField(key: "b_std", value: a.bStd.map { .number($0) } ?? .none)]
                + (a.width.map { [LayerField(key: "width", value: .integer($0))] } ?? [])
        }
        func conv(_ c: Convolution) -> [LayerField] {
            [LayerField(key: "filter", value: .integers(c.filter)), LayerField(key: "padding", value: .text(c.padding.rawValue))]
                + affine(c.affine)
        }
        switch self {
        case .dense(let a): return affine(a)
        case .conv(let c): return conv(c)
        case .lift(let g), .gconv(let g): return [LayerField(key: "group", value: .text(g.group.name))] + conv(g.conv)
        case .activation(.abRelu(let x, let y)):
            if (x == 0 || x == -1) && y == 1 { return [] } // relu, abs
            if y == 1 { return [LayerField(key: "alpha", value: .number(x))] }
            return [LayerField(key: "a", value: .number(x)), LayerField(key: "b", value: .number(y))]
        case .activation(.numeric(let f)): return [LayerField(key: "fn", value: .text(f.rawValue))]
        case .activation: return []
        case .s2Lift(let s), .so3Conv(let s):
            return affine(s.affine) + [LayerField(key: "bandwidth_in", value: .integer(s.bandwidthIn)),
                                       LayerField(key: "bandwidth_out", value: .integer(s.bandwidthOut)),
                                       LayerField(key: "max_beta", value: .number(s.maxBeta))]
        case .globalAvgPool, .groupPool, .flatten, .so3Pool: return []
        }
    }
}
