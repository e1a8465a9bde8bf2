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
        enum Phase { case sphere, group(Int), scalar }
        var phase = Phase.sphere
        var ops: [Op] = []
        var sizes: [Int] = []
        /// Global filter (max_beta = π)? Otherwise checks that the cap holds grid points.
        func isGlobal(_ s: LayerSpec.SphericalConvolution, _ path: String) throws -> Bool {
            if s.maxBeta >= Double.pi - 1e-12 { return true }
            let first = Double.pi / Double(4 * s.bandwidthIn)
            guard s.maxBeta >= first else {
                throw SpecError("\(path).max_beta", "the filter cap β ≤ \(s.maxBeta) holds no grid point; the first colatitude at bandwidth_in \(s.bandwidthIn) is \(first)")
            }
            return false
        }
        for (i, layer) in spec.layers.enumerated() {
            let path = "layers[\(i)]"
            switch (layer, phase) {
            case (.s2Lift(let s), .sphere):
                if try isGlobal(s, path) {
                    ops.append(.lift(LiftKernelMap(bandwidthIn: s.bandwidthIn, bandwidthOut: s.bandwidthOut, channels: channels), s.affine))
                } else {
                    ops.append(.localLift(LocalLiftKernelMap(bandwidthIn: s.bandwidthIn, bandwidthOut: s.bandwidthOut,
                                                             channels: channels, maxBeta: s.maxBeta), s.affine))
                }
                phase = .group(s.bandwidthOut)
                sizes.append(SO3Grid(bandwidth: s.bandwidthOut).count)
            case (.s2Lift, _):
                throw SpecError("\(path).type", "s2_lift must be the first layer (it maps sphere signals to SO(3))")
            case (.so3Conv(let s), .group(let b)):
                guard s.bandwidthIn == b else {
                    throw SpecError("\(path).bandwidth_in", "must equal the previous SO(3) layer's bandwidth_out \(b), got \(s.bandwidthIn)")
                }
                if try isGlobal(s, path) {
                    ops.append(.conv(ConvKernelMap(bandwidthIn: s.bandwidthIn, bandwidthOut: s.bandwidthOut), s.affine))
                } else {
                    ops.append(.localConv(LocalConvKernelMap(bandwidthIn: s.bandwidthIn, bandwidthOut: s.bandwidthOut,
                                                             maxBeta: s.maxBeta), s.affine))
                }
                phase = .group(s.bandwidthOut)
                sizes.append(SO3Grid(bandwidth: s.bandwidthOut).count)
            case (.so3Conv, _):
                throw SpecError("\(path).type", "so3_conv needs an SO(3) feature map (after s2_lift, before so3_pool)")
            case (.activation(let a), .group(let b)):
                ops.append(.gridActivation(a)); sizes.append(SO3Grid(bandwidth: b).count)
            case (.activation(let a), .scalar):
                ops.append(.scalarActivation(a)); sizes.append(1)
            case (.so3Pool, .group(let b)):
                ops.append(.pool(PoolMap(bandwidth: b))); phase = .scalar; sizes.append(1)
            case (.so3Pool, _):
                throw SpecError("\(path).type", "so3_pool needs an SO(3) feature map")
            case (.dense(let a), .scalar):
                ops.append(.dense(a)); sizes.append(1)
            case (.dense, _):
                throw SpecError("\(path).type", "dense on an SO(3) feature map; add so3_pool first")
            default:
                throw SpecError("\(path).type", "\(layer.typeName) cannot be used in an SO(3) stack (s2_lift, so3_conv, so3_pool, dense and pointwise nonlinearities only)")
            }
        }
        guard case .scalar = phase else {
            throw SpecError("layers", "the stack ends on an SO(3) feature map; end with so3_pool (and a dense readout)")
        }
        self.spec = spec; self.ops = ops; self.sizes = sizes
    }
}
