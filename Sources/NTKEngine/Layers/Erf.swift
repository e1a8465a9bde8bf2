/// `erf`: φ(x) = erf(x) (closed-form dual).
public enum ErfLayerKind: LayerKind, ActivationLayerKind {
    public static let typeNames = ["erf"]
    public static func describes(_ l: LayerSpec) -> Bool { l == .activation(.erf) }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .activation(.erf) }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .activation(.erf) }
}
