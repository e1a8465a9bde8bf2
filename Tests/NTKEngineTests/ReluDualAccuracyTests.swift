import Foundation
import XCTest
@testable import NTKEngine

/// The division-free ReLU dual of the block hot loop (`VectorMath.reluAngle`: one vector
/// square root and a polynomial asin) against the libm formula (`Foundation.acos`, the
/// scalar `Activation.dual`) over the whole domain |ρ| ≤ 1, including ρ → ±1, the branch
/// point |ρ| = 1/√2, and tiny or huge variances.
final class ReluDualAccuracyTests: XCTestCase {
    /// Correlations: a dense grid, both endpoints, 1 − 2⁻ᵏ (k ≤ 53) on each side, the
    /// neighbourhood of ±1/√2, tiny values and zero.
    static var correlations: [Double] {
        var cs: [Double] = (0...20_000).map { -1 + 2 * Double($0) / 20_000 }
        for k in 1...53 {
            let e = Foundation.pow(2.0, -Double(k))
            cs += [1 - e, -1 + e, e, -e]
        }
        var r = 0.5.squareRoot()
        for _ in 0..<40 { cs += [r, -r]; r = r.nextUp }
        r = 0.5.squareRoot()
        for _ in 0..<40 { cs += [r, -r]; r = r.nextDown }
        cs += [0, -0.0, 1e-300, -1e-300, Double.leastNonzeroMagnitude, 1, -1]
        return cs
    }

    func testAngleAndSineAgainstLibm() {
        var worstTheta = 0.0, worstSin = 0.0
        for c in Self.correlations {
            let (th, s) = VectorMath.reluAngle(SIMD4<Double>(repeating: c))
            let wantTheta = Foundation.acos(c)
            // √((1−c)(1+c)) in scalar libm arithmetic (sin(acos c) would lose the digits of
            // π − θ near c = −1).
            let wantSin = ((1 - c) * (1 + c)).squareRoot()
            // θ: relative (θ → 0 as ρ → 1 keeps full relative accuracy).
            let eTheta = abs(th[0] - wantTheta) / max(wantTheta, 1e-300)
            // sin θ: absolute against √((1−c)(1+c)) scale, relative where it is not tiny.
            let eSin = abs(s[0] - wantSin) / max(wantSin, 1e-300)
            worstTheta = max(worstTheta, wantTheta == 0 ? abs(th[0]) : eTheta)
            if wantSin > 1e-7 { worstSin = max(worstSin, eSin) } else { XCTAssertLessThan(abs(s[0] - wantSin), 1e-15, "sin at \(c)") }
            XCTAssertTrue(th[0] >= 0 && th[0] <= Double.pi && s[0] >= 0 && s[0] <= 1, "range at \(c)")
        }
        // A few ulps (libm acos is itself within 1 ulp; sin(acos c) adds a rounding).
        XCTAssertLessThan(worstTheta, 8e-16, "θ relative error")
        XCTAssertLessThan(worstSin, 8e-16, "sin θ relative error")
        var worstF = 0.0
        for c in Self.correlations {
            let cf = Float(c)
            let (th, s) = VectorMath.reluAngle(SIMD8<Float>(repeating: cf))
            let want = Foundation.acos(Double(cf))
            worstF = max(worstF, abs(Double(th[0]) - want) / max(want, 1e-30))
            XCTAssertLessThan(abs(Double(s[0]) - ((1 - Double(cf)) * (1 + Double(cf))).squareRoot()), 3e-7, "Float sin at \(c)")
        }
        XCTAssertLessThan(worstF, 5e-7, "Float θ relative error")
    }

