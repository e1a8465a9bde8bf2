/// The recursion of a `flatten` readout on the diagonal t = t′ only (issue 10, round three).
///
/// `flatten` reads K(t, t′) only at t = t′ (and r = r′, i.e. the relative element s = identity).
/// Every spatial op keeps the diagonal closed: a (lifted/group) convolution's kernel map at
/// s = identity is out(t, t′) = Σ_e in(t + e, t′ + e) — the same tap e on both points, so
/// out(t, t) needs in(t + e, t + e) only, with both indices wrapped (circular) or both out of
/// range (zero padding) together — and a nonlinearity acts entrywise, K(t, t) with the
/// variances v₁(t), v₂(t). So the whole pair costs O(P·taps) per layer instead of a P×P input
/// gemm and P²-entry blocks (an MLP on a 32×32 image: 1024 entries instead of 1,048,576).
/// The full-block route (`reducedPairFromBlocks`) stays for `mean` readouts, the layer-wise
/// views and as the independent reference of `DiagonalRecursionTests`.
extension KernelEvaluator {
    /// K and Θ after a `flatten` for (x1, x2): the mean over t of the diagonal, in Double
    /// whatever the Gram precision (the work is O(P), so float32 would save nothing).
    func diagonalPair(_ x1: UnsafeBufferPointer<Double>, _ x2: UnsafeBufferPointer<Double>,
                      _ s1: SelfKernel, _ s2: SelfKernel, selfPair: Bool) -> KernelValue {
        let shape = stack.spec.inputShape
        var h = shape[0], w = shape[1]
        let c = shape[2]
        // K⁰(t, t) = Σ_c x1(t, c)·x2(t, c) / C — the diagonal of `inputKernel`'s gemm.
        var k = [Double](repeating: 0, count: h * w)
        for t in 0..<(h * w) {
            var acc = 0.0
            for ch in 0..<c { acc += x1[t * c + ch] * x2[t * c + ch] }
            k[t] = acc / Double(c)
        }
        var theta: [Double]? = nil
        for (oi, op) in stack.spatial.enumerated() {
            switch op.kind {
            case .linear(let m):
                // The same affine map as `spatialBlock`'s fused slab code, on window sums of
                // the diagonal (`WindowSum.diagonal`, the self-variance recursion's sum).
                let inv = 1 / Double(m.kh * m.kw)
                let kw2 = m.w2 * inv, a = m.thetaFromK * inv
                let sk = WindowSum.diagonal(k, h: h, w: w, map: m)
                if let th = theta {
                    let st = WindowSum.diagonal(th, h: h, w: w, map: m)
                    theta = sk.indices.map { a * sk[$0] + kw2 * st[$0] + m.thetaConst }
                } else {
                    theta = sk.map { a * $0 + m.thetaConst }
                }
                k = sk.map { kw2 * $0 + m.b2 }
                h = m.outH; w = m.outW
            case .activation(let act):
                Self.diagonalActivation(act, k: &k, theta: &theta, v1: s1.diag[oi], v2: s2.diag[oi], selfPair: selfPair)
            }
        }
        let n = Double(k.count)
        return KernelValue(nngp: k.reduce(0, +) / n, ntk: (theta?.reduce(0, +) ?? 0) / n)
    }

    /// A nonlinearity's dual on the diagonal entries, K(t,t) with variances v₁(t), v₂(t).
    /// A self pair's diagonal has correlation exactly 1, taken as such (as `BlockActivation`
    /// does on its diagonal): ReLU K ← (a²+b²)/2·K, K̇ = (a²+b²)/2; others from the variance.
    static func diagonalActivation(_ act: Activation, k: inout [Double], theta: inout [Double]?,
                                   v1: [Double], v2: [Double], selfPair: Bool) {
        if case .identity = act { return }
        precondition(v1.count == k.count && v2.count == k.count, "diagonal recursion: variance length mismatch")
        for t in k.indices {
            let r: (k: Double, kdot: Double)
            if selfPair, case .abRelu(let a, let b) = act, v1[t] > 0 {
                let sumSq = (a * a + b * b) / 2
                r = (sumSq * k[t], sumSq)
            } else {
                r = act.dual(k: selfPair ? v1[t] : k[t], v1: v1[t], v2: v2[t])
            }
            k[t] = r.k
            theta?[t] *= r.kdot
        }
    }
}
