/// `abs`: φ(x) = |x|, the a/b ReLU with (a, b) = (−1, 1); its dual is the degree-1
/// arc-cosine kernel, K̇ = (2/π)·asin ρ.
public enum AbsLayerKind: LayerKind, ActivationLayerKind {
    public static let typeNames = ["abs"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .activation(let a) = l { a.typeName == "abs" } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .activation(.absoluteValue) }
}
