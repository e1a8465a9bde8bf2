/// `so3_pool`: the mean over SO(3) (the invariant readout of a spherical CNN).
public enum SO3PoolLayerKind: LayerKind {
    public static let isSpherical = true
    public static let typeNames = ["so3_pool"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .so3Pool = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .so3Pool }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .so3Pool }
}
