/// A randomly initialised finite-width network of an `ArchitectureSpec`, with its exact
/// parameter gradient.
///
/// Why: the infinite-width kernels of `GramEngine` are limits over random finite networks;
/// drawing such networks, and their Jacobians, is the independent check of those limits
/// (in particular for the mirror groups, which have no external reference) and lets users
/// see how fast a real network of a given width approaches its kernel.
///
/// Conventions (neural-tangents `stax`, NTK parameterization): every linear layer with
/// fan-in K computes y = (W_std/√K)·Σ w·x + b_std·b with w, b ~ N(0, 1) (no b when `b_std`
/// is null); K = C_in (dense), C_in·k_h·k_w (conv, lift), C_in·k_h·k_w·|G| (gconv). Every
/// hidden layer has `width` outputs/channels — the spec's `width` fields are overridden —
/// and the last dense layer has one output, the network's scalar f(x). Parameters are drawn
/// layer by layer (weights row-major `[out][fan-in]`, then biases) from `SplitMix64(seed)`.
/// Features are laid out (y, x, g, c); filter columns (k_y, k_x, q, c_in).
public struct FiniteNetwork: Sendable {
    /// The architecture with every width field resolved (hidden = `width`, readout = 1).
    public let spec: ArchitectureSpec
    /// Hidden width (channels of every conv/lift/gconv, outputs of every hidden dense).
    public let width: Int
    /// The PRNG seed the parameters were drawn with.
    public let seed: UInt64
    /// The raw N(0, 1) parameters w, b of all layers, in layer order. Mutable so callers
    /// can probe the function (finite differences) or plug in trained values.
    public var parameters: [Double]
    let layers: [FiniteLayer]
    /// Index in `layers` of the readout (last dense) layer.
    let readoutIndex: Int
    /// Number of input values (H·W·C or D).
    public let inputSize: Int

    /// Number of trained parameters (the length of `parameters` and of `gradient(_:)`).
    public let parameterCount: Int

    /// The spec with every width field set as a `FiniteNetwork` of `width` realises it, so
    /// `GramEngine` — whose `standard` parameterization depends on widths — sees the same
    /// architecture. Throws if there is no dense readout or the width is not positive.
    public static func resolvedSpec(_ spec: ArchitectureSpec, width: Int) throws -> ArchitectureSpec {
        guard width > 0 else { throw FiniteWidthError.invalidArgument("width must be positive, got \(width)") }
        guard let last = spec.layers.lastIndex(where: { ObjectIdentifier($0.kind) == ObjectIdentifier(DenseLayerKind.self) }) else {
            throw FiniteWidthError.unsupported("the stack has no dense readout layer, so there is no scalar output")
        }
        var out = spec
        for (i, layer) in spec.layers.enumerated() {
            out.layers[i] = try layer.steps.resolvingWidth(layer, width: width, isReadout: i == last, at: i)
        }
        return out
    }

    /// Draws a network. Throws a located `SpecError` if the layers do not fit together, or
    /// `FiniteWidthError` for stacks without a finite realisation.
    public init(spec: ArchitectureSpec, width: Int, seed: UInt64) throws {
        let resolved = try Self.resolvedSpec(spec, width: width)
        _ = try Stack(resolved)
        var fold = FiniteFold(shape: resolved.inputShape.count == 3
                                  ? .grid(h: resolved.inputShape[0], w: resolved.inputShape[1], g: 1, c: resolved.inputShape[2])
                                  : .vector(resolved.inputShape[0]),
                              width: width, param: resolved.parameterization)
        for (i, layer) in resolved.layers.enumerated() { try layer.steps.finite(layer, into: &fold, at: i) }
        guard fold.readout >= 0, case .vector(1) = fold.shape else {
            throw FiniteWidthError.unsupported("the network must end in a single scalar output")
        }
        let offset = fold.offset, layers = fold.layers, readout = fold.readout
        var rng = SplitMix64(seed: seed)
        var params = [Double](repeating: 0, count: offset)
        for i in 0..<offset { params[i] = rng.gaussian() }
        self.spec = resolved; self.width = width; self.seed = seed
        self.parameters = params; self.parameterCount = offset; self.layers = layers; self.readoutIndex = readout
        self.inputSize = resolved.inputShape.reduce(1, *)
    }

