/// `s2_lift`: lifts a signal on the sphere (Driscoll–Healy grid) to SO(3).
public enum S2LiftLayerKind: LayerKind {
    public static let isSpherical = true
    public static let typeNames = ["s2_lift"]
    public static func describes(_ l: LayerSpec) -> Bool { if case .s2Lift = l { true } else { false } }
    public static func decode(_ o: LayerObject) throws -> LayerSpec { .s2Lift(try o.spherical()) }
    public static func fields(of l: LayerSpec) -> [LayerField] {
        guard case .s2Lift(let s) = l else { return [] }
        return AffineFields.fields(s.affine) + [LayerField(key: "bandwidth_in", value: .integer(s.bandwidthIn)),
                                                LayerField(key: "bandwidth_out", value: .integer(s.bandwidthOut)),
                                                LayerField(key: "max_beta", value: .number(s.maxBeta))]
    }
    /// `s2_lift L3→3 W1.5 b0.05` (` β≤1.2` for a local filter).
    public static func summary(of l: LayerSpec) -> String {
        guard case .s2Lift(let s) = l else { return l.typeName }
        return "s2_lift \(AffineFields.summary(s))"
    }
    /// Keeps the bandwidth it receives (bandwidth_out = bandwidth_in).
    public static func defaultLayer(group: PointGroup, bandwidth: Int) throws -> LayerSpec? {
        try LayerSpec.checkBandwidths(bandwidth, bandwidth, path: "new layer")
        return .s2Lift(LayerDefaults.spherical(bandwidth: bandwidth))
    }
}

extension S2LiftLayerKind: LayerSteps {
    static func compile(_ layer: LayerSpec, into f: inout StackFold, at i: Int, path: String) throws {
        guard case .s2Lift(let sc) = layer, f.phase != .scalar else { throw SphericalSteps.needsSphere(layer, path: path) }
        guard case .image(let h, let w, _) = f.shape else { throw f.doesNotApply(layer, path: path) }
        guard h == 2 * sc.bandwidthIn, w == 2 * sc.bandwidthIn - 1 else {
            throw SpecError("\(path).bandwidth_in", "s2_lift with bandwidth \(sc.bandwidthIn) needs a [\(2 * sc.bandwidthIn), \(2 * sc.bandwidthIn - 1), C] Driscoll–Healy input, got \(f.shape)")
        }
        f.shape = .spherical(bandwidth: sc.bandwidthOut, channels: sc.affine.width ?? 1, onGroup: true)
    }
    static func compileSO3(_ layer: LayerSpec, into f: inout SO3Fold, at i: Int, path: String) throws {
        guard case .s2Lift(let s) = layer, case .sphere = f.phase else {
            throw SpecError("\(path).type", "s2_lift must be the first layer (it maps sphere signals to SO(3))")
        }
        if try SphericalSteps.isGlobal(s, path) {
            f.ops.append(.lift(LiftKernelMap(bandwidthIn: s.bandwidthIn, bandwidthOut: s.bandwidthOut, channels: f.channels), s.affine))
        } else {
            f.ops.append(.localLift(LocalLiftKernelMap(bandwidthIn: s.bandwidthIn, bandwidthOut: s.bandwidthOut,
                                                       channels: f.channels, maxBeta: s.maxBeta), s.affine))
        }
        f.phase = .group(s.bandwidthOut)
        f.sizes.append(SO3Grid(bandwidth: s.bandwidthOut).count)
    }
    static func resolvingWidth(_ layer: LayerSpec, width: Int, isReadout: Bool, at i: Int) throws -> LayerSpec {
        throw SphericalSteps.noFiniteNetwork(layer, at: i)
    }
}

/// Steps shared by the SO(3) layers.
enum SphericalSteps {
    static func needsSphere(_ layer: LayerSpec, path: String) -> SpecError {
        SpecError("\(path).type", "\(layer.typeName) needs a spherical signal input")
    }
    static func noFiniteNetwork(_ layer: LayerSpec, at i: Int) -> FiniteWidthError {
        .unsupported("layers[\(i)]: \(layer.typeName) has no finite-width network (plane groups only)")
    }
    /// Global filter (max_beta = π)? Otherwise checks that the cap holds grid points.
    static func isGlobal(_ s: LayerSpec.SphericalConvolution, _ path: String) throws -> Bool {
        if s.maxBeta >= Double.pi - 1e-12 { return true }
        let first = Double.pi / Double(4 * s.bandwidthIn)
        guard s.maxBeta >= first else {
            throw SpecError("\(path).max_beta", "the filter cap β ≤ \(s.maxBeta) holds no grid point; the first colatitude at bandwidth_in \(s.bandwidthIn) is \(first)")
        }
        return false
    }
}
