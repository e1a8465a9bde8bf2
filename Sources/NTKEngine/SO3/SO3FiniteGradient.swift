import Foundation

/// Parameter gradients and the empirical NTK of `SO3FiniteNetwork`.
///
/// Why: the infinite-width NTK of `SO3KernelEvaluator` is the limit of Σ_θ ∂f(x)/∂θ·∂f(x′)/∂θ over
/// random finite networks; computing that sum for real draws is the independent check of the NTK
/// maps (the NNGP was already checked through `forward`). The gradient is hand-written backprop:
/// s2_lift and so3_conv are bilinear in (input, filter), so their adjoints are the transposes of
/// the transforms the forward pass uses, and the filters κ̂ = T(s ⊙ θ) are linear in the trained
/// N(0, 1) draws θ (see `LayerDraw`), so ∂f/∂θ = s ⊙ Tᵀ ∂f/∂κ̂.
///
/// The scalar output f(x) is channel 0 of the last layer (the network keeps `width` readout
/// channels so that `empiricalKernel` can average over them); the other readout rows do not
/// influence f and get gradient 0, so f is distributed exactly like a width-1 readout.
extension SO3FiniteNetwork {
    /// Number of trained parameters (length of `parameterVector` and of the gradient).
    public var parameterCount: Int { draws.reduce(0) { $0 + $1.filter.count + $1.bias.count } }

    /// All trained parameters θ in layer order; per layer the filter/weight draws
    /// ([d][c][grid point] for s2_lift/so3_conv, [d][c] for dense), then the biases.
    public var parameterVector: [Double] { draws.flatMap { $0.filter + $0.bias } }

    /// The same architecture with the parameters replaced by `theta` (layout of
    /// `parameterVector`); used to probe f by finite differences or to plug in trained values.
    public func withParameters(_ theta: [Double]) throws -> SO3FiniteNetwork {
        guard theta.count == parameterCount else {
            throw KernelError.shape("parameter vector has \(theta.count) values, the network has \(parameterCount)")
        }
        var offset = 0
        let replaced = draws.map { d -> LayerDraw in
            var n = d
            n.filter = Array(theta[offset..<(offset + d.filter.count)]); offset += d.filter.count
            n.bias = Array(theta[offset..<(offset + d.bias.count)]); offset += d.bias.count
            return n
        }
        return SO3FiniteNetwork(stack: stack, width: width, draws: replaced)
    }

    /// f(x) (channel 0 of the last layer) for one input.
    public func value(_ x: [Double]) throws -> Double {
        guard let f = try forward(x).last?.first else { throw KernelError.shape("the network has no output") }
        return f
    }

    /// f(x) and ∂f/∂θ for every trained parameter, in the order of `parameterVector`, from one
    /// forward and one backward pass.
    public func valueAndGradient(_ x: [Double]) throws -> (value: Double, gradient: [Double]) {
        let features = try forward(x)
        guard let last = features.last, let value = last.first else { throw KernelError.shape("the network has no output") }
        var gFilter = [[Double]](repeating: [], count: stack.ops.count)
        var gBias = [[Double]](repeating: [], count: stack.ops.count)
        var g = [Double](repeating: 0, count: last.count)   // ∂f/∂(output of the current layer)
        g[0] = 1
        for i in stack.ops.indices.reversed() {
            let op = stack.ops[i], input = i == 0 ? x : features[i - 1]
            switch (op, parameters[i]) {
            case (.dense(let a), .dense(let v, let bias)):
                let cin = input.count, s = a.wStd / Double(cin).squareRoot()
                var gw = [Double](repeating: 0, count: v.count), gin = [Double](repeating: 0, count: cin)
                for d in 0..<(v.count / max(cin, 1)) where g[d] != 0 {
                    for c in 0..<cin { gw[d * cin + c] = s * g[d] * input[c]; gin[c] += s * v[d * cin + c] * g[d] }
                }
                gFilter[i] = gw
                gBias[i] = bias.isEmpty ? [] : bias.indices.map { (a.bStd ?? 0) * g[$0] }
                g = gin
            case (.gridActivation(let act), _), (.scalarActivation(let act), _):
                for j in g.indices { g[j] *= act.derivative(input[j]) }
            case (.pool(let map), _):
                let points = map.weights.count
                var gin = [Double](repeating: 0, count: input.count)
                for c in 0..<(input.count / points) { for q in 0..<points { gin[c * points + q] = map.weights[q] * g[c] } }
                g = gin
            case (.conv, .conv(let kr, let ki, let bias, let scale)), (.localConv, .conv(let kr, let ki, let bias, let scale)):
                guard let (tin, tout, degrees, a, _) = Self.convTables(op) else { break }
                let r = convBackward(input: input, g: g, kr: kr, ki: ki, tin: tin, tout: tout, degrees: degrees,
                                     gain: a.wStd * scale, pointScale: draws[i].pointScale)
                gFilter[i] = r.filter
                gBias[i] = bias.isEmpty ? [] : (0..<width).map { d in
                    (a.bStd ?? 0) * (0..<tout.grid.count).reduce(0.0) { $0 + g[d * tout.grid.count + $1] }
                }
                g = r.input
            case (.lift, .lift(let kr, let ki, let bias, let scale)), (.localLift, .lift(let kr, let ki, let bias, let scale)):
                guard let (ht, wt, degrees, a, _) = Self.liftTables(op) else { break }
                gFilter[i] = liftBackward(input: input, g: g, kr: kr, ki: ki, ht: ht, wt: wt, degrees: degrees,
                                          gain: a.wStd * scale, pointScale: draws[i].pointScale)
                let n = wt.grid.count
                gBias[i] = bias.isEmpty ? [] : (0..<width).map { d in (a.bStd ?? 0) * (0..<n).reduce(0.0) { $0 + g[d * n + $1] } }
                g = []
            default:
                throw KernelError.shape("internal: parameters do not match the layer list")
            }
        }
        var gradient: [Double] = []
        gradient.reserveCapacity(parameterCount)
        for i in stack.ops.indices {
            // Layers whose output does not reach f keep an all-zero block of the right size.
            gradient += gFilter[i].count == draws[i].filter.count ? gFilter[i] : [Double](repeating: 0, count: draws[i].filter.count)
            gradient += gBias[i].count == draws[i].bias.count ? gBias[i] : [Double](repeating: 0, count: draws[i].bias.count)
        }
        return (value, gradient)
    }

