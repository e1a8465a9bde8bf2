import Foundation

/// Applies a nonlinearity's dual to a (t, t′) block in place, one row t at a time:
/// K(t,t′) ← E[φφ], Θ(t,t′) ← E[φ′φ′]·Θ(t,t′), with variances v₁(t) and v₂(t′).
///
/// `selfPair`: the block is K(x, x) at s = identity, so its diagonal correlations are
/// exactly 1 — set them so, since arccos near 1 turns a rounding error of 1e-16 in the
/// correlation into 1e-8 in the angle.
struct BlockActivation<T: KernelFloat> {
    let act: Activation
    let v1: [Double]
    let v2: [Double]
    let s2: [T], is2: [T]
    let selfPair: Bool
    /// The vectorised ReLU path needs every variance positive.
    let vectorReLU: Bool

    init(_ act: Activation, v1: [Double], v2: [Double], selfPair: Bool) {
        self.act = act; self.v1 = v1; self.v2 = v2; self.selfPair = selfPair
        s2 = v2.map { T($0 > 0 ? $0.squareRoot() : 0) }
        is2 = v2.map { T($0 > 0 ? 1 / $0.squareRoot() : 0) }
        if case .abRelu = act {
            vectorReLU = v1.allSatisfy { $0 > 0 } && v2.allSatisfy { $0 > 0 }
        } else {
            vectorReLU = false
        }
    }

    /// The whole block (rows × cols).
    func apply(k: UnsafeMutablePointer<T>, theta: UnsafeMutablePointer<T>?, rows: Int, cols: Int) {
        for i in 0..<rows { applyRow(i, k: k + i * cols, theta: theta.map { $0 + i * cols }, cols: cols) }
    }

    /// Row t = i of the block.
    @inline(__always)
    func applyRow(_ i: Int, k krow: UnsafeMutablePointer<T>, theta trow: UnsafeMutablePointer<T>?, cols: Int) {
        if case .identity = act { return }
        if vectorReLU, case .abRelu(let a, let b) = act {
            reluRow(i, a: a, b: b, k: krow, theta: trow, cols: cols)
            return
        }
        let vi = v1[i]
        for j in 0..<cols {
            let kv = selfPair && i == j ? vi : Double(krow[j])
            let r = act.dual(k: kv, v1: vi, v2: v2[j])
            krow[j] = T(r.k)
            trow?[j] *= T(r.kdot)
        }
    }

    /// ReLU-family closed form, vectorised with the 1/√v factors hoisted:
    /// c = K/√(v₁v₂), θ = arccos c, K̇ = (a²+b²)/2 − (a−b)²θ/2π,
    /// K' = (a−b)²·√(v₁v₂)·sin θ/2π + K̇·K (neural-tangents' `ABRelu`).
    @inline(__always)
    func reluRow(_ i: Int, a: Double, b: Double, k krow: UnsafeMutablePointer<T>,
                 theta trow: UnsafeMutablePointer<T>?, cols: Int) {
        let sumSq = (a * a + b * b) / 2
        let c1 = (a - b) * (a - b) / (2 * Double.pi)
        let s1 = v1[i].squareRoot()
        let diag = selfPair && i < cols
        let keepK = diag ? krow[i] : 0
        let keepT = diag ? (trow?[i] ?? 0) : 0
        s2.withUnsafeBufferPointer { s2p in
            is2.withUnsafeBufferPointer { is2p in
                guard let s2b = s2p.baseAddress, let is2b = is2p.baseAddress else { return }
                if let t = trow {
                    Self.reluKernel(krow, t, s2b, is2b, cols, s1: T(s1), sumSq: T(sumSq), c1: T(c1))
                } else {
                    Self.reluKernel(krow, nil, s2b, is2b, cols, s1: T(s1), sumSq: T(sumSq), c1: T(c1))
                }
            }
        }
        if diag {
            // Exact correlation 1 on the self diagonal: θ = 0, K̇ = (a²+b²)/2.
            krow[i] = T(sumSq) * keepK
            trow?[i] = keepT * T(sumSq)
        }
    }

    /// The inner loop, kept free of closures and optionals so it stays in registers.
    @inline(__always)
    static func reluKernel(_ krow: UnsafeMutablePointer<T>, _ trow: UnsafeMutablePointer<T>?,
                           _ s2: UnsafePointer<T>, _ is2: UnsafePointer<T>, _ cols: Int,
                           s1: T, sumSq: T, c1: T) {
        typealias V = T.Vector
        let w = V.scalarCount
        let is1 = 1 / s1
        let vSum = V(repeating: sumSq), vC1 = V(repeating: c1), vC1s1 = V(repeating: c1 * s1), vIs1 = V(repeating: is1)
        var j = 0
        while j + w <= cols {
            let kv = VectorMath.load(krow + j)
            let c = T.clampUnit(kv * vIs1 * VectorMath.load(is2 + j))
            let (th, sinv) = T.reluAngle(c)
            let dot = vSum - vC1 * th
            VectorMath.store(vC1s1 * sinv * VectorMath.load(s2 + j) + dot * kv, krow + j)
            if let t = trow { VectorMath.store(VectorMath.load(t + j) * dot, t + j) }
            j += w
        }
        while j < cols {
            let kv = Double(krow[j])
            let c = max(-1, min(1, kv * Double(is1) * Double(is2[j])))
            let (th, sinv) = VectorMath.reluAngle(SIMD4<Double>(repeating: c))
            let dot = Double(sumSq) - Double(c1) * th[0]
            krow[j] = T(Double(c1) * Double(s1) * sinv[0] * Double(s2[j]) + dot * kv)
            trow?[j] *= T(dot)
            j += 1
        }
    }
}
