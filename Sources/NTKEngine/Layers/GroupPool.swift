/// `group_pool`: the mean over positions and group elements of a lifted map (the invariant readout of a group CNN).
public enum GroupPoolLayerKind: LayerKind {
    public static let typeNames = ["group_pool"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .groupPool = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .groupPool }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .groupPool }
}

extension GroupPoolLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        switch (f.phase, f.shape) {
        case (.scalar, _): throw f.alreadyVector(layer, path: path)
        case (.plane, .lifted(let h, let w, let c, _)):
            f.reduction = Reduction(layerIndex: i, kind: .mean, fanIn: Double(c), positions: h * w)
            f.shape = .vector(c)
        case (.plane, .image):
            throw SpecError("\(path).type", "group_pool needs a lifted feature map (add a lift layer first)")
        default: throw f.doesNotApply(layer, path: path)
        }
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws {
        guard case .grid(let h, let w, let g, let c) = f.shape else { throw f.doesNotApply(layer, at: i) }
        f.layers.append(.meanPool(rows: h * w * g, channels: c)); f.shape = .vector(c)
    }
    static func flops(_ layer: LayerSpec, into f: inout FlopsFold) {
        if f.spatial { f.flops += Double(f.g) * f.p2; f.spatial = false }
    }
    static func matchingCNNLayer(_ layer: LayerSpec) -> LayerSpec { .globalAvgPool }
}
