/// `relu`: φ(x) = max(x, 0), the a/b ReLU with (a, b) = (0, 1).
public enum ReluLayerKind: LayerKind, ActivationLayerKind {
    public static let typeNames = ["relu"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .activation(let a) = l { a.typeName == "relu" } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .activation(.relu) }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .activation(.relu) }
}
