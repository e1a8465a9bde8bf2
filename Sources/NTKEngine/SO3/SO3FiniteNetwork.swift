import Foundation

/// One random finite-width draw of a spherical CNN (NTK parameterization), used to check the
/// infinite-width kernel maps by Monte Carlo: the mean over channels of y_d(x)(R)·y_d(x′)(R′)
/// converges to the layer's NNGP kernel as the width grows.
///
/// Filters are drawn as FORMAT.md prescribes for a converging network: white noise on the full
/// input grid (variance 1/w_j on S², 1/ω on SO(3)) projected to degrees l < min(L_in, L_out),
/// with the Wigner normalisation (2l+1)/8π² applied once. (The authors' finite-width layers do not
/// converge to the kernels.) The layers use the rotation law D(R⁻¹Q) = D(R)ᴴD(Q), not the kernel
/// formulas, so agreement is an independent check of the kernel maps.
///
/// The trained parameters θ are the N(0, 1) draws themselves (filter white noise before scaling,
/// biases, dense weights), as in the NTK parameterization; `valueAndGradient` and `empiricalNTK`
/// (SO3FiniteGradient.swift) differentiate with respect to them, so the mean empirical NTK
/// converges to `SO3KernelEvaluator`'s Θ.
public struct SO3FiniteNetwork: Sendable {
    enum Parameters: Sendable {
        /// Lift filters κ̂[d][c][lm] (complex), biases, and the fan-in 1/√(C·V) (V = 4π or the cap volume).
        case lift(re: [Double], im: [Double], bias: [Double], fanIn: Double)
        /// Group-convolution filters κ̂[d][c][row(l,m,n)] (complex), biases, 1/√(C·V) (V = 8π² or the cap volume).
        case conv(re: [Double], im: [Double], bias: [Double], fanIn: Double)
        /// Dense weights V[d][c] and biases.
        case dense(weights: [Double], bias: [Double])
        case none
    }

    /// The raw N(0, 1) draws of one layer — the trained parameters θ. For s2_lift / so3_conv
    /// `filter` is [d][c][grid point] white noise on the layer's input grid (zero gradient
    /// outside a local filter's cap) and κ̂ = T(s ⊙ θ) with the per-point scale s of
    /// `pointScale`; for dense it is the weights [d][c]. Empty for parameter-free layers.
    struct LayerDraw: Sendable {
        var filter: [Double]
        var bias: [Double]
        /// s with κ̂_re[r] = Σ_q s_q θ_q T_re[r,q], κ̂_im[r] = −Σ_q s_q θ_q T_im[r,q]
        /// (s_q = √w_q inside the cap, 0 outside: the quadrature weight w_q times the 1/√w_q
        /// standard deviation of the white noise). Empty for dense and parameter-free layers.
        var pointScale: [Double]
    }

    let stack: SO3Stack
    /// Channels of every hidden and output layer.
    public let width: Int
    let parameters: [Parameters]
    /// The trained parameters layer by layer (what `valueAndGradient` differentiates).
    let draws: [LayerDraw]

    /// Draws all weights of `spec` at `width` channels from `seed`. Throws the evaluator's
    /// located `SpecError`s for unsupported stacks.
    public init(spec: ArchitectureSpec, width: Int, seed: UInt64) throws {
        guard width >= 1 else { throw SpecError("width", "must be ≥ 1") }
        let stack = try SO3Stack(spec)
        var rng = SplitMix64(seed: seed)
        var channels = stack.channels
        var draws: [LayerDraw] = []
        // Draw order (kept from the first version so seeds reproduce): filters [d][c][q], then biases.
        for op in stack.ops {
            switch op {
            case .lift, .localLift, .conv, .localConv:
                guard let s = Self.pointScale(op) else { draws.append(LayerDraw(filter: [], bias: [], pointScale: [])); continue }
                let filter = (0..<(width * channels * s.count)).map { _ in rng.gaussian() }
                let bias = Self.affine(op)?.bStd == nil ? [] : (0..<width).map { _ in rng.gaussian() }
                draws.append(LayerDraw(filter: filter, bias: bias, pointScale: s)); channels = width
            case .dense(let a):
                let weights = (0..<(width * channels)).map { _ in rng.gaussian() }
                let bias = a.bStd == nil ? [] : (0..<width).map { _ in rng.gaussian() }
                draws.append(LayerDraw(filter: weights, bias: bias, pointScale: [])); channels = width
            case .gridActivation, .scalarActivation, .pool:
                draws.append(LayerDraw(filter: [], bias: [], pointScale: []))
            }
        }
        self.init(stack: stack, width: width, draws: draws)
    }