    /// The empirical NTK Σ_θ ∂f(x1)/∂θ·∂f(x2)/∂θ of this one draw.
    public func empiricalNTK(_ x1: [Double], _ x2: [Double]) throws -> Double {
        let g1 = try valueAndGradient(x1).gradient, g2 = try valueAndGradient(x2).gradient
        return zip(g1, g2).reduce(0.0) { $0 + $1.0 * $1.1 }
    }

    /// The empirical NTK Gram matrix of `xs` for this draw (one backward pass per input).
    public func empiricalNTK(_ xs: [[Double]]) throws -> Matrix {
        let grads = try xs.map { try valueAndGradient($0).gradient }
        var k = Matrix(rows: xs.count, cols: xs.count)
        for a in grads.indices { for b in a..<grads.count {
            let v = zip(grads[a], grads[b]).reduce(0.0) { $0 + $1.0 * $1.1 }
            k.data[a * xs.count + b] = v; k.data[b * xs.count + a] = v
        } }
        return k
    }

    /// ∂f/∂θ of `filters` filters from ∂f/∂κ̂ (the adjoint of `filterCoefficients`):
    /// s ⊙ (G_re·T_re − G_im·T_im), rows of length p.
    static func filterGradient(_ gre: [Double], _ gim: [Double], _ s: [Double], _ tre: [Double], _ tim: [Double],
                               rows: Int, filters: Int) -> [Double] {
        let p = s.count
        var out = [Double](repeating: 0, count: filters * p)
        guard filters > 0, rows > 0, p > 0 else { return out }
        gre.withUnsafeBufferPointer { gr in gim.withUnsafeBufferPointer { gi in
        tre.withUnsafeBufferPointer { tr in tim.withUnsafeBufferPointer { ti in out.withUnsafeMutableBufferPointer { ob in
            guard let gr = gr.baseAddress, let gi = gi.baseAddress, let tr = tr.baseAddress, let ti = ti.baseAddress,
                  let o = ob.baseAddress else { return }
            so3Gemm(false, false, filters, p, rows, 1, gr, rows, tr, p, 0, o, p)
            so3Gemm(false, false, filters, p, rows, -1, gi, rows, ti, p, 1, o, p)
        } } } } }
        for i in out.indices { out[i] *= s[i % p] }
        return out
    }

