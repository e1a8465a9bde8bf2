/// `dense`: a fully connected layer, y = (W_std/√fan_in)·W·x + b_std·b.
public enum DenseLayerKind: LayerKind {
    public static let typeNames = ["dense"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .dense = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .dense(try o.affine()) }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .dense(let a) = l else { return [] }
        return AffineFields.fields(a)
    }
    public static func summary(of l: LayerSpec) -> String {
        guard case .dense(let a) = l else { return l.typeName }
        return "dense \(AffineFields.summary(a))"
    }
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? { .dense(LayerDefaults.denseAffine) }
}

extension DenseLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        guard case .dense(let a) = layer, f.phase == .scalar else {
            throw SpecError("\(path).type", "dense on an unpooled image \(f.shape); add global_avg_pool, group_pool or flatten first")
        }
        let fan: Double
        if case .vector(let d) = f.shape { fan = Double(d) } else { fan = 1 }
        f.scalar.append(ScalarOp(layerIndex: i, kind: .dense(a, fanIn: fan, param: f.param)))
        f.shape = .vector(try f.channelsOut(a, path: path))
    }
    static func compileSO3(_ layer: LayerSpec, into f: inout SO3Fold, at i: Int, path: String) throws {
        guard case .dense(let a) = layer, case .scalar = f.phase else {
            throw SpecError("\(path).type", "dense on an SO(3) feature map; add so3_pool first")
        }
        f.ops.append(.dense(a)); f.sizes.append(1)
    }
    static func finite(_ layer: LayerSpec, into f: inout FiniteFold, at i: Int) throws {
        guard case .dense(let a) = layer, case .vector(let d) = f.shape else { throw f.doesNotApply(layer, at: i) }
        let out = a.width ?? f.width
        f.appendTrained(.dense(DenseLayer(inputs: d, outputs: out, affine: LinearScales(a, f.param)), offset: f.offset))
        f.shape = .vector(out); f.readout = i
    }
    static func resolvingWidth(_ layer: LayerSpec, width: Int, isReadout: Bool, at i: Int) throws -> LayerSpec {
        guard case .dense(var a) = layer else { return layer }
        a.width = isReadout ? 1 : width
        return .dense(a)
    }
}
