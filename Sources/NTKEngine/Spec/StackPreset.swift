/// The one set of layer defaults, shared by the workbench ("add layer", `stack.new`) and the
/// CLI experiments (`--stacks CNN C4 …`).
///
/// These are the workbench's historical values, kept exactly so saved sessions replay
/// unchanged: 3×3 circular filters with W_std 1.5, b_std 0.05; a new dense layer 1.0/0.05;
/// the presets' readout dense layer 1.0/0.0. (The CLI used W 1.4/b 0.1 before; those stacks
/// ship as spec files in `examples/experiment-stacks/`.)
public enum LayerDefaults {
    /// Weight/bias scales of conv, lift, gconv, s2_lift and so3_conv layers.
    public static let convAffine = LayerSpec.Affine(wStd: 1.5, bStd: 0.05)
    public static let filter = [3, 3]
    public static let padding = Padding.circular
    /// A dense layer added on its own.
    public static let denseAffine = LayerSpec.Affine(wStd: 1.0, bStd: 0.05)
    /// The readout dense layer that ends every preset.
    public static let readoutAffine = LayerSpec.Affine(wStd: 1.0, bStd: 0.0)
    /// Negative slope of `leaky_relu` when the spec gives none.
    public static let leakyReluAlpha = 0.01

    static func convolution(_ padding: Padding = LayerDefaults.padding) -> LayerSpec.Convolution {
        LayerSpec.Convolution(filter: filter, padding: padding, affine: convAffine)
    }

    static func spherical(bandwidth: Int) -> LayerSpec.SphericalConvolution {
        LayerSpec.SphericalConvolution(bandwidthIn: bandwidth, bandwidthOut: bandwidth, maxBeta: .pi, affine: convAffine)
    }

    /// Layer types offered when adding a layer, in menu order.
    public static let addableTypes = ["conv", "lift", "gconv", "relu", "erf", "gelu", "leaky_relu", "identity",
                                      "global_avg_pool", "group_pool", "flatten", "dense", "s2_lift", "so3_conv", "so3_pool"]

    /// A new layer of `type` with the defaults; `group` is used by lift/gconv, `bandwidth` (of
    /// the features it receives) by s2_lift/so3_conv, which keep it (bandwidth_out = bandwidth_in).
    /// Returns nil for a type that has no default form (e.g. `abrelu`, which needs a and b);
    /// a bandwidth out of range is the parser's located error (`new layer.bandwidth_in: …`;
    /// `path` is kept for source compatibility and not used). Each type's default is its
    /// description's `defaultLayer`.
    public static func layer(_ type: String, group: PointGroup = .c4, bandwidth: Int = 3,
                             path: String = "new layer") throws -> LayerSpec? {
        try LayerKinds.kind(forType: type)?.defaultLayer(group: group, bandwidth: bandwidth)
    }
}

/// A ready-made stack, built from typed layer values with `LayerDefaults` — the same stacks
/// for the workbench's `stack.new` and the CLI's `--stacks`.
public enum StackPreset: Sendable, Hashable {
    /// conv, relu, conv, relu, global_avg_pool, dense.
    case cnn
    /// lift, relu, gconv, relu, group_pool, dense on the group.
    case gcnn(PointGroup)
    /// flatten, dense, relu, dense (one hidden layer).
    case mlp
    /// s2_lift, relu, so3_conv, relu, so3_pool, dense at the input's bandwidth.
    case so3
    /// No layers (the workbench fills it in).
    case empty

    /// The names the workbench offers.
    public static let workbenchNames = ["cnn", "gcnn-c4", "gcnn-d4", "gcnn-c2", "mlp", "so3", "empty"]

    /// Parses a preset name: the workbench's (`cnn`, `gcnn-c4`, `mlp`, `so3`, `empty`) or the
    /// CLI's (`CNN`, `MLP`, a bare group `C1`, `C2`, `C4`, `D1`, `D2`, `D4`), case-insensitively.
    public init?(name: String) {
        let n = name.lowercased()
        switch n {
        case "cnn": self = .cnn
        case "mlp": self = .mlp
        case "so3": self = .so3
        case "empty": self = .empty
        default:
            let g = n.hasPrefix("gcnn-") ? String(n.dropFirst(5)) : n
            guard let group = PointGroup.named(g.uppercased()) else { return nil }
            self = .gcnn(group)
        }
    }

    /// The stack for inputs of `inputShape`; `padding` applies to the plane convolutions.
    /// The input shape is checked as when parsing a spec (same located errors).
    public func spec(inputShape: [Int], padding: Padding = LayerDefaults.padding, name: String = "") throws -> ArchitectureSpec {
        let relu = LayerSpec.activation(.relu), readout = LayerSpec.dense(LayerDefaults.readoutAffine)
        let conv = LayerDefaults.convolution(padding)
        let layers: [LayerSpec]
        switch self {
        case .cnn: layers = [.conv(conv), relu, .conv(conv), relu, .globalAvgPool, readout]
        case .gcnn(let g):
            let gc = LayerSpec.GroupConvolution(group: g, conv: conv)
            layers = [.lift(gc), relu, .gconv(gc), relu, .groupPool, readout]
        case .mlp: layers = [.flatten, readout, relu, readout]
        case .so3:
            // Spherical CNN on a [2L, 2L−1, C] Driscoll–Healy input: lift, conv, pool, readout.
            let sc = LayerDefaults.spherical(bandwidth: max(1, inputShape.first.map { $0 / 2 } ?? 3))
            layers = [.s2Lift(sc), relu, .so3Conv(sc), relu, .so3Pool, readout]
        case .empty: return ArchitectureSpec(name: name, inputShape: inputShape, layers: [])
        }
        try ArchitectureSpec.checkInputShape(inputShape)
        return ArchitectureSpec(name: name, inputShape: inputShape, layers: layers)
    }
}
