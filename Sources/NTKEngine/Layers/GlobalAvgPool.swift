/// `global_avg_pool`: the mean over image positions (plain images; the invariant readout of a CNN).
public enum GlobalAvgPoolLayerKind: LayerKind {
    public static let typeNames = ["global_avg_pool"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .globalAvgPool = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .globalAvgPool }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .globalAvgPool }
}