    /// Builds the network from given raw parameters (used by the seeded init and by
    /// `withParameters` to probe the function by finite differences).
    init(stack: SO3Stack, width: Int, draws: [LayerDraw]) {
        self.stack = stack
        self.width = width
        self.draws = draws
        var channels = stack.channels
        var params: [Parameters] = []
        for (op, draw) in zip(stack.ops, draws) {
            switch op {
            case .lift, .localLift:
                guard let (h, _, _, _, _) = Self.liftTables(op) else { continue }
                let (re, im) = Self.filterCoefficients(draw.filter, draw.pointScale, h.re, h.im, rows: h.rows, filters: width * channels)
                let volume = Self.capVolume(op)
                params.append(.lift(re: re, im: im, bias: draw.bias, fanIn: 1 / (Double(channels) * volume).squareRoot())); channels = width
            case .conv, .localConv:
                guard let (t, _, _, _, _) = Self.convTables(op) else { continue }
                let (re, im) = Self.filterCoefficients(draw.filter, draw.pointScale, t.re, t.im, rows: t.rows, filters: width * channels)
                let volume = Self.capVolume(op)
                params.append(.conv(re: re, im: im, bias: draw.bias, fanIn: 1 / (Double(channels) * volume).squareRoot())); channels = width
            case .dense:
                params.append(.dense(weights: draw.filter, bias: draw.bias)); channels = width
            case .gridActivation, .scalarActivation, .pool:
                params.append(.none)
            }
        }
        parameters = params
    }

    /// Affine (W_std, b_std) of a linear op.
    static func affine(_ op: SO3Stack.Op) -> LayerSpec.Affine? {
        switch op {
        case .lift(_, let a), .localLift(_, let a), .conv(_, let a), .localConv(_, let a), .dense(let a): a
        default: nil
        }
    }

    /// Cap membership of every input-grid point of a lift or conv filter.
    static func capMask(_ op: SO3Stack.Op) -> (inCap: [Bool], weights: [Double])? {
        if let (h, _, _, _, maxBeta) = liftTables(op) {
            let mask = LocalFilter.capMask(h.grid.theta, maxBeta: maxBeta)
            return ((0..<h.grid.count).map { mask[$0 / h.grid.phiCount] }, h.grid.pointWeights)
        }
        if let (t, _, _, _, maxBeta) = convTables(op) {
            let mask = LocalFilter.capMask(t.grid.beta, maxBeta: maxBeta)
            return ((0..<t.grid.count).map { mask[t.grid.components($0).j] }, t.grid.pointWeights)
        }
        return nil
    }

    /// Cap volume V = Σ_cap w (4π / 8π² for global filters), entering the fan-in 1/√(C·V).
    static func capVolume(_ op: SO3Stack.Op) -> Double {
        guard let (inCap, w) = capMask(op) else { return 1 }
        return w.indices.reduce(0.0) { $0 + (inCap[$1] ? w[$1] : 0) }
    }

    /// Per-point scale s of a filter's white noise (see `LayerDraw.pointScale`): the filter
    /// value ξ_q = θ_q/√w_q (variance 1/w) enters the transform with quadrature weight w_q.
    static func pointScale(_ op: SO3Stack.Op) -> [Double]? {
        guard let (inCap, w) = capMask(op) else { return nil }
        return w.indices.map { inCap[$0] ? w[$0].squareRoot() : 0 }
    }

