import Foundation

/// A validated spherical-CNN stack (S² → SO(3) → invariant): the spec's layers turned into
/// kernel-map operations with their precomputed harmonic tables.
///
/// Validation is done once, up front, so a user sees a located `SpecError` instead of a
/// shape failure deep inside a Gram computation.
struct SO3Stack: Sendable {
    enum Op: Sendable {
        case lift(LiftKernelMap, LayerSpec.Affine)
        case conv(ConvKernelMap, LayerSpec.Affine)
        /// Local filters (max_beta < π), see `LocalFilter`.
        case localLift(LocalLiftKernelMap, LayerSpec.Affine)
        case localConv(LocalConvKernelMap, LayerSpec.Affine)
        case gridActivation(Activation)
        case pool(PoolMap)
        case dense(LayerSpec.Affine)
        case scalarActivation(Activation)
    }

    let spec: ArchitectureSpec
    let ops: [Op]
    /// Input bandwidth L (input shape [2L, 2L−1, C]).
    let inputBandwidth: Int
    let channels: Int
    /// Number of kernel entries per side after each layer (grid points, or 1 once pooled).
    let sizes: [Int]

    init(_ spec: ArchitectureSpec) throws {
        guard spec.parameterization == .ntk else {
            throw SpecError("parameterization", "SO(3) stacks support only \"ntk\" (the reference kernels exist only there)")
        }
        guard case .s2Lift(let first)? = spec.layers.first else {
            throw SpecError("layers[0].type", "an SO(3) stack must start with s2_lift")
        }
        let L = first.bandwidthIn
        guard spec.inputShape.count == 3 else {
            throw SpecError("input_shape", "must be [2L, 2L−1, C] = [\(2 * L), \(2 * L - 1), C] for s2_lift with bandwidth_in \(L)")
        }
        guard spec.inputShape[0] == 2 * L, spec.inputShape[1] == 2 * L - 1 else {
            throw SpecError("input_shape", "must be [\(2 * L), \(2 * L - 1), C] (the DH grid of bandwidth_in \(L)), got \(spec.inputShape)")
        }
        inputBandwidth = L
        channels = spec.inputShape[2]
        var fold = SO3Fold(channels: channels)
        for (i, layer) in spec.layers.enumerated() {
            try layer.steps.compileSO3(layer, into: &fold, at: i, path: "layers[\(i)]")
        }
        guard case .scalar = fold.phase else {
            throw SpecError("layers", "the stack ends on an SO(3) feature map; end with so3_pool (and a dense readout)")
        }
        let ops = fold.ops, sizes = fold.sizes
        self.spec = spec; self.ops = ops; self.sizes = sizes
    }
}

/// The state of `SO3Stack.init`'s fold: where the features live (sphere, SO(3) grid of a
/// bandwidth, scalars) and the ops so far. Each layer's description adds its op
/// (`LayerSteps.compileSO3`, in `Sources/NTKEngine/Layers`).
struct SO3Fold {
    enum Phase { case sphere, group(Int), scalar }
    /// Input channels (the lift's kernel map sums over them).
    let channels: Int
    var phase = Phase.sphere
    var ops: [SO3Stack.Op] = []
    /// Kernel entries per side after each layer.
    var sizes: [Int] = []
    init(channels: Int) { self.channels = channels }
}
