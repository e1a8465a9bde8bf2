/// `s2_lift`: lifts a signal on the sphere (Driscoll–Healy grid) to SO(3).
public enum S2LiftLayerKind: LayerKind {
    public static let isSpherical = true
    public static let typeNames = ["s2_lift"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .s2Lift = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .s2Lift(try o.spherical()) }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .s2Lift(let s) = l else { return [] }
        return AffineFields.fields(s.affine) + [LayerField(key: "bandwidth_in", value: .integer(s.bandwidthIn)),
                                                LayerField(key: "bandwidth_out", value: .integer(s.bandwidthOut)),
                                                LayerField(key: "max_beta", value: .number(s.maxBeta))]
    }
    /// `s2_lift L3→3 W1.5 b0.05` (` β≤1.2` for a local filter).
    public static func summary(of l: LayerSpec) -> String {
        guard case .s2Lift(let s) = l else { return l.typeName }
        return "s2_lift \(AffineFields.summary(s))"
    }
    /// Keeps the bandwidth it receives (bandwidth_out = bandwidth_in).
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? {
        try LayerSpec.checkBandwidths(bandwidth, bandwidth, path: "new layer")
        return .s2Lift(LayerDefaults.spherical(bandwidth: bandwidth))
    }
}
