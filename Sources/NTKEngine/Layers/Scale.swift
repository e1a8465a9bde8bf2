import Foundation

/// `scale` (`factor` c, required): multiplies every feature by a fixed c, φ(x) = c·x — e.g.
/// to undo a preprocessing gain inside the network.
///
/// Kernel step: K′ = c²·K and Θ′ = c²·Θ (K̇ = c²). It compiles to the a/b ReLU with
/// a = b = c — φ(x) = c·min(x, 0) + c·max(x, 0) = c·x — so every backend runs it with the
/// pointwise machinery it already has: the plane executor's activation step, the SO(3) grid
/// and scalar activations, and the finite-width networks (value c·x, derivative c).
///
/// This type was added after the layer descriptions existed, to show what a new type costs:
/// this file, one line in `LayerKinds.registered` and the `case scale(Double)` line of
/// `LayerSpec` (docs/architecture.md, "How to add a layer").
public enum ScaleLayerKind: LayerKind, LayerSteps {
    public static let typeNames = ["scale"]

    public static func describes(_ l: LayerSpec) -> Bool { if case .scale = l { true } else { false } }

    public static func decode(_ o: LayerObject) throws -> LayerSpec {
        guard o["factor"] != nil else { throw SpecError(o.at("factor"), "missing (the constant c of φ(x) = c·x)") }
        return .scale(try o.requiredDouble("factor"))
    }

    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .scale(let c) = l else { return [] }
        return [LayerField(key: "factor", value: .number(c))]
    }

    /// `scale ×2`.
    public static func summary(of l: LayerSpec) -> String {
        guard case .scale(let c) = l else { return "scale" }
        return "scale ×\(AffineFields.short(c))"
    }

    /// "add layer" inserts the identity scale (edit `factor` afterwards).
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .scale(1) }

    /// The pointwise function the engines run: c·x as the a/b ReLU (c, c).
    static func activation(_ l: LayerSpec) -> Activation? {
        guard case .scale(let c) = l else { return nil }
        return .abRelu(a: c, b: c)
    }

    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        guard let a = activation(layer) else { throw f.doesNotApply(layer, path: path) }
        try ActivationSteps.compile(a, into: &f, at: i, path: path)
    }
    static func compileSO3(_ layer: LayerSpec, into f: inout SO3Fold, at i: Int, path: String) throws {
        guard let a = activation(layer) else { throw SpecError("\(path).type", "not a scale layer") }
        try ActivationSteps.compileSO3(a, layer, into: &f, at: i, path: path)
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws {
        guard let a = activation(layer) else { throw f.doesNotApply(layer, at: i) }
        f.layers.append(.activation(a))
    }
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold) { ActivationSteps.flops(into: &f) }
}
