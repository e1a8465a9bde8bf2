/// `abrelu`: φ(x) = a·min(x, 0) + b·max(x, 0); `a` and `b` are required (no default form).
public enum ABReluLayerKind: LayerKind, ActivationLayerKind {
    public static let typeNames = ["abrelu"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .activation(let a) = l { a.typeName == "abrelu" } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec {
        guard o["a"] != nil else { throw SpecError(o.at("a"), "missing") }
        guard o["b"] != nil else { throw SpecError(o.at("b"), "missing") }
        return .activation(.abRelu(a: try o.requiredDouble("a"), b: try o.requiredDouble("b")))
    }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .activation(.abRelu(let a, let b)) = l else { return [] }
        return [LayerField(key: "a", value: .number(a)), LayerField(key: "b", value: .number(b))]
    }
}
