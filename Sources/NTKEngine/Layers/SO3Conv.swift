/// `so3_conv`: a convolution on SO(3) (global filter, or local with max_beta < π).
public enum SO3ConvLayerKind: LayerKind {
    public static let isSpherical = true
    public static let typeNames = ["so3_conv"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .so3Conv = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .so3Conv(try o.spherical()) }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .so3Conv(let s) = l else { return [] }
        return AffineFields.fields(s.affine) + [LayerField(key: "bandwidth_in", value: .integer(s.bandwidthIn)),
                                                LayerField(key: "bandwidth_out", value: .integer(s.bandwidthOut)),
                                                LayerField(key: "max_beta", value: .number(s.maxBeta))]
    }
    /// `so3_conv L3→3 W1.5 b0.05` (` β≤1.2` for a local filter).
    public static func summary(of l: LayerSpec) -> String {
        guard case .so3Conv(let s) = l else { return l.typeName }
        return "so3_conv \(AffineFields.summary(s))"
    }
    /// Keeps the bandwidth it receives (bandwidth_out = bandwidth_in).
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? {
        try LayerSpec.checkBandwidths(bandwidth, bandwidth, path: "new layer")
        return .so3Conv(LayerDefaults.spherical(bandwidth: bandwidth))
    }
}
