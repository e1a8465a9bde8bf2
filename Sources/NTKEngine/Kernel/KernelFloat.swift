import CKernelMath
import COpenBLAS

/// The element type of the pair recursion's hot loops: Double (default, exact to ~1e-15) or
/// Float (twice the SIMD width and half the memory traffic, ~1e-6 relative error).
public protocol KernelFloat: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    /// The vector the hot loops work on: 512 bits (8 doubles or 16 floats; see `VectorMath`).
    associatedtype Vector: SIMD where Vector.Scalar == Self
    /// C = alpha·A·Bᵀ for row-major A (m×k), B (n×k): the input kernel.
    static func gemmABt(m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, b: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>)
    /// Lane-wise arccos (concrete per type: see `VectorMath.acos`).
    static func acos(_ x: Vector) -> Vector
    /// Lane-wise (arccos c, √(1 − c²)) for c ∈ [−1, 1], division-free (see `VectorMath.reluAngle`).
    static func reluAngle(_ c: Vector) -> (theta: Vector, sin: Vector)
    /// Lane-wise (arcsin c, √(1 − c²)) for c ∈ [−1, 1] (see `VectorMath.asinAngle`).
    static func asinAngle(_ c: Vector) -> (asin: Vector, root: Vector)
    /// Lane-wise square root (one vector instruction; Swift's SIMD `squareRoot()` is per lane).
    static func vsqrt(_ x: Vector) -> Vector
    /// Lane-wise clamp into [−1, 1].
    static func clampUnit(_ x: Vector) -> Vector
    /// The slice route's fused rows (`CKernelMath.h`, `entk_relu_row_*` / `entk_erf_row_*`):
    /// returns how many of the n entries were done (the rest is the caller's).
    static func reluRow(_ r: SliceRow<Self>, sumSq: Self, c1: Self) -> Int
    static func erfRow(_ r: SliceRow<Self>) -> Int
}

extension KernelFloat {
    // By default no C rows (0 entries done): Double keeps the Swift vector loop of
    // `SliceRunner.reluRow`/`erfRow`, which measured ≈ 10 % faster than C rows at 8 or 16
    // lanes (BENCHMARKS.md, round four). Float overrides both.
    @inline(__always) public static func reluRow(_ r: SliceRow<Self>, sumSq: Self, c1: Self) -> Int { 0 }
    @inline(__always) public static func erfRow(_ r: SliceRow<Self>) -> Int { 0 }
}

/// One row of the slice route for the C kernels: the t_y tap rows of K and Θ, the affine map,
/// the variance tables (point 1 at t, point 2 at S·(t + d)) and the output rows.
public struct SliceRow<T: KernelFloat> {
    let kTaps: UnsafePointer<UnsafePointer<T>?>, tTaps: UnsafePointer<UnsafePointer<T>?>, m: Int
    let first: Bool
    let kw2: T, b2: T, a: T, beta: T
    let s1: UnsafePointer<T>, is1: UnsafePointer<T>, s2: UnsafePointer<T>, is2: UnsafePointer<T>
    let k: UnsafeMutablePointer<T>, t: UnsafeMutablePointer<T>
    let n: Int
}

extension Double: KernelFloat {
    public typealias Vector = SIMD8<Double>
    @inline(__always) public static func acos(_ x: Vector) -> Vector { VectorMath.acos(x) }
    @inline(__always) public static func clampUnit(_ x: Vector) -> Vector { VectorMath.clampUnit(x) }
    @inline(__always) public static func reluAngle(_ c: Vector) -> (theta: Vector, sin: Vector) { VectorMath.reluAngle(c) }
    @inline(__always) public static func asinAngle(_ c: Vector) -> (asin: Vector, root: Vector) { VectorMath.asinAngle(c) }
    @inline(__always) public static func vsqrt(_ x: Vector) -> Vector { VectorMath.sqrt(x) }
    public static func gemmABt(m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(k), b, Int32(k), 0, c, Int32(n))
    }
}

extension Float: KernelFloat {
    public typealias Vector = SIMD16<Float>
    @inline(__always) public static func reluRow(_ r: SliceRow<Float>, sumSq: Float, c1: Float) -> Int {
        // 32 lanes (two chains), then 16 for a remainder (a 16- or 48-wide row).
        let done = entk_relu_row_f32(r.kTaps, r.tTaps, r.m, r.first ? 1 : 0, r.kw2, r.b2, r.a, r.beta, sumSq, c1, r.s1, r.is1, r.s2, r.is2, r.k, r.t, 0, r.n)
        return entk_relu_row_f16(r.kTaps, r.tTaps, r.m, r.first ? 1 : 0, r.kw2, r.b2, r.a, r.beta, sumSq, c1, r.s1, r.is1, r.s2, r.is2, r.k, r.t, done, r.n)
    }
    @inline(__always) public static func erfRow(_ r: SliceRow<Float>) -> Int {
        let fl = Float.leastNormalMagnitude.squareRoot()
        let done = entk_erf_row_f32(r.kTaps, r.tTaps, r.m, r.first ? 1 : 0, r.kw2, r.b2, r.a, r.beta, fl, r.s1, r.is1, r.s2, r.is2, r.k, r.t, 0, r.n)
        return entk_erf_row_f16(r.kTaps, r.tTaps, r.m, r.first ? 1 : 0, r.kw2, r.b2, r.a, r.beta, fl, r.s1, r.is1, r.s2, r.is2, r.k, r.t, done, r.n)
    }
    @inline(__always) public static func acos(_ x: Vector) -> Vector { VectorMath.acos(x) }
    @inline(__always) public static func clampUnit(_ x: Vector) -> Vector { VectorMath.clampUnit(x) }
    @inline(__always) public static func reluAngle(_ c: Vector) -> (theta: Vector, sin: Vector) { VectorMath.reluAngle(c) }
    @inline(__always) public static func asinAngle(_ c: Vector) -> (asin: Vector, root: Vector) { VectorMath.asinAngle(c) }
    @inline(__always) public static func vsqrt(_ x: Vector) -> Vector { VectorMath.sqrt(x) }
    public static func gemmABt(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(k), b, Int32(k), 0, c, Int32(n))
    }
}

/// Numeric precision of a Gram computation.
public enum Precision: String, Sendable, CaseIterable {
    case float64, float32
}
