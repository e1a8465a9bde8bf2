/// Vectorised elementary functions for the hot loops (256-bit SIMD: AVX2 on x86-64 when
/// built with `-target-cpu haswell`, as `make` does; SSE2 pairs otherwise).
enum VectorMath {
    // Cephes asin rational approximation, valid for |x| ≤ 0.625 (relative error ≈ 2e-16):
    // asin(x) = x + x·z·P(z)/Q(z), z = x².
    static let p0 = 4.253011369004428248960E-3, p1 = -6.019598008014123785661E-1,
        p2 = 5.444622390564711410273E0, p3 = -1.626247967210700244449E1,
        p4 = 1.956261983317594739197E1, p5 = -8.198089802484824371615E0
    static let q0 = -1.474091372988853791896E1, q1 = 7.049610280856842141659E1,
        q2 = -1.471791292232726029859E2, q3 = 1.395105614657485689735E2,
        q4 = -4.918853881490881290097E1

    @inline(__always)
    static func asinSmall<V: SIMD>(_ x: V) -> V where V.Scalar: BinaryFloatingPoint {
        let z = x * x
        // Coefficients as local vectors so they are materialised once per loop, not per use.
        let vp0 = V(repeating: V.Scalar(p0)), vp1 = V(repeating: V.Scalar(p1)), vp2 = V(repeating: V.Scalar(p2)),
            vp3 = V(repeating: V.Scalar(p3)), vp4 = V(repeating: V.Scalar(p4)), vp5 = V(repeating: V.Scalar(p5))
        let vq0 = V(repeating: V.Scalar(q0)), vq1 = V(repeating: V.Scalar(q1)), vq2 = V(repeating: V.Scalar(q2)),
            vq3 = V(repeating: V.Scalar(q3)), vq4 = V(repeating: V.Scalar(q4))
        let p = ((((vp0 * z + vp1) * z + vp2) * z + vp3) * z + vp4) * z + vp5
        let q = ((((z + vq0) * z + vq1) * z + vq2) * z + vq3) * z + vq4
        return x + x * z * (p / q)
    }

    /// arccos on [−1, 1]: acos(a) = π/2 − asin(a) for |a| ≤ ½, 2·asin(√((1−a)/2)) above,
    /// and π − acos(|x|) for negative x. Every branch stays in asinSmall's range.
    @inline(__always)
    static func acos<V: SIMD>(_ x: V) -> V where V.Scalar: BinaryFloatingPoint {
        let zero = V(repeating: 0), half = V(repeating: 0.5), one = V(repeating: 1)
        let pi = V(repeating: V.Scalar(Double.pi)), halfPi = V(repeating: V.Scalar(Double.pi / 2))
        let a = x.replacing(with: zero - x, where: x .< zero)
        let big = a .> half
        let zb = (one - a) * half
        let arg = a.replacing(with: zb.squareRoot(), where: big)
        let s = asinSmall(arg)
        var r = (halfPi - s).replacing(with: s + s, where: big)
        r.replace(with: pi - r, where: x .< zero)
        return r
    }

    @inline(__always)
    static func acos(_ x: Double) -> Double { acos(SIMD4<Double>(repeating: x))[0] }

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
