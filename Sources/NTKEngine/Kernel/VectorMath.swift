/// Vectorised elementary functions for the hot loops (SIMD4<Double>: AVX2 on x86-64 when
/// built with `-target-cpu haswell`, as `make` does; plain SSE2 otherwise).
enum VectorMath {
    typealias V = SIMD4<Double>

    // Cephes asin rational approximation, valid for |x| ≤ 0.625 (relative error ≈ 2e-16):
    // asin(x) = x + x·z·P(z)/Q(z), z = x².
    @usableFromInline static let p0 = 4.253011369004428248960E-3, p1 = -6.019598008014123785661E-1,
        p2 = 5.444622390564711410273E0, p3 = -1.626247967210700244449E1,
        p4 = 1.956261983317594739197E1, p5 = -8.198089802484824371615E0
    @usableFromInline static let q0 = -1.474091372988853791896E1, q1 = 7.049610280856842141659E1,
        q2 = -1.471791292232726029859E2, q3 = 1.395105614657485689735E2,
        q4 = -4.918853881490881290097E1

    @inline(__always)
    static func asinSmall(_ x: V) -> V {
        let z = x * x
        // Coefficients as local vectors so they are materialised once per loop, not per use.
        let vp0 = V(repeating: p0), vp1 = V(repeating: p1), vp2 = V(repeating: p2),
            vp3 = V(repeating: p3), vp4 = V(repeating: p4), vp5 = V(repeating: p5)
        let vq0 = V(repeating: q0), vq1 = V(repeating: q1), vq2 = V(repeating: q2),
            vq3 = V(repeating: q3), vq4 = V(repeating: q4)
        let p = ((((vp0 * z + vp1) * z + vp2) * z + vp3) * z + vp4) * z + vp5
        let q = ((((z + vq0) * z + vq1) * z + vq2) * z + vq3) * z + vq4
        return x + x * z * (p / q)
    }

    /// arccos on [−1, 1]: acos(a) = π/2 − asin(a) for |a| ≤ ½, 2·asin(√((1−a)/2)) above,
    /// and π − acos(|x|) for negative x. Every branch stays in asinSmall's range.
    @inline(__always)
    static func acos(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        let big = a .> 0.5
        let zb = (1 - a) * 0.5
        let arg = a.replacing(with: zb.squareRoot(), where: big)
        let s = asinSmall(arg)
        var r = (Double.pi / 2 - s).replacing(with: 2 * s, where: big)
        r.replace(with: Double.pi - r, where: x .< 0)
        return r
    }

    @inline(__always)
    static func acos(_ x: Double) -> Double { acos(V(repeating: x))[0] }

    @inline(__always)
    static func load(_ p: UnsafePointer<Double>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Double>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// dst[i] += src[i], i < n.
    @inline(__always)
    static func add(_ dst: UnsafeMutablePointer<Double>, _ src: UnsafePointer<Double>, _ n: Int) {
        var i = 0
        while i + 4 <= n { store(load(dst + i) + load(src + i), dst + i); i += 4 }
        while i < n { dst[i] += src[i]; i += 1 }
    }
}
