/// `global_avg_pool`: the mean over image positions (plain images; the invariant readout of a CNN).
public enum GlobalAvgPoolLayerKind: LayerKind {
    public static let typeNames = ["global_avg_pool"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .globalAvgPool = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .globalAvgPool }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .globalAvgPool }
}

extension GlobalAvgPoolLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        switch (f.phase, f.shape) {
        case (.scalar, _): throw f.alreadyVector(layer, path: path)
        case (.plane, .image(let h, let w, let c)):
            f.reduction = Reduction(layerIndex: i, kind: .mean, fanIn: Double(c), positions: h * w)
            f.shape = .vector(c)
        case (.plane, .lifted):
            throw SpecError("\(path).type", "global_avg_pool on a lifted map keeps the group axis; use group_pool for an invariant readout")
        default: throw f.doesNotApply(layer, path: path)
        }
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws {
        guard case .grid(let h, let w, 1, let c) = f.shape else { throw f.doesNotApply(layer, at: i) }
        f.layers.append(.meanPool(rows: h * w, channels: c)); f.shape = .vector(c)
    }
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold) {
        if f.spatial { f.flops += Double(f.g) * f.p2; f.spatial = false }
    }
}
