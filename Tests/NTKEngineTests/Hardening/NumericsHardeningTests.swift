import Foundation
import XCTest
@testable import NTKEngine

/// Issue 14: duals at huge variance, quadrature accuracy, and non-finite Grams.
final class NumericsHardeningTests: XCTestCase {
    /// E[g(u)] for u ~ N(0, v) by composite Simpson in u-space (step ≤ 0.005, |u| ≤ 10√v):
    /// independent of the dual code, accurate to ~1e-10 for the smooth g used here.
    func simpson1D(v: Double, _ g: (Double) -> Double) -> Double {
        let s = v.squareRoot(), lim = 10 * s
        let n = max(2000, Int((2 * lim / min(0.005, s / 50)).rounded(.up))) / 2 * 2
        let h = 2 * lim / Double(n)
        var acc = 0.0
        for i in 0...n {
            let u = -lim + Double(i) * h
            let c: Double = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2)
            acc += c * g(u) * Foundation.exp(-u * u / (2 * v))
        }
        return acc * h / 3 / (2 * Double.pi * v).squareRoot()
    }

    /// Monte Carlo (E[f(u)f(v)], E[f'(u)f'(v)], their standard errors).
    func monteCarlo(_ f: NumericFunction, v1: Double, v2: Double, k: Double, n: Int = 400_000) -> (Double, Double, Double, Double) {
        var rng = TestRNG(77)
        let s1 = v1.squareRoot(), rho = k / (v1 * v2).squareRoot(), s2 = v2.squareRoot()
        var a = 0.0, a2 = 0.0, b = 0.0, b2 = 0.0
        for _ in 0..<n {
            let z1 = rng.normal(), z2 = rng.normal()
            let u = s1 * z1, w = s2 * (rho * z1 + (1 - rho * rho).squareRoot() * z2)
            let p = f.value(u) * f.value(w), q = f.derivative(u) * f.derivative(w)
            a += p; a2 += p * p; b += q; b2 += q * q
        }
        let m = Double(n)
        return (a / m, b / m, ((a2 / m - (a / m) * (a / m)) / m).squareRoot(), ((b2 / m - (b / m) * (b / m)) / m).squareRoot())
    }

    func testQuadratureDualsMatchHighPrecisionSelfPairsAtEveryVariance() {
        for f in [NumericFunction.tanh, .sigmoid, .softplus, .swish] {
            for v in [0.3, 3, 100, 1e4] {
                let d = Activation.numeric(f).dual(k: v, v1: v, v2: v)
                let rk = simpson1D(v: v) { f.value($0) * f.value($0) }
                let rd = simpson1D(v: v) { f.derivative($0) * f.derivative($0) }
                XCTAssertEqual(d.k, rk, accuracy: 1e-7 * abs(rk), "\(f) K at v=\(v)")
                XCTAssertEqual(d.kdot, rd, accuracy: 1e-7 * abs(rd), "\(f) K̇ at v=\(v)")
            }
        }
    }

    func testQuadratureDualsMatchMonteCarloOffDiagonalAndAreSymmetric() {
        for f in [NumericFunction.tanh, .sigmoid, .softplus, .swish, .sin, .cos] {
            let v1 = 100.0, v2 = 150.0, k = 0.6 * (v1 * v2).squareRoot()
            let d = Activation.numeric(f).dual(k: k, v1: v1, v2: v2)
            let swapped = Activation.numeric(f).dual(k: k, v1: v2, v2: v1)
            XCTAssertEqual(d.k, swapped.k, accuracy: 1e-12 * max(1, abs(d.k)), "\(f) asymmetric")
            XCTAssertEqual(d.kdot, swapped.kdot, accuracy: 1e-12 * max(1, abs(d.kdot)), "\(f) asymmetric")
            let mc = monteCarlo(f, v1: v1, v2: v2, k: k)
            XCTAssertEqual(d.k, mc.0, accuracy: 5 * mc.2 + 1e-12, "\(f) K vs Monte Carlo")
            XCTAssertEqual(d.kdot, mc.1, accuracy: 5 * mc.3 + 1e-12, "\(f) K̇ vs Monte Carlo")
        }
    }

    func testTanhMLPDiagonalAtVariance100() throws {
        // dense(W_std 10) → tanh → dense(W_std 1): pre-activation variance 100 for |x|²/D = 1,
        // so K(x, x) = E[tanh(u)²], u ~ N(0, 100) (the issue's run gave 1.51× too little).
        let s = try ArchitectureSpec.parse(json: Data(#"{"input_shape": [4], "layers": [{"type": "dense", "W_std": 10, "b_std": 0}, {"type": "tanh"}, {"type": "dense", "W_std": 1, "b_std": 0}]}"#.utf8))
        let x = try InputBatch(shape: [4], data: [1, -1, 1, -1, 1, 1, -1, -1])
        let r = try GramEngine(spec: s, threads: 1).compute(x)
        let ref = simpson1D(v: 100) { Foundation.tanh($0) * Foundation.tanh($0) }
        XCTAssertEqual(r.nngp[0, 0], ref, accuracy: 1e-8)
        XCTAssertEqual(r.nngp[0, 1], r.nngp[1, 0], accuracy: 1e-14)
    }

    func testQuadratureBeyondItsRangeIsRefusedNamingTheLayer() throws {
        let s = try ArchitectureSpec.parse(json: Data(#"{"input_shape": [2], "layers": [{"type": "dense", "W_std": 1e7, "b_std": 0}, {"type": "tanh"}, {"type": "dense"}]}"#.utf8))
        XCTAssertThrowsError(try GramEngine(spec: s, threads: 1).compute(try InputBatch(shape: [2], data: [1, 1]))) { e in
            XCTAssertTrue("\(e)".contains("layers[1] (tanh)") && "\(e)".contains("1e+12"), "\(e)")
        }
    }

    func testGeluAndErfStayExactAtHugeVariance() {
        // W_std 1e9: variances ~1e18. GELU → ReLU and erf → sign as the scale grows, with
        // relative corrections O(1/√v); compare with those limits' closed forms.
        let v1 = 1e18, v2 = 2e18
        for c in [1.0, 0.7, 0.0, -0.4] {
            let k = c * (v1 * v2).squareRoot()
            let g = Activation.gelu.dual(k: k, v1: v1, v2: v2), r = Activation.relu.dual(k: k, v1: v1, v2: v2)
            XCTAssertEqual(g.k, r.k, accuracy: 1e-6 * r.k.magnitude + 1e-6 * 1e18, "gelu K c=\(c)")
            if c < 1 { XCTAssertEqual(g.kdot, r.kdot, accuracy: 1e-6, "gelu K̇ c=\(c)") }
            let e = Activation.erf.dual(k: k, v1: v1, v2: v2)
            XCTAssertEqual(e.k, 2 / Double.pi * asin(c), accuracy: 1e-6, "erf K c=\(c)")
            XCTAssertTrue(e.kdot.isFinite && e.kdot > 0, "erf K̇ c=\(c)")
        }
        // Self pairs: the diagonal equals the variance map (no cancellation in Δ²).
        for v in [1e9, 1e18, 1e100] {
            XCTAssertEqual(Activation.gelu.dual(k: v, v1: v, v2: v).k, Activation.gelu.varianceMap(v), accuracy: 1e-12 * Activation.gelu.varianceMap(v))
            XCTAssertEqual(Activation.erf.dual(k: v, v1: v, v2: v).k, Activation.erf.varianceMap(v), accuracy: 1e-12)
        }
        // The rearranged closed form agrees with neural-tangents' original at moderate variance.
        let (v, w, k) = (0.8, 1.7, 0.5)
        let prod = v * w, pp1 = (v + 1) * (w + 1), dsq = pp1 - k * k, d = dsq.squareRoot(), ang = atan2(k, d)
        let orig = ((k * k + prod * dsq) / (pp1 * d) + k * ang) / (2 * Double.pi) + 0.25 * k
        let origDot = (1 / dsq + (1 - prod) / pp1 + 1) * k / d / (2 * Double.pi) + 0.25 + ang / (2 * Double.pi)
        XCTAssertEqual(Activation.gelu.dual(k: k, v1: v, v2: w).k, orig, accuracy: 1e-14)
        XCTAssertEqual(Activation.gelu.dual(k: k, v1: v, v2: w).kdot, origDot, accuracy: 1e-14)
    }

    func testNonFiniteGramIsAnErrorNamingTheLayer() throws {
        // Inputs of 1e300: the input kernel x·x′/D overflows.
        let cnn = try ArchitectureSpec.parse(json: Data(#"{"input_shape": [3, 3, 1], "layers": [{"type": "conv", "filter": [3, 3], "W_std": 1, "b_std": 0.1}, {"type": "relu"}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#.utf8))
        XCTAssertThrowsError(try GramEngine(spec: cnn, threads: 1).compute(try InputBatch(shape: [3, 3, 1], data: [Double](repeating: 1e300, count: 18)))) { e in
            guard case KernelError.nonFinite(let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("input kernel"), m)
        }
        // b_std 1e308 squares to ∞ in layers[2] (the dense after the pool).
        let big = try ArchitectureSpec.parse(json: Data(#"{"input_shape": [3, 3, 1], "layers": [{"type": "conv", "filter": [3, 3]}, {"type": "relu"}, {"type": "global_avg_pool"}, {"type": "dense", "b_std": 1e308}]}"#.utf8))
        XCTAssertThrowsError(try GramEngine(spec: big, threads: 1).compute(try InputBatch(shape: [3, 3, 1], data: (0..<18).map(Double.init)))) { e in
            guard case KernelError.nonFinite(let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("layers[3] (dense)"), m)
        }
        let conv = try ArchitectureSpec.parse(json: Data(#"{"input_shape": [3, 3, 1], "layers": [{"type": "conv", "filter": [3, 3], "b_std": 1e308}, {"type": "relu"}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#.utf8))
        XCTAssertThrowsError(try GramEngine(spec: conv, threads: 1).compute(try InputBatch(shape: [3, 3, 1], data: (0..<18).map(Double.init)))) { e in
            XCTAssertTrue("\(e)".contains("layers[0] (conv)"), "\(e)")
        }
        let mlp = try ArchitectureSpec.parse(json: Data(#"{"input_shape": [2], "layers": [{"type": "dense", "b_std": 1e308}, {"type": "relu"}, {"type": "dense"}]}"#.utf8))
        XCTAssertThrowsError(try GramEngine(spec: mlp, threads: 1).compute(try InputBatch(shape: [2], data: [1, 2]))) { e in
            XCTAssertTrue("\(e)".contains("layers[0] (dense)"), "\(e)")
        }
    }
}