    /// κ̂ of `filters` filters at once by BLAS: Ξ = θ ⊙ s (rows of length p),
    /// κ̂_re = Ξ·T_reᵀ, κ̂_im = −Ξ·T_imᵀ (the unnormalised forward transform Σ_q w ξ conj(T)).
    static func filterCoefficients(_ theta: [Double], _ s: [Double], _ tre: [Double], _ tim: [Double],
                                   rows: Int, filters: Int) -> (re: [Double], im: [Double]) {
        let p = s.count
        var xi = [Double](repeating: 0, count: filters * p)
        for i in xi.indices { xi[i] = s[i % p] * theta[i] }
        var re = [Double](repeating: 0, count: filters * rows), im = re
        guard filters > 0, rows > 0, p > 0 else { return (re, im) }
        xi.withUnsafeBufferPointer { xb in tre.withUnsafeBufferPointer { tr in tim.withUnsafeBufferPointer { ti in
        re.withUnsafeMutableBufferPointer { rb in im.withUnsafeMutableBufferPointer { ib in
            guard let x = xb.baseAddress, let tr = tr.baseAddress, let ti = ti.baseAddress,
                  let r = rb.baseAddress, let i = ib.baseAddress else { return }
            so3Gemm(false, true, filters, rows, p, 1, x, p, tr, p, 0, r, rows)
            so3Gemm(false, true, filters, rows, p, -1, x, p, ti, p, 0, i, rows)
        } } } } }
        return (re, im)
    }

    /// The network's features after every layer for one input (flattened [j][k][c] on the DH
    /// grid): element i is [channel][point] flattened, with `layerSizes[i]` points per channel.
    public func forward(_ x: [Double]) throws -> [[Double]] {
        let size = stack.spec.inputShape.reduce(1, *)
        guard x.count == size else { throw KernelError.shape("input has \(x.count) values, the stack expects \(size)") }
        var channels = stack.channels
        var h: [Double] = []   // [channel][point]
        var points = 0
        var out: [[Double]] = []
        for (op, par) in zip(stack.ops, parameters) {
            switch (op, par) {
            case (.lift, .lift(let kr, let ki, let bias, let scale)), (.localLift, .lift(let kr, let ki, let bias, let scale)):
                guard let (ht, wt, degrees, a, _) = Self.liftTables(op) else { break }
                let nc = ht.rows, n = wt.grid.count
                // Coefficients a_c[la] of every input channel.
                var ar = [[Double]](), ai = [[Double]]()
                for c in 0..<channels {
                    let f = (0..<ht.grid.count).map { x[$0 * channels + c] }
                    let t = ht.forward(f); ar.append(t.re); ai.append(t.im)
                }
                var y = [Double](repeating: 0, count: width * n)
                for d in 0..<width {
                    // g[l,a,m] = Σ_c κ̂_{lm} conj(a_c[la]); y(R) = Re Σ g[l,a,m] D^l_{am}(R).
                    var gr = [Double](repeating: 0, count: wt.rows), gi = gr
                    for c in 0..<channels {
                        let base = (d * channels + c) * nc
                        for l in 0..<degrees { for m in -l...l { for aa in -l...l {
                            let kre = kr[base + SphericalHarmonicTable.row(l: l, m: m)], kim = ki[base + SphericalHarmonicTable.row(l: l, m: m)]
                            let are = ar[c][SphericalHarmonicTable.row(l: l, m: aa)], aim = -ai[c][SphericalHarmonicTable.row(l: l, m: aa)]
                            let r = WignerTable.row(l: l, m: aa, n: m)
                            gr[r] += kre * are - kim * aim; gi[r] += kre * aim + kim * are
                        } } }
                    }
                    for r in 0..<wt.rows where gr[r] != 0 || gi[r] != 0 {
                        for q in 0..<n { y[d * n + q] += gr[r] * wt.re[r * n + q] - gi[r] * wt.im[r * n + q] }
                    }
                    let b = bias.isEmpty ? 0 : (a.bStd ?? 0) * bias[d]
                    for q in 0..<n { y[d * n + q] = a.wStd * scale * y[d * n + q] + b }
                }
                h = y; points = n; channels = width
            case (.conv, .conv(let kr, let ki, let bias, let scale)), (.localConv, .conv(let kr, let ki, let bias, let scale)):
                guard let (tin, tout, degrees, a, _) = Self.convTables(op) else { break }
                let nIn = tin.grid.count, nOut = tout.grid.count, rows = tin.rows
                let w = tin.grid.pointWeights
                // f̃_c[l,a,n] = Σ_Q ω f_c(Q) D^l_{an}(Q).
                var fr = [Double](repeating: 0, count: channels * rows), fi = fr
                for c in 0..<channels { for r in 0..<rows {
                    var sr = 0.0, si = 0.0
                    for q in 0..<nIn { let v = w[q] * h[c * nIn + q]; sr += v * tin.re[r * nIn + q]; si += v * tin.im[r * nIn + q] }
                    fr[c * rows + r] = sr; fi[c * rows + r] = si
                } }
                var y = [Double](repeating: 0, count: width * nOut)
                for d in 0..<width {
                    // hh[l,a,m] = c_l Σ_c Σ_n κ̂[l,m,n] f̃_c[l,a,n]; y(R) = Re Σ conj(D^l_{am}(R)) hh[l,a,m].
                    var hr = [Double](repeating: 0, count: rows), hi = hr
                    for c in 0..<channels {
                        let base = (d * channels + c) * rows
                        for l in 0..<degrees {
                            let cl = Double(2 * l + 1) / (8 * Double.pi * Double.pi)
                            for m in -l...l { for aa in -l...l {
                                var sr = 0.0, si = 0.0
                                for n in -l...l {
                                    let k = base + WignerTable.row(l: l, m: m, n: n), f = c * rows + WignerTable.row(l: l, m: aa, n: n)
                                    sr += kr[k] * fr[f] - ki[k] * fi[f]; si += kr[k] * fi[f] + ki[k] * fr[f]
                                }
                                let r = WignerTable.row(l: l, m: aa, n: m)
                                hr[r] += cl * sr; hi[r] += cl * si
                            } }
                        }
                    }
                    for r in 0..<rows { for q in 0..<nOut { y[d * nOut + q] += hr[r] * tout.re[r * nOut + q] + hi[r] * tout.im[r * nOut + q] } }
                    let b = bias.isEmpty ? 0 : (a.bStd ?? 0) * bias[d]
                    for q in 0..<nOut { y[d * nOut + q] = a.wStd * scale * y[d * nOut + q] + b }
                }
                h = y; points = nOut; channels = width
            case (.gridActivation(let act), _), (.scalarActivation(let act), _):
                h = h.map { Self.apply(act, $0) }
            case (.pool(let map), _):
                h = (0..<channels).map { c in (0..<points).reduce(0.0) { $0 + map.weights[$1] * h[c * points + $1] } }
                points = 1
            case (.dense(let a), .dense(let v, let bias)):
                let s = a.wStd / Double(channels).squareRoot()
                h = (0..<width).map { d in
                    var acc = 0.0
                    for c in 0..<channels { acc += v[d * channels + c] * h[c] }
                    return s * acc + (bias.isEmpty ? 0 : (a.bStd ?? 0) * bias[d])
                }
                channels = width
            default:
                throw KernelError.shape("internal: parameters do not match the layer list")
            }
            out.append(h)
        }
        return out
    }

