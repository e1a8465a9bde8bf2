/// `so3_conv`: a convolution on SO(3) (global filter, or local with max_beta < π).
public enum SO3ConvLayerKind: LayerKind {
    public static let isSpherical = true
    public static let typeNames = ["so3_conv"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .so3Conv = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .so3Conv(try o.spherical()) }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .so3Conv(let s) = l else { return [] }
        return AffineFields.fields(s.affine) + [LayerField(key: "bandwidth_in", value: .integer(s.bandwidthIn)),
                                                LayerField(key: "bandwidth_out", value: .integer(s.bandwidthOut)),
                                                LayerField(key: "max_beta", value: .number(s.maxBeta))]
    }
    /// `so3_conv L3→3 W1.5 b0.05` (` β≤1.2` for a local filter).
    public static func summary(of l: LayerSpec) -> String {
        guard case .so3Conv(let s) = l else { return l.typeName }
        return "so3_conv \(AffineFields.summary(s))"
    }
    /// Keeps the bandwidth it receives (bandwidth_out = bandwidth_in).
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? {
        try LayerSpec.checkBandwidths(bandwidth, bandwidth, path: "new layer")
        return .so3Conv(LayerDefaults.spherical(bandwidth: bandwidth))
    }
}

extension SO3ConvLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        guard case .so3Conv(let sc) = layer, f.phase != .scalar else { throw SphericalSteps.needsSphere(layer, path: path) }
        guard case .spherical(let l, _, true) = f.shape else { throw f.doesNotApply(layer, path: path) }
        guard sc.bandwidthIn == l else {
            throw SpecError("\(path).bandwidth_in", "so3_conv expects bandwidth \(sc.bandwidthIn) but the previous layer gives \(l)")
        }
        f.shape = .spherical(bandwidth: sc.bandwidthOut, channels: sc.affine.width ?? 1, onGroup: true)
    }
    static func compileSO3(_ layer: LayerSpec, into f: inout SO3Fold, at i: Int, path: String) throws {
        guard case .so3Conv(let s) = layer, case .group(let b) = f.phase else {
            throw SpecError("\(path).type", "so3_conv needs an SO(3) feature map (after s2_lift, before so3_pool)")
        }
        guard s.bandwidthIn == b else {
            throw SpecError("\(path).bandwidth_in", "must equal the previous SO(3) layer's bandwidth_out \(b), got \(s.bandwidthIn)")
        }
        if try SphericalSteps.isGlobal(s, path) {
            f.ops.append(.conv(ConvKernelMap(bandwidthIn: s.bandwidthIn, bandwidthOut: s.bandwidthOut), s.affine))
        } else {
            f.ops.append(.localConv(LocalConvKernelMap(bandwidthIn: s.bandwidthIn, bandwidthOut: s.bandwidthOut,
                                                       maxBeta: s.maxBeta), s.affine))
        }
        f.phase = .group(s.bandwidthOut)
        f.sizes.append(SO3Grid(bandwidth: s.bandwidthOut).count)
    }
    static func resolvingWidth(_ layer: LayerSpec, width: Int, isReadout: Bool, at i: Int) throws -> LayerSpec {
        throw SphericalSteps.noFiniteNetwork(layer, at: i)
    }
}
