import CKernelMath

/// Vectorised elementary functions for the hot loops, on 512-bit vectors (8 doubles, 16
/// floats): one AVX-512 register when built with `-target-cpu znver4`/`skylake-avx512` (as
/// `make` picks on such machines), two AVX2 registers with `haswell`, four SSE2 ones on the
/// x86-64 baseline — the same lane-wise arithmetic on each, so results do not depend on it.
enum VectorMath {
    // The ReLU dual needs θ = arccos c and sin θ = √(1 − c²) for |c| ≤ 1. Division-free, one
    // square root: s = √((1 − c)(1 + c)) (exact factors: 1 ± c lose nothing for |c| ≤ 1), then
    //   |c| ≤ 1/√2:  θ = π/2 − asin c          (z = c² ≤ ½)
    //   |c| > 1/√2:  θ = asin s  (c > 0),  π − asin s  (c < 0)   (s < 1/√2, z = s² < ½)
    // with asin x = x + x·z·P(z) on z ∈ [0, ½]. P interpolates (asin √z − √z)/z^{3/2} at
    // Chebyshev nodes (near-minimax; fitted in 50-digit mpmath): degree 17 for Double (max
    // error of asin 1 ulp over [0, 1/√2]), degree 6 for Float (≤ 1 ulp of Float). Near c → 1
    // the angle comes from s, so it keeps full relative accuracy (no 1 − c cancellation).
    // `ActivationTests` bound the whole dual against the libm formula over |c| ≤ 1.
    // Before (measured, see BENCHMARKS.md): a Cephes rational p/q (one division) after a
    // square root on the upper range, plus a second square root for sin θ — and Swift's SIMD
    // `squareRoot()` ran lane by lane through libm, so the square roots come from CKernelMath.

    /// asin x = x + x·z·P(z), z = x², for |x| ≤ 1/√2 (a hair beyond is still accurate).
    @inline(__always)
    static func asinPoly(_ x: SIMD8<Double>) -> SIMD8<Double> {
        typealias V = SIMD8<Double>
        let z = x * x
        // P(z) = E(z²) + z·O(z²): two independent Horner chains of 9 (half the latency).
        let w = z * z
        @inline(__always) func m(_ p: V, _ k: Double) -> V { entk_muladd_d8(p, w, V(repeating: k)) }
        var e = V(repeating: -2.277990489441633), o = V(repeating: 0.6629475548369097)
        e = m(e, -3.7415993002001366); o = m(o, 3.7316474816315224)
        e = m(e, -1.258681300394588); o = m(o, 2.573508064401593)
        e = m(e, -0.1174784139555458); o = m(o, 0.46581061083892006)
        e = m(e, 0.0058919623838489124); o = m(o, 0.033823977477227554)
        e = m(e, 0.013929824301362788); o = m(o, 0.011985559032731258)
        e = m(e, 0.022372086303686842); o = m(o, 0.017354730668996843)
        e = m(e, 0.04464285712358516); o = m(o, 0.030381946078023858)
        e = m(e, 0.1666666666666666); o = m(o, 0.07500000000008983)
        let p = entk_muladd_d8(o, z, e)
        return entk_muladd_d8(x * z, p, x)
    }

    /// (θ, sin θ) for c ∈ [−1, 1] (clamped by the caller).
    @inline(__always)
    static func reluAngle(_ c: SIMD8<Double>) -> (theta: SIMD8<Double>, sin: SIMD8<Double>) {
        typealias V = SIMD8<Double>
        let one = V(repeating: 1)
        let s = entk_sqrt_d8((one - c) * (one + c))
        let a = c.replacing(with: -c, where: c .< 0)
        let small = a .<= V(repeating: 0.7071067811865476)
        let asin = asinPoly(s.replacing(with: c, where: small))
        let upper = asin.replacing(with: Double.pi - asin, where: c .< 0)
        let theta = upper.replacing(with: Double.pi / 2 - asin, where: small)
        return (theta, s)
    }

    /// (asin c, √(1 − c²)) for c ∈ [−1, 1]: the polynomial of c for |c| ≤ 1/√2, else
    /// ±(π/2 − asin √(1 − c²)) — full relative accuracy at small c (the erf dual).
    @inline(__always)
    static func asinAngle(_ c: SIMD8<Double>) -> (asin: SIMD8<Double>, root: SIMD8<Double>) {
        typealias V = SIMD8<Double>
        let one = V(repeating: 1)
        let s = entk_sqrt_d8((one - c) * (one + c))
        let a = c.replacing(with: -c, where: c .< 0)
        let small = a .<= V(repeating: 0.7071067811865476)
        let p = asinPoly(s.replacing(with: c, where: small))
        let big = (Double.pi / 2 - p).replacing(with: p - Double.pi / 2, where: c .< 0)
        return (big.replacing(with: p, where: small), s)
    }