    /// The block kernel (vector body and scalar tail: 7 columns) against `Activation.dual`
    /// for ReLU and a leaky ABReLU, variances from 1e-200 to 1e200. The dual is homogeneous
    /// (K′ of degree 1 in (K, v₁, v₂), K̇ of degree 0), so the reference is evaluated at unit
    /// scale and scaled back — the scalar formula's v₁·v₂ would underflow at 1e-200.
    /// K̇ = … − (a−b)²θ/2π depends on ρ through arccos, whose slope 1/sin θ blows up at
    /// ρ → ±1: the block forms ρ = K·(1/√v₁)·(1/√v₂) and the scalar formula K/√(v₁v₂), a few
    /// roundings apart, so K̇ may differ by ≈ 4ε/sin θ (at most √(8ε), where θ itself is of
    /// that size). Neither the angle nor the sine adds to this (see the test above).
    func conditioning(_ c: Double, eps: Double) -> Double {
        let s = ((1 - c) * (1 + c)).squareRoot()
        return min(4 * eps / max(s, 1e-300), (8 * eps).squareRoot()) * 1.5
    }

    func testBlockDualAgainstScalarFormula() {
        var rng = TestRNG(3)
        for act in [Activation.relu, .abRelu(a: -0.3, b: 1.2)] {
            for scale in [1e-200, 1e-30, 1e-3, 1, 7.5, 1e30, 1e200] {
                let cols = 7
                let v2 = (0..<cols).map { _ in scale * (0.1 + 3 * rng.uniform()) }
                for c in Self.correlations.filter({ _ in rng.uniform() < 0.05 }) + [1, -1, 0.999999999999, -0.999999999999] {
                    let v1 = [scale * (0.1 + 3 * rng.uniform())]
                    let ks = v2.map { c * $0.squareRoot() * v1[0].squareRoot() }
                    var k = ks, t = [Double](repeating: 1.5, count: cols)
                    func unit(_ j: Int) -> (k: Double, kdot: Double) { act.dual(k: ks[j] / scale, v1: v1[0] / scale, v2: v2[j] / scale) }
                    let block = BlockActivation<Double>(act, v1: v1, v2: v2, selfPair: false)
                    k.withUnsafeMutableBufferPointer { kp in
                        t.withUnsafeMutableBufferPointer { tp in
                            block.applyRow(0, k: kp.baseAddress!, theta: tp.baseAddress!, cols: cols)
                        }
                    }
                    for j in 0..<cols {
                        let want = unit(j)
                        let norm = (v1[0] / scale * v2[j] / scale).squareRoot()
                        XCTAssertLessThan(abs(k[j] / scale - want.k) / norm, 2e-15, "\(act) K at ρ \(c), scale \(scale)")
                        XCTAssertLessThan(abs(t[j] - 1.5 * want.kdot) / 1.5, 2e-15 + conditioning(c, eps: Double.ulpOfOne), "\(act) K̇ at ρ \(c), scale \(scale)")
                    }
                    // Float: ~1e-6 relative.
                    var kf = ks.map { Float($0 / scale) }, tf = [Float](repeating: 1.5, count: cols)
                    let bf = BlockActivation<Float>(act, v1: v1.map { $0 / scale }, v2: v2.map { $0 / scale }, selfPair: false)
                    kf.withUnsafeMutableBufferPointer { kp in
                        tf.withUnsafeMutableBufferPointer { tp in bf.applyRow(0, k: kp.baseAddress!, theta: tp.baseAddress!, cols: cols) }
                    }
                    for j in 0..<cols {
                        let want = unit(j)
                        let norm = (v1[0] / scale * v2[j] / scale).squareRoot()
                        XCTAssertLessThan(abs(Double(kf[j]) - want.k) / norm, 2e-6, "Float \(act) K at ρ \(c)")
                        XCTAssertLessThan(abs(Double(tf[j]) - 1.5 * want.kdot) / 1.5, 2e-6 + conditioning(c, eps: Double(Float.ulpOfOne)), "Float \(act) K̇ at ρ \(c)")
                    }
                }
            }
        }
    }

