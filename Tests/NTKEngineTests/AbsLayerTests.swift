import XCTest
import Foundation
@testable import NTKEngine

/// The `abs` layer, φ(x) = |x|: its dual is the degree-1 arc-cosine kernel,
/// E[|u||v|] = (2/π)·√(v₁v₂)·(√(1−ρ²) + ρ·asin ρ) and E[sign u · sign v] = (2/π)·asin ρ
/// (written here independently of the engine's a/b ReLU formula), checked against Monte
/// Carlo, the closed form, and a finite-width network.
final class AbsLayerTests: XCTestCase {
    func closedForm(k: Double, v1: Double, v2: Double) -> (k: Double, kdot: Double) {
        let n = (v1 * v2).squareRoot(), rho = k / n
        return (2 / Double.pi * n * ((1 - rho * rho).squareRoot() + rho * asin(rho)), 2 / Double.pi * asin(rho))
    }

    func testParsesRoundTripsAndNames() throws {
        let spec = try ArchitectureSpec.parse(json: Data(#"{"input_shape": [3], "layers": [{"type": "dense"}, {"type": "abs"}, {"type": "dense"}]}"#.utf8))
        XCTAssertEqual(spec.layers[1], .activation(.absoluteValue))
        XCTAssertEqual(spec.layers[1].typeName, "abs")
        XCTAssertEqual(try ArchitectureSpec.parse(json: try spec.jsonData()), spec)
        XCTAssertEqual(spec.layers[1].jsonObject.count, 1, "abs has no fields")
    }

    func testDualMatchesTheArcCosineClosedForm() {
        for (k, v1, v2) in [(0.3, 1.0, 2.0), (-0.9, 1.0, 1.0), (0.0, 0.5, 3.0), (1.99, 1.0, 4.0), (2.5, 2.5, 2.5), (-1e-3, 1e-3, 1e-2)] {
            let d = Activation.absoluteValue.dual(k: k, v1: v1, v2: v2), e = closedForm(k: k, v1: v1, v2: v2)
            XCTAssertEqual(d.k, e.k, accuracy: 1e-12 * max(1, abs(e.k)), "\(k) \(v1) \(v2)")
            XCTAssertEqual(d.kdot, e.kdot, accuracy: 1e-12, "\(k) \(v1) \(v2)")
        }
        XCTAssertEqual(Activation.absoluteValue.varianceMap(1.7), 1.7, accuracy: 1e-15) // E[u²] = v
    }

    func testDualMatchesMonteCarlo() {
        var rng = SplitMix64(seed: 7)
        let n = 400_000, v1 = 1.3, v2 = 0.7, k = 0.6
        // (u, v) = (√v₁·z₁, (k/√v₁)·z₁ + √(v₂ − k²/v₁)·z₂).
        let a = v1.squareRoot(), b = k / a, c = (v2 - b * b).squareRoot()
        var sk = 0.0, skk = 0.0, sd = 0.0
        for _ in 0..<n {
            let z1 = rng.gaussian(), z2 = rng.gaussian()
            let u = a * z1, v = b * z1 + c * z2
            let p = abs(u) * abs(v)
            sk += p; skk += p * p
            sd += (u > 0) == (v > 0) ? 1 : -1
        }
        let mean = sk / Double(n), se = ((skk / Double(n) - mean * mean) / Double(n)).squareRoot()
        let d = Activation.absoluteValue.dual(k: k, v1: v1, v2: v2)
        XCTAssertEqual(d.k, mean, accuracy: 4 * se)
        XCTAssertEqual(d.kdot, sd / Double(n), accuracy: 4 / Double(n).squareRoot())
    }

    func testFiniteWidthNetworkConverges() throws {
        let spec = ArchitectureSpec(inputShape: [5], layers: [FW.dense(1.2, 0.1), .activation(.absoluteValue), FW.dense(1, 0.2),
                                                               .activation(.absoluteValue), FW.dense(1, 0.1)])
        try MonteCarloCheck.assertAgrees("mlp abs", spec, width: 64, seeds: 400)
    }
}