    /// Backward pass of s2_lift: ∂f/∂θ of its filters given g = ∂f/∂y ([d][point]).
    /// Mirrors `forward`: y_d = S·Re Σ_r G_d[r] D_r with G_d[l,a,m] = Σ_c κ̂_{dc,lm} conj(a_c[la]).
    func liftBackward(input x: [Double], g: [Double], kr: [Double], ki: [Double], ht: SphericalHarmonicTable,
                      wt: WignerTable, degrees: Int, gain: Double, pointScale: [Double]) -> [Double] {
        let channels = stack.channels, nc = ht.rows, n = wt.grid.count
        var ar = [[Double]](), ai = [[Double]]()
        for c in 0..<channels {
            let t = ht.forward((0..<ht.grid.count).map { x[$0 * channels + c] }); ar.append(t.re); ai.append(t.im)
        }
        var gkr = [Double](repeating: 0, count: kr.count), gki = gkr
        for d in 0..<width {
            // ∂f/∂Re G[r] = S Σ_q g D_re,  ∂f/∂Im G[r] = −S Σ_q g D_im.
            var ggr = [Double](repeating: 0, count: wt.rows), ggi = ggr
            for r in 0..<wt.rows {
                var sr = 0.0, si = 0.0
                for q in 0..<n { sr += g[d * n + q] * wt.re[r * n + q]; si += g[d * n + q] * wt.im[r * n + q] }
                ggr[r] = gain * sr; ggi[r] = -gain * si
            }
            for c in 0..<channels {
                let base = (d * channels + c) * nc
                for l in 0..<degrees { for m in -l...l { for aa in -l...l {
                    let k = base + SphericalHarmonicTable.row(l: l, m: m)
                    let are = ar[c][SphericalHarmonicTable.row(l: l, m: aa)], aim = -ai[c][SphericalHarmonicTable.row(l: l, m: aa)]
                    let r = WignerTable.row(l: l, m: aa, n: m)
                    gkr[k] += ggr[r] * are + ggi[r] * aim
                    gki[k] += -ggr[r] * aim + ggi[r] * are
                } } }
            }
        }
        return Self.filterGradient(gkr, gki, pointScale, ht.re, ht.im, rows: nc, filters: width * channels)
    }

    /// Backward pass of so3_conv: ∂f/∂θ of its filters and ∂f/∂(its input), given g = ∂f/∂y.
    /// Mirrors `forward`: f̃ = Σ_Q ω h D (linear in h), H_d = c_l Σ_c κ̂_dc f̃_c (complex, bilinear),
    /// y_d = S·Re Σ_r conj(D_r) H_d[r].
    func convBackward(input h: [Double], g: [Double], kr: [Double], ki: [Double], tin: WignerTable, tout: WignerTable,
                      degrees: Int, gain: Double, pointScale: [Double]) -> (filter: [Double], input: [Double]) {
        let nIn = tin.grid.count, nOut = tout.grid.count, rows = tin.rows, w = tin.grid.pointWeights
        let channels = h.count / nIn
        var fr = [Double](repeating: 0, count: channels * rows), fi = fr
        for c in 0..<channels { for r in 0..<rows {
            var sr = 0.0, si = 0.0
            for q in 0..<nIn { let v = w[q] * h[c * nIn + q]; sr += v * tin.re[r * nIn + q]; si += v * tin.im[r * nIn + q] }
            fr[c * rows + r] = sr; fi[c * rows + r] = si
        } }
        var gkr = [Double](repeating: 0, count: kr.count), gki = gkr
        var gfr = [Double](repeating: 0, count: fr.count), gfi = gfr
        for d in 0..<width {
            // ∂f/∂Re H[r] = S Σ_q g D_re,  ∂f/∂Im H[r] = S Σ_q g D_im.
            var ghr = [Double](repeating: 0, count: rows), ghi = ghr
            for r in 0..<rows {
                var sr = 0.0, si = 0.0
                for q in 0..<nOut { sr += g[d * nOut + q] * tout.re[r * nOut + q]; si += g[d * nOut + q] * tout.im[r * nOut + q] }
                ghr[r] = gain * sr; ghi[r] = gain * si
            }
            for c in 0..<channels {
                let base = (d * channels + c) * rows
                for l in 0..<degrees {
                    let cl = Double(2 * l + 1) / (8 * Double.pi * Double.pi)
                    for m in -l...l { for aa in -l...l {
                        let r = WignerTable.row(l: l, m: aa, n: m)
                        let gr = cl * ghr[r], gi = cl * ghi[r]
                        for n in -l...l {
                            let k = base + WignerTable.row(l: l, m: m, n: n), f = c * rows + WignerTable.row(l: l, m: aa, n: n)
                            gkr[k] += gr * fr[f] + gi * fi[f]
                            gki[k] += -gr * fi[f] + gi * fr[f]
                            gfr[f] += gr * kr[k] + gi * ki[k]
                            gfi[f] += -gr * ki[k] + gi * kr[k]
                        }
                    } }
                }
            }
        }
        var gin = [Double](repeating: 0, count: h.count)
        for c in 0..<channels { for r in 0..<rows where gfr[c * rows + r] != 0 || gfi[c * rows + r] != 0 {
            let a = gfr[c * rows + r], b = gfi[c * rows + r]
            for q in 0..<nIn { gin[c * nIn + q] += a * tin.re[r * nIn + q] + b * tin.im[r * nIn + q] }
        } }
        for c in 0..<channels { for q in 0..<nIn { gin[c * nIn + q] *= w[q] } }
        let filter = Self.filterGradient(gkr, gki, pointScale, tin.re, tin.im, rows: rows, filters: width * channels)
        return (filter, gin)
    }
}