    /// asin for the erf dual: relative to libm over |ρ| ≤ 1 (incl. tiny ρ, where the erf
    /// kernel is ≈ (2/π)ρ and must keep its relative accuracy).
    func testAsinAgainstLibm() {
        var worst = 0.0, worstF = 0.0
        for c in Self.correlations {
            let (a, r) = VectorMath.asinAngle(SIMD4<Double>(repeating: c))
            let want = Foundation.asin(c)
            worst = max(worst, want == 0 ? abs(a[0]) : abs(a[0] - want) / abs(want))
            XCTAssertLessThan(abs(r[0] - ((1 - c) * (1 + c)).squareRoot()), 2e-16, "root at \(c)")
            let cf = Float(c)
            let (af, _) = VectorMath.asinAngle(SIMD8<Float>(repeating: cf))
            let wf = Foundation.asin(Double(cf))
            worstF = max(worstF, wf == 0 ? abs(Double(af[0])) : abs(Double(af[0]) - wf) / abs(wf))
        }
        XCTAssertLessThan(worst, 8e-16, "asin relative error")
        XCTAssertLessThan(worstF, 5e-7, "Float asin relative error")
    }

    /// The vectorised erf block dual (body and tail) against `Activation.dual`, variances
    /// 0 … 1e6, both precisions.
    func testErfBlockDualAgainstScalarFormula() {
        var rng = TestRNG(4)
        for scale in [0.0, 1e-8, 0.3, 1, 50, 1e6] {
            let cols = 7
            let v2 = (0..<cols).map { _ in scale * (0.1 + 3 * rng.uniform()) }
            for c in Self.correlations.filter({ _ in rng.uniform() < 0.05 }) + [1, -1, 0, 1e-12] {
                let v1 = [scale * (0.1 + 3 * rng.uniform())]
                // A valid covariance: |K| ≤ √(v₁v₂), i.e. raw correlation c (the scalar formula
                // clamps c to [−1, 1], so points outside that domain are not comparable).
                let ks = v2.map { c * ($0 * v1[0]).squareRoot() }
                var k = ks, t = [Double](repeating: 1.5, count: cols)
                BlockActivation<Double>(.erf, v1: v1, v2: v2, selfPair: false).apply(k: &k, theta: &t, cols: cols)
                var kf = ks.map { Float($0) }, tf = [Float](repeating: 1.5, count: cols)
                BlockActivation<Float>(.erf, v1: v1, v2: v2, selfPair: false).apply(k: &kf, theta: &tf, cols: cols)
                for j in 0..<cols {
                    let want = Activation.erf.dual(k: ks[j], v1: v1[0], v2: v2[j])
                    let rho = max(-1, min(1, 2 * ks[j] / ((1 + 2 * v1[0]) * (1 + 2 * v2[j])).squareRoot()))
                    // The block forms ρ as 2K·(1/√p₁)·(1/√p₂), the scalar formula as 2K/√(p₁p₂): a
                    // few roundings apart. Near |ρ| = 1 asin (slope 1/√(1−ρ²)) and K̇ ∝ 1/√(1−ρ²)
                    // (relative slope 1/(1−ρ²)) amplify that; Float resolves ρ only to ~6e-8.
                    let gap = (1 - rho) * (1 + rho)
                    let eps = Double.ulpOfOne, epsF = Double(Float.ulpOfOne)
                    XCTAssertLessThan(abs(k[j] - want.k), 4e-15 + conditioning(rho, eps: eps), "erf K at ρ \(rho), scale \(scale)")
                    if gap > 1e-10 {
                        XCTAssertLessThan(abs(t[j] - 1.5 * want.kdot) / (1.5 * want.kdot), 4e-15 + 8 * eps / gap,
                                          "erf K̇ at ρ \(rho), scale \(scale)")
                    }
                    XCTAssertLessThan(abs(Double(kf[j]) - want.k), 1e-6 + conditioning(rho, eps: epsF), "Float erf K at ρ \(rho)")
                    if gap > 1e-4 {
                        XCTAssertLessThan(abs(Double(tf[j]) - 1.5 * want.kdot) / (1.5 * want.kdot), 2e-6 + 8 * epsF / gap,
                                          "Float erf K̇ at ρ \(rho)")
                    }
                }
            }
        }
    }
}

extension BlockActivation {
    /// One row, from arrays (tests).
    func apply(k: inout [T], theta: inout [T], cols: Int) {
        k.withUnsafeMutableBufferPointer { kp in
            theta.withUnsafeMutableBufferPointer { tp in
                guard let kb = kp.baseAddress, let tb = tp.baseAddress else { return }
                applyRow(0, k: kb, theta: tb, cols: cols)
            }
        }
    }
}
