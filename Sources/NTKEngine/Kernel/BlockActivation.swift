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
        let route = Self.vectorRoute(act, v1: v1, v2: v2)
        vectorReLU = route == .relu
        vectorErf = route == .erf
        let roots = v2.map { Self.pointRoots(act, $0) }
        s2 = roots.map(\.s)
        is2 = roots.map(\.inv)
    }

    /// The vectorised duals and what they need (shared with the slice route, `SliceRunner`).
    enum VectorRoute { case relu, erf, scalar }

    /// ReLU family: every variance > 0; erf: every variance finite and ≥ 0; else the scalar dual.
    static func vectorRoute(_ act: Activation, v1: [Double], v2: [Double]) -> VectorRoute {
        switch act {
        case .abRelu:
            return v1.allSatisfy { $0 > 0 } && v2.allSatisfy { $0 > 0 } ? .relu : .scalar
        case .erf:
            let ok: (Double) -> Bool = { $0.isFinite && $0 >= 0 }
            return v1.allSatisfy(ok) && v2.allSatisfy(ok) ? .erf : .scalar
        default:
            return .scalar
        }
    }

    /// A point's factors rounded to T: √(1 + 2v) and its reciprocal for erf, else √v and 1/√v
    /// (0 for v ≤ 0) — the second point's tables here and in the slice route.
    static func pointRoots(_ act: Activation, _ v: Double) -> (s: T, inv: T) {
        if case .erf = act { return (T((1 + 2 * v).squareRoot()), T(1 / (1 + 2 * v).squareRoot())) }
        return (T(v > 0 ? v.squareRoot() : 0), T(v > 0 ? 1 / v.squareRoot() : 0))
    }

    /// The ReLU family's closed-form constants: (a² + b²)/2 and (a − b)²/2π.
    static func reluConstants(a: Double, b: Double) -> (sumSq: Double, c1: Double) {
        let sumSq = (a * a + b * b) / 2
        let c1 = (a - b) * (a - b) / (2 * Double.pi)
        return (sumSq, c1)
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
        let (sumSq, c1) = Self.reluConstants(a: a, b: b)
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
        let vSum = V(repeating: sumSq), vC1 = V(repeating: c1), vS1 = V(repeating: s1), vIs1 = V(repeating: 1 / s1)
        var j = 0
        while j + w <= cols {
            let kv = VectorMath.load(krow + j)
            let r = reluLanes(kv, s1: vS1, is1: vIs1, s2: VectorMath.load(s2 + j), is2: VectorMath.load(is2 + j), sumSq: vSum, c1: vC1)
            VectorMath.store(r.k, krow + j)
            if let t = trow { VectorMath.store(VectorMath.load(t + j) * r.dot, t + j) }
            j += w
        }
        while j < cols {
            let r = reluScalar(Double(krow[j]), s1: Double(s1), is1: Double(1 / s1), s2: Double(s2[j]), is2: Double(is2[j]),
                               sumSq: Double(sumSq), c1: Double(c1))
            krow[j] = T(r.k)
            trow?[j] *= T(r.dot)
            j += 1
        }
    }

    /// The ReLU-family dual on one vector (the block kernel and the slice route's rows):
    /// c = K·is₁·is₂ clamped to [−1, 1], θ = arccos c, K̇ = sumSq − c1·θ,
    /// K′ = (c1·s₁)·sin θ·s₂ + K̇·K (neural-tangents' `ABRelu`). Returns (K′, K̇).
    // @_transparent, not @inline(__always): in the specialised slice rows the latter stayed an
    // out-of-line call with its vectors passed through the stack (perf: 60 % of the profile).
    @_transparent
    static func reluLanes(_ kv: T.Vector, s1: T.Vector, is1: T.Vector, s2: T.Vector, is2: T.Vector,
                          sumSq: T.Vector, c1: T.Vector) -> (k: T.Vector, dot: T.Vector) {
        let c = T.clampUnit(kv * is1 * is2)
        let (th, sinv) = T.reluAngle(c)
        let dot = sumSq - c1 * th
        let amp = c1 * s1 * sinv
        return (amp * s2 + dot * kv, dot)
    }

    /// `reluLanes` for one entry in Double (row tails), through the same polynomial angle.
    @_transparent
    static func reluScalar(_ kv: Double, s1: Double, is1: Double, s2: Double, is2: Double,
                           sumSq: Double, c1: Double) -> (k: Double, dot: Double) {
        let c = max(-1, min(1, kv * is1 * is2))
        let (th, sinv) = VectorMath.reluAngle(SIMD4<Double>(repeating: c))
        let dot = sumSq - c1 * th[0]
        return (c1 * s1 * sinv[0] * s2 + dot * kv, dot)
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
        let vSp1 = V(repeating: sp1), vIsp1 = V(repeating: isp1)
        var j = 0
        while j + w <= cols {
            let r = erfLanes(VectorMath.load(krow + j), sp1: vSp1, isp1: vIsp1, sp2: VectorMath.load(sp2 + j), isp2: VectorMath.load(isp2 + j))
            VectorMath.store(r.k, krow + j)
            if let t = trow { VectorMath.store(VectorMath.load(t + j) * r.kdot, t + j) }
            j += w
        }
        while j < cols {
            let r = erfScalar(Double(krow[j]), sp1: Double(sp1), isp1: Double(isp1), sp2: Double(sp2[j]), isp2: Double(isp2[j]))
            krow[j] = T(r.k)
            trow?[j] *= T(r.kdot)
            j += 1
        }
    }

    /// The erf dual on one vector (the block kernel and the slice route's rows): ρ = 2K·isp₁·isp₂
    /// clamped, K′ = (2/π)·asin ρ, K̇ = (4/π)/(√(1−ρ²)·sp₁·sp₂), the denominator floored at
    /// √(least normal) like the scalar form.
    @_transparent
    static func erfLanes(_ kv: T.Vector, sp1: T.Vector, isp1: T.Vector, sp2: T.Vector, isp2: T.Vector) -> (k: T.Vector, kdot: T.Vector) {
        typealias V = T.Vector
        let floor = V(repeating: T.leastNormalMagnitude.squareRoot())
        let c = T.clampUnit(kv * (V(repeating: 2) * isp1) * isp2)
        let (asin, root) = T.asinAngle(c)
        var den = root * sp1 * sp2
        den.replace(with: floor, where: den .< floor)
        return (V(repeating: T(2 / Double.pi)) * asin, V(repeating: T(4 / Double.pi)) / den)
    }

    /// `erfLanes` for one entry in Double (row tails).
    @_transparent
    static func erfScalar(_ kv: Double, sp1: Double, isp1: Double, sp2: Double, isp2: Double) -> (k: T, kdot: T) {
        let c = max(-1, min(1, kv * 2 * isp1 * isp2))
        let (asin, root) = VectorMath.asinAngle(SIMD4<Double>(repeating: c))
        let den = max(root[0] * sp1 * sp2, Double(T.leastNormalMagnitude).squareRoot())
        return (T(2 / Double.pi * asin[0]), T(4 / Double.pi / den))
    }
}
