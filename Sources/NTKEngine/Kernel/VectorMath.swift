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

    // The arccos kernels are written out for each concrete vector type: the generic SIMD
    // versions of comparisons and blends run lane by lane (measured 3× slower), the concrete
    // ones compile to vcmppd/vblendvpd (and the ps forms).

    /// arccos on [−1, 1]: acos(a) = π/2 − asin(a) for |a| ≤ ½, 2·asin(√((1−a)/2)) above,
    /// and π − acos(|x|) for negative x. Every branch stays in the rational's range.
    @inline(__always)
    static func acos(_ x: SIMD4<Double>) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let a = x.replacing(with: -x, where: x .< 0)
        let big = a .> 0.5
        let arg = a.replacing(with: ((1 - a) * 0.5).squareRoot(), where: big)
        let z = arg * arg
        let p = ((((V(repeating: p0) * z + p1) * z + p2) * z + p3) * z + p4) * z + p5
        let q = ((((z + q0) * z + q1) * z + q2) * z + q3) * z + q4
        let asin = arg + arg * z * (p / q)
        var r = (Double.pi / 2 - asin).replacing(with: asin + asin, where: big)
        r.replace(with: Double.pi - r, where: x .< 0)
        return r
    }

    @inline(__always)
    static func acos(_ x: SIMD8<Float>) -> SIMD8<Float> {
        typealias V = SIMD8<Float>
        let a = x.replacing(with: -x, where: x .< 0)
        let big = a .> 0.5
        let arg = a.replacing(with: ((1 - a) * 0.5).squareRoot(), where: big)
        let z = arg * arg
        let p = ((((V(repeating: Float(p0)) * z + Float(p1)) * z + Float(p2)) * z + Float(p3)) * z + Float(p4)) * z + Float(p5)
        let q = ((((z + Float(q0)) * z + Float(q1)) * z + Float(q2)) * z + Float(q3)) * z + Float(q4)
        let asin = arg + arg * z * (p / q)
        var r = (Float.pi / 2 - asin).replacing(with: asin + asin, where: big)
        r.replace(with: Float.pi - r, where: x .< 0)
        return r
    }

    @inline(__always)
    static func acos(_ x: Double) -> Double { acos(SIMD4<Double>(repeating: x))[0] }

    @inline(__always)
    static func clampUnit(_ x: SIMD4<Double>) -> SIMD4<Double> {
        x.replacing(with: 1, where: x .> 1).replacing(with: -1, where: x .< -1)
    }
    @inline(__always)
    static func clampUnit(_ x: SIMD8<Float>) -> SIMD8<Float> {
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
