import Foundation

/// The fields, summary text and defaults shared by the linear layers' descriptions (dense,
/// conv, lift, gconv, s2_lift, so3_conv): what every description of a linear layer uses.
enum AffineFields {
    /// `W_std`, `b_std` (null = no bias) and `width` when set.
    static func fields(_ a: LayerSpec.Affine) -> [LayerField] {
        [LayerField(key: "W_std", value: .number(a.wStd)),
         LayerField(key: "b_std", value: a.bStd.map { .number($0) } ?? .none)]
            + (a.width.map { [LayerField(key: "width", value: .integer($0))] } ?? [])
    }

    /// `filter`, `padding`, then the affine fields.
    static func fields(_ c: LayerSpec.Convolution) -> [LayerField] {
        [LayerField(key: "filter", value: .integers(c.filter)), LayerField(key: "padding", value: .text(c.padding.rawValue))]
            + fields(c.affine)
    }

    /// `W1.5 b0.05 n64`.
    static func summary(_ a: LayerSpec.Affine) -> String {
        "W\(short(a.wStd))" + (a.bStd.map { " b\(short($0))" } ?? "") + (a.width.map { " n\($0)" } ?? "")
    }

    /// `3×3 circular W1.5 b0.05`.
    static func summary(_ c: LayerSpec.Convolution) -> String {
        "\(c.filter.map(String.init).joined(separator: "×")) \(c.padding.rawValue) \(summary(c.affine))"
    }

    /// `L3→3 W1.5 b0.05`, with ` β≤1.2` for a local filter.
    static func summary(_ s: LayerSpec.SphericalConvolution) -> String {
        let local = Swift.abs(s.maxBeta - Double.pi) < 1e-12 ? "" : String(format: " β≤%.2g", s.maxBeta)
        return "L\(s.bandwidthIn)→\(s.bandwidthOut)\(local) \(summary(s.affine))"
    }

    /// Whole numbers below 10⁶ as integers, others `%.3g` (the workbench's short numbers).
    static func short(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == v.rounded() && Swift.abs(v) < 1e6 { return String(Int(v)) }
        return String(format: "%.3g", v)
    }
}