    /// f(x) for one input (length `inputSize`, NHWC for images).
    public func forward(_ x: [Double]) -> Double {
        run(x, keep: false).output
    }

    /// ∂f/∂θ at x for every trained parameter, in the order of `parameters` (hand-written
    /// backpropagation; in the `standard` parameterization θ are the scaled weights).
    public func gradient(_ x: [Double]) -> [Double] { valueAndGradient(x).gradient }

    /// f(x) and ∂f/∂θ from one forward and one backward pass.
    public func valueAndGradient(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let r = evaluate(x, withGradient: true)
        return (r.value, r.gradient)
    }

    /// One forward pass (and, with `withGradient`, one backward pass), also returning the
    /// readout layer's input h: the readout's expectation over its own weights,
    /// W_std²/n·⟨h, h′⟩ + b_std², is a lower-variance NNGP estimator.
    func evaluate(_ x: [Double], withGradient: Bool) -> (value: Double, gradient: [Double], readoutInput: [Double]) {
        let r = run(x, keep: true)
        guard withGradient else { return (r.output, [], r.cache[readoutIndex]) }
        var grad = [Double](repeating: 0, count: parameters.count)
        parameters.withUnsafeBufferPointer { p in
            grad.withUnsafeMutableBufferPointer { g in
                var dy: [Double] = [1]
                for i in stride(from: layers.count - 1, through: 0, by: -1) {
                    switch layers[i] {
                    case .dense(let d, let off):
                        dy = d.backward(r.cache[i], dy: dy, params: p, offset: off, grad: g)
                    case .spatial(let s, let off):
                        dy = s.backward(im2col: r.cache[i], dy: dy, params: p, offset: off, grad: g)
                    case .activation(let a):
                        let pre = r.cache[i]
                        for j in 0..<dy.count { dy[j] *= a.derivative(pre[j]) }
                    case .meanPool(let rows, let c):
                        var dx = [Double](repeating: 0, count: rows * c)
                        let inv = 1 / Double(rows)
                        for row in 0..<rows { for ch in 0..<c { dx[row * c + ch] = dy[ch] * inv } }
                        dy = dx
                    case .flatten:
                        break
                    }
                }
            }
        }
        return (r.output, grad, r.cache[readoutIndex])
    }

    /// The forward pass; with `keep`, `cache[i]` holds what layer i's backward pass needs
    /// (dense: its input; spatial: its im2col matrix; activation: its pre-activation).
    func run(_ x: [Double], keep: Bool) -> (output: Double, cache: [[Double]]) {
        precondition(x.count == inputSize, "input has \(x.count) values, the network expects \(inputSize)")
        // The layers read parameter slices through raw pointers: a resized array would be unsafe.
        precondition(parameters.count == parameterCount, "parameters has \(parameters.count) values, the network has \(parameterCount)")
        var cache: [[Double]] = keep ? Array(repeating: [], count: layers.count) : []
        var h = x
        parameters.withUnsafeBufferPointer { p in
            for (i, layer) in layers.enumerated() {
                switch layer {
                case .dense(let d, let off):
                    if keep { cache[i] = h }
                    h = d.forward(h, params: p, offset: off)
                case .spatial(let s, let off):
                    let a = h.withUnsafeBufferPointer { s.im2col($0) }
                    h = s.forward(im2col: a, params: p, offset: off)
                    if keep { cache[i] = a }
                case .activation(let act):
                    if keep { cache[i] = h }
                    for j in 0..<h.count { h[j] = act.value(h[j]) }
                case .meanPool(let rows, let c):
                    var m = [Double](repeating: 0, count: c)
                    for row in 0..<rows { for ch in 0..<c { m[ch] += h[row * c + ch] } }
                    let inv = 1 / Double(rows)
                    h = m.map { $0 * inv }
                case .flatten:
                    break
                }
            }
        }
        return (h.first ?? .nan, cache)
    }
}
