import Foundation
import XCTest
@testable import NTKEngine

final class ActivationTests: XCTestCase {
    let cases: [(Double, Double, Double)] = [(1.0, 1.0, 0.3), (0.7, 2.1, -0.5), (1.3, 0.4, 0.7), (2.0, 2.0, 1.999)]

    /// The Gauss–Hermite dual reproduces the closed forms of smooth functions.
    func testNumericDualMatchesClosedForms() {
        for (v1, v2, k) in cases {
            for (closed, numeric) in [(Activation.erf, NumericFunction.erf_numeric), (.gelu, .gelu_numeric)] {
                let a = closed.dual(k: k, v1: v1, v2: v2)
                let b = Activation.numeric(numeric).dual(k: k, v1: v1, v2: v2)
                // Near-perfect correlation (last case) the product rule loses a few digits.
                let tol = abs(k) / (v1 * v2).squareRoot() > 0.99 ? 1e-7 : 1e-9
                XCTAssertEqual(a.k, b.k, accuracy: tol, "\(closed) K at \(v1),\(v2),\(k)")
                XCTAssertEqual(a.kdot, b.kdot, accuracy: 2e-6 * max(1, abs(a.kdot)), "\(closed) K̇ at \(v1),\(v2),\(k)")
                XCTAssertEqual(closed.varianceMap(v1), Activation.numeric(numeric).varianceMap(v1), accuracy: 1e-7)
            }
            // ReLU has a kink: quadrature converges slowly, but still to ~1e-3.
            let a = Activation.relu.dual(k: k, v1: v1, v2: v2), b = Activation.numeric(.relu_numeric).dual(k: k, v1: v1, v2: v2)
            XCTAssertEqual(a.k, b.k, accuracy: 3e-3 * v1)
        }
    }

    /// Identities of the closed forms: identity is linear, leaky ReLU with α=1 is the identity,
    /// the ReLU dual at correlation 1 is v/2, tanh's numeric dual is odd in k.
    func testClosedFormIdentities() {
        let id = Activation.abRelu(a: 1, b: 1).dual(k: 0.3, v1: 1.1, v2: 0.9)
        XCTAssertEqual(id.k, 0.3, accuracy: 1e-15); XCTAssertEqual(id.kdot, 1, accuracy: 1e-15)
        let r = Activation.relu.dual(k: 2, v1: 2, v2: 2)
        XCTAssertEqual(r.k, 1, accuracy: 1e-15); XCTAssertEqual(r.kdot, 0.5, accuracy: 1e-15)
        let t1 = Activation.numeric(.tanh).dual(k: 0.4, v1: 1, v2: 1), t2 = Activation.numeric(.tanh).dual(k: -0.4, v1: 1, v2: 1)
        XCTAssertEqual(t1.k, -t2.k, accuracy: 1e-14)
        XCTAssertGreaterThan(t1.k, 0)
        // sin: E[sin u sin v] = e^{-(v1+v2)/2} sinh(k) exactly.
        let s = Activation.numeric(.sin).dual(k: 0.6, v1: 1, v2: 1.5)
        XCTAssertEqual(s.k, exp(-1.25) * sinh(0.6), accuracy: 1e-12)
        XCTAssertEqual(s.kdot, exp(-1.25) * cosh(0.6), accuracy: 1e-12)
    }

    /// Monte Carlo check of the GELU and erf closed forms (independent of any dual formula).
    func testClosedFormsAgainstSampling() {
        var rng = TestRNG(3)
        let (v1, v2, k) = (1.2, 0.8, 0.5)
        let l11 = v1.squareRoot(), l21 = k / l11, l22 = (v2 - l21 * l21).squareRoot()
        var sE = 0.0, sG = 0.0
        let n = 200_000
        for _ in 0..<n {
            let z1 = rng.normal(), z2 = rng.normal()
            let u = l11 * z1, v = l21 * z1 + l22 * z2
            sE += erf(u) * erf(v)
            sG += NumericFunction.gelu_numeric.value(u) * NumericFunction.gelu_numeric.value(v)
        }
        XCTAssertEqual(Activation.erf.dual(k: k, v1: v1, v2: v2).k, sE / Double(n), accuracy: 5e-3)
        XCTAssertEqual(Activation.gelu.dual(k: k, v1: v1, v2: v2).k, sG / Double(n), accuracy: 1e-2)
    }

    func testGaussHermiteRuleIntegratesMoments() {
        let q = NumericDual(order: 20)
        let m2 = zip(q.nodes, q.weights).reduce(0) { $0 + $1.1 * $1.0 * $1.0 }
        let m4 = zip(q.nodes, q.weights).reduce(0) { $0 + $1.1 * pow($1.0, 4) }
        XCTAssertEqual(q.weights.reduce(0, +), 1, accuracy: 1e-14)
        XCTAssertEqual(m2, 1, accuracy: 1e-13)
        XCTAssertEqual(m4, 3, accuracy: 1e-12)
    }
}

final class VectorMathTests: XCTestCase {
    /// The vectorised arccos agrees with libm to a few ulps over [−1, 1], including the
    /// branch points ±½ and the ends.
    func testVectorAcosMatchesLibm() {
        var worst = 0.0
        var xs: [Double] = [-1, -0.5, -0.5000000001, 0, 0.5, 0.4999999999, 1, 1 - 1e-16, -1 + 1e-16, 1e-300]
        for i in 0...20000 { xs.append(-1 + 2 * Double(i) / 20000) }
        for x in xs {
            let a = VectorMath.acos(x), b = Foundation.acos(x)
            worst = max(worst, abs(a - b) / max(b, 1e-300))
            if b == 0 { XCTAssertEqual(a, 0) }
        }
        XCTAssertLessThan(worst, 1e-15)
    }
}
