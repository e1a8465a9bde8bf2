/// `so3_pool`: the mean over SO(3) (the invariant readout of a spherical CNN).
public enum SO3PoolLayerKind: LayerKind {
    public static let isSpherical = true
    public static let typeNames = ["so3_pool"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .so3Pool = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .so3Pool }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .so3Pool }
}

extension SO3PoolLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        guard f.phase != .scalar else { throw SphericalSteps.needsSphere(layer, path: path) }
        guard case .spherical(_, let c, true) = f.shape else { throw f.doesNotApply(layer, path: path) }
        f.reduction = Reduction(layerIndex: i, kind: .mean, fanIn: Double(c), positions: 1)
        f.shape = .vector(c)
    }
    static func compileSO3(_ layer: LayerSpec, into f: inout SO3Fold, at i: Int, path: String) throws {
        guard case .group(let b) = f.phase else { throw SpecError("\(path).type", "so3_pool needs an SO(3) feature map") }
        f.ops.append(.pool(PoolMap(bandwidth: b))); f.phase = .scalar; f.sizes.append(1)
    }
    static func resolvingWidth(_ layer: LayerSpec, width: Int, isReadout: Bool, at i: Int) throws -> LayerSpec {
        throw SphericalSteps.noFiniteNetwork(layer, at: i)
    }
}