    /// Tables, degrees, affine and max_beta of a (global or local) lift op.
    static func liftTables(_ op: SO3Stack.Op) -> (SphericalHarmonicTable, WignerTable, Int, LayerSpec.Affine, Double)? {
        switch op {
        case .lift(let m, let a): (m.harmonics, m.wigner, m.degrees, a, Double.pi)
        case .localLift(let m, let a): (m.harmonics, m.wigner, m.degrees, a, m.maxBeta)
        default: nil
        }
    }

    /// Tables, degrees, affine and max_beta of a (global or local) so3_conv op.
    static func convTables(_ op: SO3Stack.Op) -> (WignerTable, WignerTable, Int, LayerSpec.Affine, Double)? {
        switch op {
        case .conv(let m, let a): (m.input, m.output, m.degrees, a, Double.pi)
        case .localConv(let m, let a): (m.input, m.output, m.degrees, a, m.maxBeta)
        default: nil
        }
    }

    static func apply(_ a: Activation, _ x: Double) -> Double {
        switch a {
        case .abRelu(let p, let q): return x < 0 ? p * x : q * x
        case .erf: return Foundation.erf(x)
        case .gelu: return 0.5 * x * Foundation.erfc(-x / 2.0.squareRoot())
        case .identity: return x
        case .numeric(let f): return f.value(x)
        }
    }

    /// The empirical kernel (1/d) Σ_d u_d(R) v_d(R′) of two layer outputs of this network
    /// (each [channel][point] with `width` channels): the Monte-Carlo estimate of the NNGP.
    public func empiricalKernel(_ u: [Double], _ v: [Double]) -> Matrix {
        let n = u.count / width
        var k = Matrix(rows: n, cols: n)
        for d in 0..<width { for r in 0..<n {
            let a = u[d * n + r] / Double(width)
            for s in 0..<n { k.data[r * n + s] += a * v[d * n + s] }
        } }
        return k
    }
}
