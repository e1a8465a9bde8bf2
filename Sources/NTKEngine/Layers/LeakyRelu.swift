/// `leaky_relu`: φ(x) = max(x, αx), the a/b ReLU with (a, b) = (α, 1); `alpha` defaults to
/// `LayerDefaults.leakyReluAlpha`.
public enum LeakyReluLayerKind: LayerKind, ActivationLayerKind {
    public static let typeNames = ["leaky_relu"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .activation(let a) = l { a.typeName == "leaky_relu" } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec {
        .activation(.abRelu(a: try o.double("alpha") ?? LayerDefaults.leakyReluAlpha, b: 1))
    }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .activation(.abRelu(let a, _)) = l else { return [] }
        return [LayerField(key: "alpha", value: .number(a))]
    }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? {
        .activation(.abRelu(a: LayerDefaults.leakyReluAlpha, b: 1))
    }
}
