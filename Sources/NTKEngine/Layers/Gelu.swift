/// `gelu`: φ(x) = x·Φ(x), exact GELU (closed-form dual).
public enum GeluLayerKind: LayerKind, ActivationLayerKind {
    public static let typeNames = ["gelu"]
    public static func describes(_ l: LayerSpec) -> Bool { l == .activation(.gelu) }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .activation(.gelu) }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .activation(.gelu) }
}
