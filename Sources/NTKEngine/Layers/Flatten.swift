/// `flatten`: all features as one vector (the kernel keeps only the diagonal over positions); must be followed by dense.
public enum FlattenLayerKind: LayerKind {
    public static let typeNames = ["flatten"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .flatten = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .flatten }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .flatten }
}

extension FlattenLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        switch (f.phase, f.shape) {
        case (.scalar, _): throw f.alreadyVector(layer, path: path)
        case (.plane, .image(let h, let w, let c)):
            f.reduction = Reduction(layerIndex: i, kind: .diagonal, fanIn: Double(c * h * w), positions: h * w)
            f.shape = .vector(c * h * w)
        case (.plane, .lifted(let h, let w, let c, let g)):
            f.reduction = Reduction(layerIndex: i, kind: .diagonal, fanIn: Double(c * h * w * g.order), positions: h * w)
            f.shape = .vector(c * h * w * g.order)
        default: throw f.doesNotApply(layer, path: path)
        }
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws {
        guard case .grid(let h, let w, let g, let c) = f.shape else { throw f.doesNotApply(layer, at: i) }
        f.layers.append(.flatten); f.shape = .vector(h * w * g * c)
    }
    /// Only the diagonal t = t′ is read.
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold) {
        if f.spatial { f.flops += Double(f.g * f.h * f.w); f.spatial = false }
    }
}