    /// The Float polynomial (degree 6) is `entk_asin_poly_f16` in `CKernelMath.h`, shared with
    /// the slice route's C rows.
    @inline(__always)
    static func asinPoly(_ x: SIMD16<Float>) -> SIMD16<Float> { entk_asin_poly_f16(x) }

    @inline(__always)
    static func reluAngle(_ c: SIMD16<Float>) -> (theta: SIMD16<Float>, sin: SIMD16<Float>) {
        typealias V = SIMD16<Float>
        let one = V(repeating: 1)
        let s = entk_sqrt_f16((one - c) * (one + c))
        let a = c.replacing(with: -c, where: c .< 0)
        let small = a .<= V(repeating: 0.70710677)
        let asin = asinPoly(s.replacing(with: c, where: small))
        let upper = asin.replacing(with: Float.pi - asin, where: c .< 0)
        let theta = upper.replacing(with: Float.pi / 2 - asin, where: small)
        return (theta, s)
    }

    @inline(__always)
    static func asinAngle(_ c: SIMD16<Float>) -> (asin: SIMD16<Float>, root: SIMD16<Float>) {
        typealias V = SIMD16<Float>
        let one = V(repeating: 1)
        let s = entk_sqrt_f16((one - c) * (one + c))
        let a = c.replacing(with: -c, where: c .< 0)
        let small = a .<= V(repeating: 0.70710677)
        let p = asinPoly(s.replacing(with: c, where: small))
        let big = (Float.pi / 2 - p).replacing(with: p - Float.pi / 2, where: c .< 0)
        return (big.replacing(with: p, where: small), s)
    }

    /// The same at half width (the scalar tails of the block loops and the accuracy tests):
    /// both halves of the wide vector carry x, so the lanes are computed by the code above.
    @inline(__always)
    static func reluAngle(_ c: SIMD4<Double>) -> (theta: SIMD4<Double>, sin: SIMD4<Double>) {
        let r = reluAngle(SIMD8(lowHalf: c, highHalf: c)); return (r.theta.lowHalf, r.sin.lowHalf)
    }
    @inline(__always)
    static func asinAngle(_ c: SIMD4<Double>) -> (asin: SIMD4<Double>, root: SIMD4<Double>) {
        let r = asinAngle(SIMD8(lowHalf: c, highHalf: c)); return (r.asin.lowHalf, r.root.lowHalf)
    }
    @inline(__always)
    static func reluAngle(_ c: SIMD8<Float>) -> (theta: SIMD8<Float>, sin: SIMD8<Float>) {
        let r = reluAngle(SIMD16(lowHalf: c, highHalf: c)); return (r.theta.lowHalf, r.sin.lowHalf)
    }
    @inline(__always)
    static func asinAngle(_ c: SIMD8<Float>) -> (asin: SIMD8<Float>, root: SIMD8<Float>) {
        let r = asinAngle(SIMD16(lowHalf: c, highHalf: c)); return (r.asin.lowHalf, r.root.lowHalf)
    }

    /// arccos on [−1, 1] (the θ of `reluAngle`).
    @inline(__always)
    static func acos(_ x: SIMD8<Double>) -> SIMD8<Double> { reluAngle(x).theta }
    @inline(__always)
    static func acos(_ x: SIMD16<Float>) -> SIMD16<Float> { reluAngle(x).theta }
    @inline(__always)
    static func acos(_ x: Double) -> Double { acos(SIMD8<Double>(repeating: x))[0] }

    @inline(__always)
    static func sqrt(_ x: SIMD8<Double>) -> SIMD8<Double> { entk_sqrt_d8(x) }
    @inline(__always)
    static func sqrt(_ x: SIMD16<Float>) -> SIMD16<Float> { entk_sqrt_f16(x) }

    @inline(__always)
    static func clampUnit(_ x: SIMD8<Double>) -> SIMD8<Double> {
        x.replacing(with: 1, where: x .> 1).replacing(with: -1, where: x .< -1)
    }
    @inline(__always)
    static func clampUnit(_ x: SIMD16<Float>) -> SIMD16<Float> {
        x.replacing(with: 1, where: x .> 1).replacing(with: -1, where: x .< -1)
    }

    @inline(__always)
    static func load<T: KernelFloat>(_ p: UnsafePointer<T>) -> T.Vector { UnsafeRawPointer(p).loadUnaligned(as: T.Vector.self) }
    @inline(__always)
    static func store<T: KernelFloat>(_ v: T.Vector, _ p: UnsafeMutablePointer<T>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: T.Vector.self) }

    /// dst[i] += src[i], i < n.
    @inline(__always)
    static func add<T: KernelFloat>(_ dst: UnsafeMutablePointer<T>, _ src: UnsafePointer<T>, _ n: Int) {
        let w = T.Vector.scalarCount
        var i = 0
        while i + w <= n { store(load(dst + i) + load(src + i), dst + i); i += w }
        while i < n { dst[i] += src[i]; i += 1 }
    }
}
