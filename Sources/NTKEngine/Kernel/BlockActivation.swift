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
    /// The vectorised erf path needs every variance finite and ≥ 0; `s2`, `is2` then hold
    /// √(1 + 2v₂) and its reciprocal.
    let vectorErf: Bool

    init(_ act: Activation, v1: [Double], v2: [Double], selfPair: Bool) {
        self.act = act; self.v1 = v1; self.v2 = v2; self.selfPair = selfPair
        if case .erf = act {
            let ok: (Double) -> Bool = { $0.isFinite && $0 >= 0 }
            vectorErf = v1.allSatisfy(ok) && v2.allSatisfy(ok)
            vectorReLU = false
            s2 = v2.map { T((1 + 2 * $0).squareRoot()) }
            is2 = v2.map { T(1 / (1 + 2 * $0).squareRoot()) }
            return
        }
        vectorErf = false
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
        if vectorErf {
            erfRow(i, k: krow, theta: trow, cols: cols)
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

    /// erf closed form (neural-tangents' `Erf`), vectorised with the 1/√(1+2v) factors hoisted:
    /// ρ = 2K/√(p₁p₂), p = 1 + 2v; K′ = (2/π)·asin ρ, K̇ = (4/π)/√(p₁p₂ − 4K²) = (4/π)/(√p₁√p₂√(1−ρ²))
    /// (floored at √(least normal) like the scalar form). One division per entry.
    @inline(__always)
    func erfRow(_ i: Int, k krow: UnsafeMutablePointer<T>, theta trow: UnsafeMutablePointer<T>?, cols: Int) {
        let p1 = 1 + 2 * v1[i]
        let diag = selfPair && i < cols
        let keepT = diag ? (trow?[i] ?? 0) : 0
        s2.withUnsafeBufferPointer { s2p in
            is2.withUnsafeBufferPointer { is2p in
                guard let s2b = s2p.baseAddress, let is2b = is2p.baseAddress else { return }
                Self.erfKernel(krow, trow, s2b, is2b, cols, sp1: T(p1.squareRoot()), isp1: T(1 / p1.squareRoot()))
            }
        }
        if diag {
            // The self diagonal from the exact variance (as the scalar path does).
            let r = act.dual(k: v1[i], v1: v1[i], v2: v2[i])
            krow[i] = T(r.k)
            trow?[i] = keepT * T(r.kdot)
        }
    }

    @inline(__always)
    static func erfKernel(_ krow: UnsafeMutablePointer<T>, _ trow: UnsafeMutablePointer<T>?,
                          _ sp2: UnsafePointer<T>, _ isp2: UnsafePointer<T>, _ cols: Int, sp1: T, isp1: T) {
        typealias V = T.Vector
        let w = V.scalarCount
        let twoIsp1 = V(repeating: 2 * isp1), vSp1 = V(repeating: sp1)
        let kScale = V(repeating: T(2 / Double.pi)), dScale = V(repeating: T(4 / Double.pi))
        let floor = V(repeating: T.leastNormalMagnitude.squareRoot())
        var j = 0
        while j + w <= cols {
            let kv = VectorMath.load(krow + j)
            let c = T.clampUnit(kv * twoIsp1 * VectorMath.load(isp2 + j))
            let (asin, root) = T.asinAngle(c)
            VectorMath.store(kScale * asin, krow + j)
            if let t = trow {
                var den = root * vSp1 * VectorMath.load(sp2 + j)
                den.replace(with: floor, where: den .< floor)
                VectorMath.store(VectorMath.load(t + j) * (dScale / den), t + j)
            }
            j += w
        }
        while j < cols {
            let kv = Double(krow[j])
            let c = max(-1, min(1, kv * 2 * Double(isp1) * Double(isp2[j])))
            let (asin, root) = VectorMath.asinAngle(SIMD4<Double>(repeating: c))
            krow[j] = T(2 / Double.pi * asin[0])
            let den = max(root[0] * Double(sp1) * Double(sp2[j]), Double(T.leastNormalMagnitude).squareRoot())
            trow?[j] *= T(4 / Double.pi / den)
            j += 1
        }
    }
}
